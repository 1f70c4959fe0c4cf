import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { petPageFrame, petPagePath } from '../../api/site-pages';

/**
 * The CloudFront Function that serves a prerendered page for its route: `/login` and
 * `/login/` are the object `login/index.html`, and every pet page `/pets/{id}` is the
 * pet page's frame (api/site-pages.ts). A path whose last segment has a dot is a file
 * and stays as it is; a route the build did not prerender gets S3's 403 and so
 * index.html (see the distribution's errorResponses, site.ts).
 */
export const prerenderedPagesFunction = [
  'function handler(event) {',
  '  var request = event.request;',
  `  if (${petPagePath.toString()}.test(request.uri)) request.uri = ${JSON.stringify(petPageFrame)};`,
  "  else if (!/\\.[^/]*$/.test(request.uri)) request.uri = request.uri.replace(/\\/?$/, '/index.html');",
  '  return request;',
  '}',
].join('\n');

export function prerenderedPages(scope: Construct): cloudfront.Function {
  return new cloudfront.Function(scope, 'PrerenderedPages', {
    comment: 'Secure Pets: /route -> /route/index.html, /pets/{id} -> the pet page frame',
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(prerenderedPagesFunction),
  });
}
