import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { servesPublicRead } from '../../api/cdn';
import { forwardedHostHeader, publicCacheControl } from '../../api/cdn-cache';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { recordFailure, recordRequest, type RequestLine } from '../observability';
import { HttpError } from './errors';
import { header } from './request-parsing';
import { json } from './responses';

/**
 * Wraps a route: known errors become `{ message }` with their status; anything else
 * is logged with its stack and answered 500 without it. Each request is one log line
 * and one count (lambda/observability.ts); what the route puts in `line` joins that
 * line (e.g. how many items a page read). Never a token, an email or a body.
 * Every answer says how caches may keep it (`withCacheControl`).
 */
export function route(
  name: HandlerName,
  fn: (event: APIGatewayProxyEvent, line: RequestLine) => ReturnType<LambdaHandler>,
): LambdaHandler {
  return async (event, context) => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId;
    const line: RequestLine = {};
    const cached = (result: APIGatewayProxyResult) => withCacheControl(name, event, result);
    try {
      const result = await fn(event, line);
      recordRequest(name, requestId, result.statusCode, line, ms(started), context);
      return cached(result);
    } catch (err) {
      if (err instanceof HttpError) {
        const reason = 'reason' in err ? err.reason : undefined;
        const why = { ...line, error: err.message, reason };
        recordRequest(name, requestId, err.statusCode, why, ms(started), context);
        return cached(json(err.statusCode, { message: err.message }));
      }
      recordFailure(name, requestId, err, ms(started), context);
      return cached(json(500, { message: 'Internal server error' }));
    }
  };
}

/**
 * The Cache-Control of an answer, unless the handler set its own. A public read that
 * came through the CDN (its viewer-request function sets X-Forwarded-Host) may be kept
 * there and in browsers for `publicCacheControl`'s seconds, a 4xx too (it answers the
 * same URL the same way); a 5xx never. Called at the invoke URL it carries none, as
 * before: that is where the app reads right after its own writes. Every answer of any
 * other route is `no-store`: signed answers are one caller's and never cached.
 */
function withCacheControl(
  name: HandlerName,
  event: APIGatewayProxyEvent,
  result: APIGatewayProxyResult,
): APIGatewayProxyResult {
  const headers = { ...result.headers };
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'cache-control')) return result;
  if (!servesPublicRead(name)) {
    headers['Cache-Control'] = 'no-store';
  } else if (header(event, forwardedHostHeader) !== undefined) {
    headers['Cache-Control'] = result.statusCode < 500 ? publicCacheControl : 'no-store';
  } else {
    return result;
  }
  return { ...result, headers };
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
