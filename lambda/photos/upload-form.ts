import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { randomBytes } from 'node:crypto';
import { photoRules, uploadKey, type PhotoContentType } from '../../api/photos';

/** An S3 presigned POST: where the browser posts, and the form fields it sends before `file`. */
export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

/**
 * The form for one upload of a pet's photo: a key the server chooses (the pet's id
 * and a fresh random token, so the browser can neither pick nor overwrite another
 * object), at most photoRules.maxBytes of exactly the declared content type, valid
 * photoRules.formSeconds. A presigned POST, not PUT: only a POST policy can bound the
 * size. S3 checks the policy's signature against this function's credentials.
 */
export function uploadFormFor(
  client: S3Client,
  bucket: string,
  petId: number,
  contentType: PhotoContentType,
): Promise<UploadForm> {
  const key = uploadKey(petId, randomBytes(18).toString('base64url'));
  return createPresignedPost(client, {
    Bucket: bucket,
    Key: key,
    Conditions: [
      ['content-length-range', 1, photoRules.maxBytes],
      ['eq', '$Content-Type', contentType],
      ['eq', '$bucket', bucket],
      ['eq', '$key', key],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: photoRules.formSeconds,
  });
}
