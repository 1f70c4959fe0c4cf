import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { recordFailure, recordRequest, type RequestLine } from '../observability';
import { HttpError } from './errors';
import { json } from './responses';

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
