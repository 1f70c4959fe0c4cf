import type { APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../api/handlers';
import { corsHeaders } from '../api/http-api';
import { HttpError } from './errors';

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

/** The ETag header: the catalogue's concurrency token, quoted as HTTP wants. */
export function etagHeader(tag: string): Record<string, string> {
  return { ETag: `"${tag}"` };
}

/** One log line per request, as JSON for CloudWatch queries. Never holds tokens or bodies. */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}

/**
 * Wraps a route: known errors become `{ message }` with their status; anything else
 * is logged with its stack and answered 500 without it.
 */
export function route(name: HandlerName, fn: LambdaHandler): LambdaHandler {
  return async (event) => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId;
    try {
      const result = await fn(event);
      log({ route: name, requestId, status: result.statusCode, ms: ms(started) });
      return result;
    } catch (err) {
      if (err instanceof HttpError) {
        const reason = 'reason' in err ? err.reason : undefined;
        log({
          route: name,
          requestId,
          status: err.statusCode,
          message: err.message,
          reason,
          ms: ms(started),
        });
        return json(err.statusCode, { message: err.message });
      }
      console.error(
        JSON.stringify({
          route: name,
          requestId,
          status: 500,
          error: err instanceof Error ? err.stack : String(err),
        }),
      );
      return json(500, { message: 'Internal server error' });
    }
  };
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
