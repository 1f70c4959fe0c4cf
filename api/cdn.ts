/**
 * The public reads through the CDN: which paths the site's CloudFront distribution
 * sends to the REST API, and the viewer-request function that guards those paths (what
 * the cache keys on and how long it keeps an answer are cdn-cache.ts's). The CDK stack
 * builds the behaviors and the CloudFront Function from this; the local site
 * (local/cdn.ts) plays CloudFront from the same values and runs the same function
 * source.
 *
 * The paths keep the stage as their first segment (`/test/pets`), so that
 * `api.publicUrl` is the site's URL plus the stage, the origin needs no origin path,
 * and `requestContext.path` at the origin is the path the viewer asked for: the
 * Lambdas' `Link` stays under publicUrl with no rewriting. The site's own routes
 * (`/pets/{id}` is a page of the app) never start with the stage.
 */
import { forwardedHostHeader } from './cdn-cache';
import type { HandlerName } from './handlers';
import { api } from './http-api';

/** The public read routes the CDN serves, as resource paths below the stage. */
export const publicReadPaths = ['/pets', '/pets/{id}'] as const;

/** The CloudFront path patterns of the public reads, below the stage: `/test/pets`, `/test/pets/*`. */
export function cdnPathPatterns(stage: string = api.stage): string[] {
  return publicReadPaths.map((path) => `/${stage}${path.replace(/\{\w+\}/g, '*')}`);
}

/** Whether a Lambda serves a public read (its answers may then be cached by the CDN). */
export function servesPublicRead(handler: HandlerName): boolean {
  return api.routes.some(
    (r) => r.handler === handler && r.auth === 'NONE' && publicReadPaths.some((p) => p === r.path),
  );
}

/**
 * The literal paths (below the stage) that match a public read's pattern but are other
 * routes (`/pets/sales`, `/pets/purchase`, `/pets/mine`): the function refuses them, so
 * a signed route never reaches the origin through the CDN, whatever its method.
 */
export function nonPublicPaths(): string[] {
  const literal = api.routes.filter(
    (r) => !/\{/.test(r.path) && !publicReadPaths.some((p) => p === r.path),
  );
  return [...new Set(literal.map((r) => r.path))];
}

/**
 * The CloudFront Function (cloudfront-js-2.0, viewer request) on the public reads'
 * behaviors, as source text: the stack deploys it and the local site runs it in a
 * node:vm context. It refuses a signed request (an Authorization header or X-Amz-*
 * query parameters) with 400, because CloudFront would strip the signature and answer
 * from the anonymous cache: a signed call belongs at the invoke URL. It refuses HEAD
 * with 405: CloudFront forwards it as HEAD, API Gateway has no HEAD method there and
 * answers 403, which the distribution's error responses would turn into index.html
 * (seen through CloudFront: https://github.com/propublica/congress-api-docs/issues/129).
 * It refuses the other routes' paths with 404, and passes the viewer's Host on as
 * X-Forwarded-Host.
 */
export function viewerRequestFunctionSource(stage: string = api.stage): string {
  const prefix = `/${stage}`;
  const patterns = publicReadPaths.map(
    (p) => `^${escape(prefix)}${p.replace(/\{\w+\}/g, '[^/]+').replace(/\//g, '\\/')}$`,
  );
  const refused = nonPublicPaths().map((p) => `${prefix}${p}`);
  return [
    "var reasons = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed' };",
    'function refuse(statusCode, message) {',
    "  var headers = { 'content-type': { value: 'application/json' }, 'cache-control': { value: 'no-store' } };",
    "  if (statusCode === 405) headers.allow = { value: 'GET' };",
    '  return {',
    '    statusCode: statusCode,',
    '    statusDescription: reasons[statusCode],',
    '    headers: headers,',
    "    body: { encoding: 'text', data: JSON.stringify({ message: message }) },",
    '  };',
    '}',
    'function handler(event) {',
    '  var request = event.request;',
    '  var signed = request.headers.authorization !== undefined;',
    '  var names = Object.keys(request.querystring);',
    '  for (var i = 0; i < names.length; i++) if (/^x-amz-/i.test(names[i])) signed = true;',
    '  if (signed) {',
    "    return refuse(400, 'A signed request goes to the API itself (config.json api.invokeUrl): the CDN serves only unsigned public reads.');",
    '  }',
    "  if (request.method === 'HEAD') return refuse(405, 'The public reads answer GET only.');",
    `  var patterns = [${patterns.map((p) => `/${p}/`).join(', ')}];`,
    `  var refused = ${JSON.stringify(refused)};`,
    '  var known = false;',
    '  for (var j = 0; j < patterns.length; j++) if (patterns[j].test(request.uri)) known = true;',
    '  if (!known || refused.indexOf(request.uri) >= 0) {',
    "    return refuse(404, 'Not a public read: the CDN serves GET /pets and GET /pets/{id}.');",
    '  }',
    `  request.headers['${forwardedHostHeader.toLowerCase()}'] = { value: request.headers.host.value };`,
    '  return request;',
    '}',
  ].join('\n');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
