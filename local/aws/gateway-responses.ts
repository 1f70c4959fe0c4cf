/**
 * API Gateway's own answers, the ones no Lambda wrote: its 403 refusals, the
 * preflight of the stack's OPTIONS mock methods, and its gateway responses when
 * the integration fails (INTEGRATION_FAILURE, INTEGRATION_TIMEOUT, REQUEST_TOO_LARGE).
 */
import { corsHeaders } from '../../api/http-api';
import { GatewayError, MISSING_AUTHENTICATION_TOKEN } from './errors';

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string | Buffer;
  /** For the log: allowed or refused, and why (never a secret). */
  outcome: string;
}

const json = (statusCode: number, message: string, extra: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...corsHeaders(), ...extra },
  body: JSON.stringify({ message }),
});

export function refusal(error: GatewayError): GatewayResponse {
  return {
    ...json(error.statusCode, error.message, { 'x-amzn-ErrorType': error.type }),
    outcome: `refused ${error.type} (${error.reason})`,
  };
}

/** No such stage, resource or method: API Gateway says a token is missing, whatever was sent. */
export function missingToken(reason: string): GatewayError {
  return new GatewayError(
    'MissingAuthenticationTokenException',
    MISSING_AUTHENTICATION_TOKEN,
    reason,
  );
}

/** The stack gives every resource an OPTIONS mock method that answers the CORS headers. */
export function preflight(): GatewayResponse {
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', ...corsHeaders(true) },
    body: '{}',
    outcome: 'preflight',
  };
}

/** Lambda refused the event (RequestEntityTooLargeException): API Gateway's REQUEST_TOO_LARGE. */
export function requestTooLong(outcome: string): GatewayResponse {
  return { ...json(413, 'Request Too Long'), outcome };
}

/** The function failed, or answered something that is no proxy result. */
export function integrationFailed(outcome: string): GatewayResponse {
  return integrationError(502, 'Internal server error', outcome);
}

/** The integration ran past its timeout (the function may run on). */
export function integrationTimedOut(outcome: string): GatewayResponse {
  return integrationError(504, 'Endpoint request timed out', outcome);
}

/**
 * Their default template is `{"message":$context.error.messageString}` and
 * messageString carries a leading space, hence `{"message": "…"}` byte for byte; the
 * error type header is InternalServerErrorException on both. CORS is ours: the
 * contract (docs/design.md) wants it on every answer, and the stack adds it to these
 * gateway responses.
 */
function integrationError(
  statusCode: 502 | 504,
  message: string,
  outcome: string,
): GatewayResponse {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      ...corsHeaders(),
      'x-amzn-ErrorType': 'InternalServerErrorException',
    },
    body: `{"message": ${JSON.stringify(message)}}`,
    outcome,
  };
}
