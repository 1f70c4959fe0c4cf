import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';

/**
 * The CloudFront Function that serves a prerendered page for its route: `/login` and
 * `/login/` are the object `login/index.html`. A path whose last segment has a dot is
 * a file and stays as it is; a route the build did not prerender gets S3's 403 and so
 * index.html (see the distribution's errorResponses, site.ts).
 */
export const prerenderedPagesFunction = [
  'function handler(event) {',
  '  var request = event.request;',
  "  if (!/\\.[^/]*$/.test(request.uri)) request.uri = request.uri.replace(/\\/?$/, '/index.html');",
  '  return request;',
  '}',
].join('\n');

export function prerenderedPages(scope: Construct): cloudfront.Function {
  return new cloudfront.Function(scope, 'PrerenderedPages', {
    comment: 'Secure Pets: /route -> /route/index.html',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(prerenderedPagesFunction),
  });
}
