/**
 * The seam between the gateway and the Lambdas: `invoke(name, event)` is what API
 * Gateway's proxy integration does with Lambda's Invoke API, and its answer has the
 * shapes Invoke gives back. Lambda's own limits live behind it, as in AWS:
 *
 * - the event is refused when it is larger than Lambda's synchronous payload limit
 *   (Invoke's RequestEntityTooLargeException: the function never runs);
 * - a function that runs past its configured timeout is a function error
 *   ("Task timed out after 10.00 seconds");
 * - an answer larger than the payload limit is a function error too (the runtime's
 *   "Response payload size exceeded maximum allowed payload size").
 *
 * API Gateway's own limits (request body, the 29 s integration timeout) are the
 * gateway's, not the invoker's: see gateway-limits.ts.
 *
 * Two invokers have this signature: `processInvoker` (local/lambda-runtime/), which
 * `npm start` and the e2e run use, runs each function's deploy bundle in Node 24
 * processes of its own and kills the process at a timeout, as Lambda stops the
 * sandbox; `inProcessInvoker` below runs handlers in this process, for the gateway's
 * tests, which give it stand-in handlers.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handlers, type HandlerName, type LambdaHandler } from '../../api/handlers';
import { api } from '../../api/http-api';

export type InvokeResult =
  /** The function's answer, serialised as Lambda returns it (JSON text). */
  | { status: 'ok'; payload: string }
  /** `X-Amz-Function-Error: Unhandled`: it threw, timed out, or answered too much. */
  | { status: 'function-error'; errorType: string; errorMessage: string }
  /** Invoke refused the event (RequestEntityTooLargeException): the function never ran. */
  | { status: 'request-too-large'; errorMessage: string };

export type Invoke = (name: HandlerName, event: APIGatewayProxyEvent) => Promise<InvokeResult>;

export interface InProcessOptions {
  /** The function's configured timeout; default its `timeoutSeconds` in api/handlers.ts. */
  timeoutMs?: (name: HandlerName) => number;
  /** Lambda's synchronous payload limit, both ways; default `api.limits.maxLambdaResponseBytes`. */
  maxRequestBytes?: number;
  maxResponseBytes?: number;
}

/** The configured timeout of a function, from the manifest. */
export const configuredTimeoutMs = (name: HandlerName): number =>
  handlers[name].timeoutSeconds * 1000;

/**
 * Runs the handlers in this process. A timeout is reported as Lambda reports it, but
 * the handler's promise cannot be cancelled: it keeps running (and may still write to
 * DynamoDB) after its caller got the 502. In AWS the sandbox is stopped at the
 * timeout, as `processInvoker` does.
 */
export function inProcessInvoker(
  functions: Record<HandlerName, LambdaHandler>,
  options: InProcessOptions = {},
): Invoke {
  const timeoutMs = options.timeoutMs ?? configuredTimeoutMs;
  const maxRequestBytes = options.maxRequestBytes ?? api.limits.maxLambdaResponseBytes;
  const maxResponseBytes = options.maxResponseBytes ?? api.limits.maxLambdaResponseBytes;

  return async (name, event) => {
    // The event travels to Lambda as JSON; that is what Lambda measures.
    const eventBytes = Buffer.byteLength(JSON.stringify(event));
    if (eventBytes > maxRequestBytes) {
      return {
        status: 'request-too-large',
        errorMessage: `Request must be smaller than ${maxRequestBytes} bytes for the InvokeFunction operation`,
      };
    }
    const limit = timeoutMs(name);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), limit);
    });
    let result: unknown;
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(() => functions[name](event)),
        timedOut,
      ]);
      if (outcome === 'timeout') {
        return {
          status: 'function-error',
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${(limit / 1000).toFixed(2)} seconds`,
        };
      }
      result = outcome;
    } catch (error) {
      return {
        status: 'function-error',
        errorType: error instanceof Error ? error.name : 'Error',
        errorMessage: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
    // The Node runtime serialises the handler's answer with JSON.stringify.
    const payload = JSON.stringify(result) ?? 'null';
    const payloadBytes = Buffer.byteLength(payload);
    if (payloadBytes > maxResponseBytes) {
      return {
        status: 'function-error',
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${payloadBytes} bytes) exceeded maximum allowed payload size (${maxResponseBytes} bytes).`,
      };
    }
    return { status: 'ok', payload };
  };
}
