/**
 * What a SigV4 request claims, read from its `Authorization` and `X-Amz-Date`
 * headers: the access key, the credential scope, the signed headers, the
 * signature and the signing time. A missing or malformed claim is refused with
 * API Gateway's wording before any key is looked up. The same claim made in the
 * query string (a presigned URL) is read by sigv4-query-claim.ts.
 */
import { GatewayError, MISSING_AUTHENTICATION_TOKEN } from './errors';
import type { RequestHeaders } from './gateway-request';

export interface CredentialScope {
  date: string;
  region: string;
  service: string;
  terminator: string;
}

export interface SignatureClaim {
  accessKeyId: string;
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
  signingDate: Date;
  /** Where the claim was made: the `Authorization` header (the default) or the query string. */
  form?: 'header' | 'query';
  /** A presigned URL's `X-Amz-Expires`, in seconds, when it has one. */
  expiresSeconds?: number;
  /** A presigned URL's `X-Amz-Security-Token` (the header form reads its header instead). */
  securityToken?: string;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A header whatever the case of its name; repeated ones joined with a bare comma, as SigV4 canonicalises them. */
export function header(headers: RequestHeaders, name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = headers[key];
      return typeof value === 'string' ? value : value?.join(',');
    }
  }
  return undefined;
}

/** The claim, or a GatewayError: MissingAuthenticationToken, IncompleteSignature. */
export function readClaim(headers: RequestHeaders): SignatureClaim {
  const authorization = header(headers, 'authorization');
  if (authorization === undefined) {
    throw new GatewayError(
      'MissingAuthenticationTokenException',
      MISSING_AUTHENTICATION_TOKEN,
      'unsigned',
    );
  }
  const amzDate = header(headers, 'x-amz-date');
  const auth = parseAuthorization(authorization, amzDate);
  const signingDate = readAmzDate(amzDate);
  if (!auth.signedHeaders.includes('host')) {
    throw new GatewayError(
      'IncompleteSignatureException',
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization. Authorization=${authorization}`,
      'host not signed',
    );
  }
  return { ...auth, signingDate };
}

function parseAuthorization(
  value: string,
  amzDate: string | undefined,
): Omit<SignatureClaim, 'signingDate'> {
  const incomplete = (why: string) =>
    new GatewayError('IncompleteSignatureException', `${why} Authorization=${value}`, why);
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw incomplete(`Unsupported Authorization Type`);
  }
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !params.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (!amzDate) {
    missing.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (missing.length) throw incomplete(missing.join(' '));
  const credential = (params.get('Credential') ?? '').split('/');
  if (credential.length !== 5 || credential.some((p) => p === '')) {
    throw incomplete(
      `Credential should be scoped to a valid region, not a malformed credential scope.`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  const signedHeaders = (params.get('SignedHeaders') ?? '').split(';');
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    signedHeaders,
    signature: params.get('Signature') ?? '',
  };
}

/** The signing time of an `X-Amz-Date` (header or query parameter), or IncompleteSignature. */
export function readAmzDate(amzDate: string | undefined): Date {
  const signingDate = parseAmzDate(amzDate ?? '');
  if (!signingDate) {
    throw new GatewayError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      'malformed X-Amz-Date',
    );
  }
  return signingDate;
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
