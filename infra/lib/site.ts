import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AppConfig } from '../../api/app-config';
import { photoPrefix } from '../../api/photo-bucket';
import type { DeployParameters } from './parameters';
import { photoBehavior } from './photo-behavior';
import { prerenderedPages } from './prerendered-pages';
import { securityHeaders } from './security-headers';
import { suppressSiteFindings } from './site-findings';

export interface PetsSiteProps {
  /**
   * The config.json publish will write (publish-plan.ts `deployedConfig`), with the
   * stack's tokens for values not known before deployment: the page headers'
   * Content-Security-Policy is built from it, as the local site builds it from its own.
   */
  config: AppConfig;
  /** The site's own host name and its us-east-1 certificate, or the `*.cloudfront.net` name. */
  domain?: DeployParameters['siteDomain'];
  /** The photos bucket, whose `photos/` CloudFront serves at `/photos/*` (photos.ts). */
  photos?: s3.IBucket;
}

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
  /** The origin people open: `https://` and the custom domain, else the distribution's. */
  readonly url: string;

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
    const pages = prerenderedPages(this);
    const headers = securityHeaders(this, props.config);
    const { domain } = props;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Secure Pets app',
      // An alternate domain name needs its certificate; with one, CloudFront applies the
      // minimum TLS version given (the default certificate pins TLSv1 whatever is asked).
      ...(domain && {
        domainNames: [domain.name],
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
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
          { function: pages, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      // Error responses are the distribution's, whichever behavior answered. The other
      // routes are client-side: a deep link such as /sales has no page of its own, so S3
      // answers 403 (no ListBucket; never 404), and index.html (the neutral frame of the
      // signed-in pages) serves it. A 404 passes as it is: GET /pets/{id} through the
      // public reads' behaviors (public-reads.ts) says "No such pet." with it. A throttle
      // or an origin failure is never cached, or a crowd would see it for 10 s.
      ...(props.photos && {
        additionalBehaviors: { [`/${photoPrefix}*`]: photoBehavior(this, props.photos) },
      }),
      errorResponses: [
        { httpStatus: 403, responseHttpStatus: 200, responsePagePath: '/index.html' },
        ...[429, 500, 502, 503, 504].map((httpStatus) => ({ httpStatus })),
      ].map((response) => ({ ...response, ttl: Duration.seconds(0) })),
    });
    this.url = `https://${domain?.name ?? this.distribution.distributionDomainName}`;
    suppressSiteFindings(this.bucket, this.distribution, { customCertificate: !!domain });
  }
}
