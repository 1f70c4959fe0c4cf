import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { photoHeaders } from '../../api/photos';

/**
 * The site's `/photos/*`: the photos bucket through origin access control (the bucket
 * stays private), on the site's own origin so the CSP's `img-src 'self'` holds. A
 * web image's key is never rewritten, so it is cached for a year everywhere
 * (`immutable`), and `nosniff` keeps a browser from reading it as anything but an image.
 * The header is also set on each object by processPhoto; the policy makes it hold
 * whatever an object says.
 */
export function photoBehavior(scope: Construct, bucket: s3.IBucket): cloudfront.BehaviorOptions {
  const headers = new cloudfront.ResponseHeadersPolicy(scope, 'PhotoHeaders', {
    comment: 'Secure Pets photos: immutable for a year, nosniff',
    customHeadersBehavior: {
      customHeaders: [
        { header: 'Cache-Control', value: photoHeaders['Cache-Control'], override: true },
      ],
    },
    securityHeadersBehavior: { contentTypeOptions: { override: true } },
  });
  return {
    origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
    viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
    allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
    // WebP is compressed already.
    compress: false,
    responseHeadersPolicy: headers,
  };
}
