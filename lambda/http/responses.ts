import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../api/handlers';
import { corsHeaders } from '../api/http-api';
import { HttpError } from './errors';
import { recordFailure, recordRequest, type RequestLine } from './observability';

/** A JSON response with the CORS headers every response carries. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...corsHeaders(), 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** 204: CORS headers and nothing else. */
export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...corsHeaders(), ...headers }, body: '' };
}

/** A request header by name, whatever case the client (or the gateway) gave it. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The ETag header: a concurrency token (the catalogue's or a pet's), quoted as HTTP wants. */
export function etagHeader(tag: string): Record<string, string> {
  return { ETag: `"${tag}"` };
}

/**
 * Wraps a route: known errors become `{ message }` with their status; anything else
 * is logged with its stack and answered 500 without it. Each request is one log line
 * and one count (lambda/observability.ts); what the route puts in `line` joins that
 * line (e.g. how many items a page read). Never a token, an email or a body.
 */
export function route(
  name: HandlerName,
  fn: (event: APIGatewayProxyEvent, line: RequestLine) => ReturnType<LambdaHandler>,
): LambdaHandler {
  return async (event, context) => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId;
    const line: RequestLine = {};
    try {
      const result = await fn(event, line);
      recordRequest(name, requestId, result.statusCode, line, ms(started), context);
      return result;
    } catch (err) {
      if (err instanceof HttpError) {
        const reason = 'reason' in err ? err.reason : undefined;
        const why = { ...line, error: err.message, reason };
        recordRequest(name, requestId, err.statusCode, why, ms(started), context);
        return json(err.statusCode, { message: err.message });
      }
      recordFailure(name, requestId, err, ms(started), context);
      return json(500, { message: 'Internal server error' });
    }
  };
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

/** A host name or address with an optional port: anything else is not put in a header. */
const HOST = /^(?:\[[\da-fA-F:.]+\]|[A-Za-z\d.-]+)(?::\d{1,5})?$/;

/**
 * The absolute URL of this resource with `query`, as the client reached it through
 * API Gateway: scheme from X-Forwarded-Proto (https unless it says http), host from
 * requestContext.domainName (else Host; with X-Forwarded-Port when not the scheme's
 * own), path from requestContext.path, which on execute-api's own domain starts with
 * the stage and on a custom domain with its base path.
 */
export function selfUrl(event: APIGatewayProxyEvent, query: Record<string, string>): string {
  const proto = header(event, 'X-Forwarded-Proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'http' ? 'http' : 'https';
  const hosts = [event.requestContext?.domainName, header(event, 'Host')];
  let host = hosts.find((h) => h !== undefined && HOST.test(h)) ?? 'localhost';
  const port = header(event, 'X-Forwarded-Port')?.trim();
  if (!/:\d+$/.test(host) && port && /^\d{1,5}$/.test(port)) {
    if (port !== (scheme === 'https' ? '443' : '80')) host += `:${port}`;
  }
  const url = new URL(`${scheme}://${host}`);
  // The setters percent-encode, so nothing from the request can break out of `<…>`.
  url.pathname = event.requestContext?.path ?? event.path ?? '/';
  url.search = new URLSearchParams(query).toString();
  return url.href;
}
