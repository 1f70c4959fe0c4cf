import { Aws, Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { cdnPathPatterns, viewerRequestFunctionSource } from '../../api/cdn';
import { cacheQueryStrings, cacheTtlSeconds, forwardedHostHeader } from '../../api/cdn-cache';

export interface PetsPublicReadsProps {
  /** The site's distribution, which gets the behaviors. */
  distribution: cloudfront.Distribution;
  restApi: apigateway.RestApi;
  /** The API's stage: the first segment of the public reads' paths. */
  stage: string;
}

/**
 * The public reads through the site's CloudFront distribution (api/cdn.ts): a
 * behavior per path pattern (`/{stage}/pets`, `/{stage}/pets/*`, GET and HEAD only) to
 * the REST API's regional endpoint, with no origin path, since the viewer's path
 * already starts with the stage. The cache policy keys on the allow-listed query
 * strings only (no header, no cookie) and lets the Lambdas' Cache-Control decide the
 * TTL; the origin request policy adds X-Forwarded-Host, which the viewer-request
 * function sets to the viewer's Host: API Gateway must get its own Host. Signed
 * routes get no behavior; their paths under `/{stage}/pets/*` are refused by the
 * function before the cache.
 */
export class PetsPublicReads extends Construct {
  readonly cachePolicy: cloudfront.CachePolicy;
  readonly originRequestPolicy: cloudfront.OriginRequestPolicy;
  readonly viewerRequest: cloudfront.Function;

  constructor(scope: Construct, id: string, props: PetsPublicReadsProps) {
    super(scope, id);
    this.cachePolicy = new cloudfront.CachePolicy(this, 'CachePolicy', {
      comment: 'Secure Pets public reads: the GET /pets query, TTLs from the origin',
      minTtl: Duration.seconds(cacheTtlSeconds.min),
      defaultTtl: Duration.seconds(cacheTtlSeconds.default),
      maxTtl: Duration.seconds(cacheTtlSeconds.max),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList(...cacheQueryStrings),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      // Needed for CloudFront to compress; the encoding is normalised, not a header key.
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'OriginRequestPolicy', {
      comment: 'Secure Pets public reads: the GET /pets query and the viewer host',
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.allowList(
        ...cacheQueryStrings,
      ),
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(forwardedHostHeader),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });
    this.viewerRequest = new cloudfront.Function(this, 'ViewerRequest', {
      comment: 'Secure Pets public reads: refuse signed requests, pass the viewer host',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(viewerRequestFunctionSource(props.stage)),
    });
    const origin = new origins.HttpOrigin(
      `${props.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
      {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      },
    );
    for (const pattern of cdnPathPatterns(props.stage)) {
      props.distribution.addBehavior(pattern, origin, {
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        compress: true,
        cachePolicy: this.cachePolicy,
        originRequestPolicy: this.originRequestPolicy,
        functionAssociations: [
          { function: this.viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      });
    }
  }
}
