/**
 * The photos bucket as every tier sees it: where uploads land and where the web
 * images live, which function its ObjectCreated events invoke, and the CORS rule
 * that lets the app's page upload to it. The stack builds the bucket's
 * notification and CORS configuration from here; the local S3 evaluates the same.
 */

/** The browser's presigned POST writes below this prefix; processPhoto reads and deletes it. */
export const photoUploadPrefix = 'uploads/';

/** The web images; the CDN serves `/photos/*` from the bucket, so a URL path is its key. */
export const photoPrefix = 'photos/';

/** One event notification of a bucket to a Lambda function (S3's LambdaFunctionConfiguration). */
export interface ObjectCreatedNotification {
  /** The configuration's id, which the event carries as `s3.configurationId`. */
  id: string;
  /** S3's `prefix` filter rule on the key. */
  prefix: string;
  /** S3's `suffix` filter rule on the key, when there is one. */
  suffix?: string;
  /** The function S3 invokes (asynchronously), by its name in api/handlers.ts. */
  functionName: string;
}

export const photoBucketNotifications: readonly ObjectCreatedNotification[] = [
  { id: 'process-uploaded-photo', prefix: photoUploadPrefix, functionName: 'processPhoto' },
];

/** One rule of a bucket's CORS configuration, with the names of CDK's `s3.CorsRule`. */
export interface BucketCorsRule {
  allowedOrigins: readonly string[];
  allowedMethods: readonly ('GET' | 'PUT' | 'HEAD' | 'POST' | 'DELETE')[];
  allowedHeaders?: readonly string[];
  exposedHeaders?: readonly string[];
  /** Seconds a browser may cache the preflight. */
  maxAge?: number;
}

/**
 * The app's page uploads with a multipart POST (a CORS-safelisted content type),
 * but listening to the upload's progress makes the browser send a preflight, so
 * the rule answers one for POST from the app's origin only.
 */
export function photoBucketCors(appOrigin: string): BucketCorsRule[] {
  return [
    {
      allowedOrigins: [appOrigin],
      allowedMethods: ['POST'],
      exposedHeaders: ['ETag'],
      maxAge: 7200,
    },
  ];
}
