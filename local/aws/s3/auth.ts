/**
 * Who signed an S3 request, and whether IAM lets them: the same verifier and
 * evaluator as DynamoDB and Secrets Manager (../service-auth.ts) with S3's SigV4
 * rules, and S3's own error codes for each refusal instead of the JSON services'.
 * Actions are IAM's (`s3:GetObject`, …) on `arn:aws:s3:::{bucket}/{key}`.
 */
import type { IncomingRequest } from '../gateway-request';
import { ServiceError, type ServiceAuthorizer, type ServiceCaller } from '../service-auth';
import { accessDenied, S3Error, SIGNATURE_DOES_NOT_MATCH } from './errors';

export type S3Action = 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:ListBucket';

/** S3's allowed clock skew: 15 minutes, where the JSON services allow 5. */
export const S3_MAX_SKEW_MS = 15 * 60_000;

export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

export class S3Auth {
  constructor(readonly services: ServiceAuthorizer) {}

  /** The caller of a signed request; an unsigned one is AccessDenied (the buckets are private). */
  async authenticate(request: IncomingRequest): Promise<ServiceCaller> {
    try {
      return await this.services.authenticate(request);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      throw s3ErrorOf(error);
    }
  }

  /** Throws AccessDenied unless the caller's policy allows `action` on `resource`. */
  authorize(caller: ServiceCaller, action: S3Action, resource: string): void {
    if (!this.allows(caller, action, resource)) {
      throw accessDenied(`${action} on ${resource} not allowed for ${caller.arn}`);
    }
  }

  allows(caller: ServiceCaller, action: S3Action, resource: string): boolean {
    try {
      this.services.authorize(caller, action, resource);
      return true;
    } catch (error) {
      if (error instanceof ServiceError) return false;
      throw error;
    }
  }
}

/** S3's answer to a refusal the shared verifier reports in API Gateway's terms. */
export function s3ErrorOf(error: ServiceError): S3Error {
  const { type, message, reason } = error;
  switch (type) {
    case 'MissingAuthenticationTokenException':
      return accessDenied('unsigned');
    case 'IncompleteSignatureException':
      return new S3Error('AuthorizationHeaderMalformed', 400, message, {}, reason);
    case 'ExpiredTokenException':
      return new S3Error('ExpiredToken', 400, 'The provided token has expired.', {}, reason);
    case 'UnrecognizedClientException':
      return reason === 'unknown key'
        ? new S3Error(
            'InvalidAccessKeyId',
            403,
            'The AWS Access Key Id you provided does not exist in our records.',
            {},
            reason,
          )
        : new S3Error(
            'InvalidToken',
            400,
            'The provided token is malformed or otherwise invalid.',
            {},
            reason,
          );
    case 'InvalidSignatureException':
      return invalidSignature(message, reason);
    default:
      return accessDenied(reason);
  }
}

function invalidSignature(message: string, reason: string): S3Error {
  if (reason === 'presigned URL past its X-Amz-Expires') {
    return new S3Error('AccessDenied', 403, 'Request has expired', {}, reason);
  }
  if (reason === 'stale date' || reason === 'date in the future') {
    return new S3Error(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
      { MaxAllowedSkewMilliseconds: S3_MAX_SKEW_MS },
      reason,
    );
  }
  if (reason.startsWith('wrong ') || reason.startsWith('bad scope') || reason.includes('scope')) {
    return new S3Error('AuthorizationHeaderMalformed', 400, message, {}, reason);
  }
  return new S3Error('SignatureDoesNotMatch', 403, SIGNATURE_DOES_NOT_MATCH, {}, reason);
}
