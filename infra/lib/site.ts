import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { AppConfig } from '../../api/app-config';
import {
  contentSecurityPolicy,
  permissionsPolicy,
  referrerPolicy,
  strictTransportSecurity,
} from '../../api/csp';

export interface PetsSiteProps {
  /**
   * The config.json publish will write (publish-plan.ts `deployedConfig`), with the
   * stack's tokens for values not known before deployment: the page headers'
   * Content-Security-Policy is built from it, as the local site builds it from its own.
   */
  config: AppConfig;
}

/**
 * The CloudFront Function that serves a prerendered page for its route: `/login` and
 * `/login/` are the object `login/index.html`. A path whose last segment has a dot is
 * a file and stays as it is; a route the build did not prerender gets S3's 403 and so
 * index.html (see errorResponses below).
 */
export const prerenderedPagesFunction = [
  'function handler(event) {',
  '  var request = event.request;',
  "  if (!/\\.[^/]*$/.test(request.uri)) request.uri = request.uri.replace(/\\/?$/, '/index.html');",
  '  return request;',
  '}',
].join('\n');

/**
 * Where the built app lives: a private S3 bucket read only by CloudFront through
 * origin access control. Chosen over S3 website hosting because website endpoints
 * speak plain HTTP only, Auth0 wants https callback URLs outside localhost, and a
 * website bucket must be public; CloudFront gives https, HTTP/2 and 3, compression,
 * security headers, and keeps the bucket closed to everyone else.
 */
export class PetsSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: PetsSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The bucket only holds build output, which `npm run publish` recreates.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    // Edge caching follows the Cache-Control that publish sets per object (immutable
    // for hashed files, no-cache for the pages and config.json), hence min TTL 0.
    const cachePolicy = new cloudfront.CachePolicy(this, 'CachePolicy', {
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingBrotli: true,
      enableAcceptEncodingGzip: true,
    });
    const prerenderedPages = new cloudfront.Function(this, 'PrerenderedPages', {
      comment: 'Secure Pets: /route -> /route/index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(prerenderedPagesFunction),
    });
    // The same Content-Security-Policy and page headers as the local site (api/csp.ts),
    // plus HSTS, which only means something over https.
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Secure Pets: Content-Security-Policy and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.config),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          // The enum's values are the header's values.
          referrerPolicy: referrerPolicy as cloudfront.HeadersReferrerPolicy,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(strictTransportSecurity.maxAgeSeconds),
          includeSubdomains: strictTransportSecurity.includeSubdomains,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: permissionsPolicy, override: true }],
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Secure Pets app',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy,
        responseHeadersPolicy: headers,
        functionAssociations: [
          { function: prerenderedPages, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      // The other routes are client-side: a deep link such as /sales has no page of its
      // own, so S3 answers 403 (no ListBucket), and index.html (the neutral frame of
      // the signed-in pages) serves it.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
    });

    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'The bucket holds only the public build, read by CloudFront alone (origin access ' +
          'control) and written by `npm run publish`, which CloudTrail records; per-object ' +
          'access logs would log CloudFront fetching public files. Data access goes through ' +
          'the API, whose access log names every caller.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'The shop sells to any country and has no per-country obligation; the site is a ' +
          'static app whose data comes from the API. Add geoRestriction when one appears.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No web ACL: the distribution serves only static, public build files (GET/HEAD) from ' +
          'a private bucket, and CloudFront absorbs volumetric attacks (Shield Standard); a ' +
          'CLOUDFRONT-scope WAFv2 ACL costs more than the site.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Standard logs would record downloads of public, static files, and need a log bucket ' +
          'with ACLs enabled; CloudFront’s default request and error-rate metrics cover the ' +
          'site, and the API, where the data is, has JSON access logs.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution uses CloudFront's default *.cloudfront.net certificate, for which " +
          'CloudFront fixes the security policy at TLSv1 whatever the template says. Enforcing ' +
          'TLSv1.2_2021 needs a custom domain and an ACM certificate in us-east-1; browsers ' +
          'negotiate TLS 1.2/1.3 anyway.',
      },
    ]);
  }
}
