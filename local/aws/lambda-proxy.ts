/**
 * The Lambda proxy integration seen from API Gateway: the invocation under the
 * integration timeout, the function's answer read as a proxy result, and that result
 * passed on as the HTTP answer.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName } from '../../api/handlers';
import { corsHeaders } from '../../api/http-api';
import type { Invoke, InvokeResult } from './invoke';

/** A Lambda's answer on its way to the client. */
export interface ProxyAnswer {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  body: string | Buffer;
}

/** The invocation, or 'timeout' once `timeoutMs` passes (the function runs on). */
export async function invokeWithin(
  invoke: Invoke,
  name: HandlerName,
  event: APIGatewayProxyEvent,
  timeoutMs: number,
): Promise<InvokeResult | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      invoke(name, event).catch((error: unknown): InvokeResult => ({
        status: 'function-error',
        errorType: 'InvokeError',
        errorMessage: error instanceof Error ? error.message : String(error),
      })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The function's JSON answer as a proxy result, or undefined when API Gateway would call it malformed. */
export function proxyResult(payload: string): APIGatewayProxyResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const result = value as Partial<APIGatewayProxyResult>;
  if (typeof result.statusCode !== 'number') return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return undefined; // a body must be a string (base64 when isBase64Encoded)
  }
  return { ...result, body: result.body ?? '' } as APIGatewayProxyResult;
}

/** The result as API Gateway passes it on: the API's CORS headers unless the Lambda set its own. */
export function passOn(result: APIGatewayProxyResult): ProxyAnswer {
  const headers: Record<string, string> = { ...corsHeaders() };
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    // Lambda's own headers win over the defaults, whatever their case.
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = String(value);
  }
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    multiValueHeaders[name] = values.map(String);
  }
  const body: string | Buffer = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : (result.body ?? '');
  return { statusCode: result.statusCode, headers, multiValueHeaders, body };
}
