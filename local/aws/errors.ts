/** The `x-amzn-ErrorType` values API Gateway answers a refused request with (all 403). */
export type GatewayErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'AccessDeniedException';

/** A request refused by the gateway before any Lambda runs. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly statusCode = 403;
  constructor(
    readonly type: GatewayErrorType,
    message: string,
    /** For the log only: why, in more words than AWS tells the client. */
    readonly reason: string = type,
  ) {
    super(message);
  }
}

export const MISSING_AUTHENTICATION_TOKEN = 'Missing Authentication Token';
export const INVALID_SECURITY_TOKEN = 'The security token included in the request is invalid.';
export const EXPIRED_SECURITY_TOKEN = 'The security token included in the request is expired';
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** An STS error, serialised as AWS's query-protocol ErrorResponse. */
export class StsError extends Error {
  override readonly name = 'StsError';
  constructor(
    readonly code:
      | 'AccessDenied'
      | 'InvalidIdentityToken'
      | 'ExpiredTokenException'
      | 'ValidationError'
      | 'InvalidAction'
      | 'MissingAction'
      | 'IDPCommunicationError',
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}
