/**
 * The checks of the credential a SigV4 claim names, before any signature is
 * computed: the key must be known, come with its session token and not be expired
 * (UnrecognizedClientException); the scope must be this service, region and signing
 * day, and the signing time within the allowed clock skew (InvalidSignatureException).
 */
import { EXPIRED_SECURITY_TOKEN, GatewayError, INVALID_SECURITY_TOKEN } from './errors';
import type { RequestHeaders } from './gateway-request';
import { header, type SignatureClaim } from './sigv4-claim';
import { equalInConstantTime, invalidSignature } from './sigv4-signature';

/** The secret side of an access key, as the verifier needs it. */
export interface SigningKey {
  secretAccessKey: string;
  /** Temporary credentials: the token that must accompany the key. */
  sessionToken?: string;
  /** Temporary credentials: when they stop working. */
  expiration?: Date;
}

export interface VerifyOptions {
  region: string;
  service: string;
  now: number;
  lookup: (accessKeyId: string) => SigningKey | undefined;
  /** Five minutes, as AWS allows. */
  maxSkewMs?: number;
  /**
   * S3's own SigV4 rules: the path signed as sent (not normalised), the payload hash
   * taken from `x-amz-content-sha256` (`UNSIGNED-PAYLOAD` in a presigned URL) and left
   * for the caller to check against the body it streams, and a presigned URL that
   * lives its whole `X-Amz-Expires`. Absent: execute-api's and the JSON services' rules.
   */
  dialect?: 's3';
}

/** The claim's key, if it is known, carries its session token and has not expired. */
export function signingKeyOf(
  claim: SignatureClaim,
  headers: RequestHeaders,
  options: VerifyOptions,
): SigningKey {
  const key = options.lookup(claim.accessKeyId);
  if (!key) {
    throw new GatewayError('UnrecognizedClientException', INVALID_SECURITY_TOKEN, 'unknown key');
  }
  if (key.sessionToken !== undefined) {
    const token =
      claim.form === 'query' ? claim.securityToken : header(headers, 'x-amz-security-token');
    if (token === undefined || !equalInConstantTime(token, key.sessionToken)) {
      throw new GatewayError(
        'UnrecognizedClientException',
        INVALID_SECURITY_TOKEN,
        token === undefined ? 'missing security token' : 'wrong security token',
      );
    }
  }
  if (key.expiration && key.expiration.getTime() <= options.now) {
    throw new GatewayError(
      'UnrecognizedClientException',
      EXPIRED_SECURITY_TOKEN,
      'expired credentials',
    );
  }
  return key;
}

/**
 * The credential scope and the signing time, checked against this service and the
 * clock. A presigned URL lives its `X-Amz-Expires`, but no longer than the clock
 * skew allows a signature: AWS honours a longer `X-Amz-Expires` for S3 alone.
 */
export function checkScope(claim: SignatureClaim, options: VerifyOptions): void {
  const { scope, signingDate } = claim;
  if (scope.terminator !== 'aws4_request') {
    throw invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'.`,
      'bad scope terminator',
    );
  }
  if (scope.service !== options.service) {
    throw invalidSignature(
      `Credential should be scoped to correct service: '${options.service}'. `,
      'wrong service',
    );
  }
  if (scope.region !== options.region) {
    throw invalidSignature(
      `Credential should be scoped to a valid region, not '${scope.region}'. `,
      'wrong region',
    );
  }
  const longDate = compact(signingDate);
  if (scope.date !== longDate.slice(0, 8)) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
      'scope date mismatch',
    );
  }
  const maxSkew = options.maxSkewMs ?? 5 * 60_000;
  const expires = claim.expiresSeconds === undefined ? Infinity : claim.expiresSeconds * 1000;
  // AWS honours an X-Amz-Expires longer than the skew for S3 alone.
  const lifetime =
    options.dialect === 's3' && claim.form === 'query' && Number.isFinite(expires)
      ? expires
      : Math.min(maxSkew, expires);
  const skew = signingDate.getTime() - options.now;
  const now = new Date(options.now);
  if (skew < -lifetime) {
    throw invalidSignature(
      `Signature expired: ${longDate} is now earlier than ${compact(new Date(options.now - lifetime))} (${compact(now)} - ${span(lifetime)}.)`,
      expires < maxSkew || lifetime > maxSkew
        ? 'presigned URL past its X-Amz-Expires'
        : 'stale date',
    );
  }
  if (skew > maxSkew) {
    throw invalidSignature(
      `Signature not yet current: ${longDate} is still later than ${compact(new Date(options.now + maxSkew))} (${compact(now)} + ${span(maxSkew)}.)`,
      'date in the future',
    );
  }
}

/** A duration as AWS's skew messages write it: `5 min`, or `90 sec` when not whole minutes. */
const span = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} sec`;
};

/** ISO-8601 basic format, as X-Amz-Date writes it: `20150830T123600Z`. */
const compact = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');
