/**
 * What a presigned request claims, read from its query string: AWS's query-string
 * authentication (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
 * `X-Amz-SignedHeaders`, `X-Amz-Signature`, and the optional `X-Amz-Expires` and
 * `X-Amz-Security-Token`). `X-Amz-Algorithm` in the query is what makes a request
 * presigned, as in AWS's own front end; a request may not also carry an
 * `Authorization` header. A missing or malformed claim is refused before any key
 * is looked up, with the wording AWS's services answer.
 */
import { GatewayError } from './errors';
import type { IncomingRequest } from './gateway-request';
import { header, readAmzDate, type SignatureClaim } from './sigv4-claim';
import { parseQuery } from './sigv4-signature';

/** Seven days: a SigV4 signing key is valid for no longer. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** The parameters AWS requires, in the order its message lists the missing ones. */
const REQUIRED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
] as const;

const incomplete = (message: string, reason: string) =>
  new GatewayError('IncompleteSignatureException', message, reason);

/**
 * The claim of a presigned request, undefined when its query string has no
 * `X-Amz-Algorithm` (then the `Authorization` header is the claim), or a
 * GatewayError: InvalidSignature (both forms), IncompleteSignature (malformed).
 */
export function readQueryClaim(request: IncomingRequest): SignatureClaim | undefined {
  if (!request.query.includes('X-Amz-Algorithm')) return undefined;
  const query = parseQuery(request.query);
  if (!('X-Amz-Algorithm' in query)) return undefined;
  if (header(request.headers, 'authorization') !== undefined) {
    throw new GatewayError(
      'InvalidSignatureException',
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      'signed in the query string and the Authorization header',
    );
  }
  // A repeated parameter joins its values, so it can only fail further on.
  const param = (name: string) => {
    const value = query[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const missing = REQUIRED.filter((name) => !param(name));
  if (missing.length) {
    const message = missing.map((name) => `AWS query-string parameters must include '${name}'. `);
    throw incomplete(`${message.join('')}Re-examine the query-string parameters.`, 'incomplete');
  }
  const algorithm = param('X-Amz-Algorithm')!;
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw incomplete(
      `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
      'unsupported algorithm',
    );
  }
  const signingDate = readAmzDate(param('X-Amz-Date'));
  const credential = param('X-Amz-Credential')!;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      'malformed credential',
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const signedHeaders = param('X-Amz-SignedHeaders')!.split(';');
  if (!signedHeaders.includes('host')) {
    throw incomplete(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      'host not signed',
    );
  }
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    signedHeaders,
    signature: param('X-Amz-Signature')!,
    signingDate,
    form: 'query',
    expiresSeconds: readExpires(param('X-Amz-Expires')),
    securityToken: param('X-Amz-Security-Token'),
  };
}

/**
 * `X-Amz-Expires`: optional (aws4fetch sends none for services other than S3), a
 * whole number of seconds up to a week.
 */
function readExpires(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw incomplete('X-Amz-Expires should be a number', 'malformed X-Amz-Expires');
  }
  const seconds = Number(value);
  if (seconds > MAX_EXPIRES_SECONDS) {
    throw incomplete(
      `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`,
      'X-Amz-Expires over a week',
    );
  }
  return seconds;
}
