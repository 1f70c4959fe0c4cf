/**
 * The signature itself: recomputed with the AWS signer (@smithy/signature-v4) over
 * exactly the headers the client signed, the path and query as sent and the body,
 * then compared in constant time. Only the body-hash rule and the host's port are ours.
 * A presigned URL's canonical query holds its own X-Amz-* parameters (all but
 * X-Amz-Signature, which the signer leaves out) and its payload hash is the body's,
 * as for the header form: UNSIGNED-PAYLOAD is S3's alone.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { GatewayError, SIGNATURE_MISMATCH } from './errors';
import type { IncomingRequest } from './gateway-request';
import { header, type SignatureClaim } from './sigv4-claim';

const QUERY_FORM_UNSIGNABLE = new Set(['x-amz-date']);
const S3_QUERY_FORM_UNSIGNABLE = new Set(['x-amz-date', 'x-amz-content-sha256']);
/** What an S3 presigned URL's canonical request has as its payload hash. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * SHA-256 for the signer from Node's crypto, as the SDK's own Node runtime config
 * builds it: the JavaScript one (@aws-crypto/sha256-js) cost the local DynamoDB a
 * fifth of a millisecond on every call it verified.
 */
export const NodeSha256 = Hash.bind(null, 'sha256');

export const invalidSignature = (message: string, reason: string) =>
  new GatewayError('InvalidSignatureException', message, reason);

export function equalInConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Resolves when the claim's signature is the one `secretAccessKey` gives; throws InvalidSignature otherwise. */
export async function checkSignature(
  request: IncomingRequest,
  claim: SignatureClaim,
  secretAccessKey: string,
  dialect?: 's3',
): Promise<void> {
  // The signer trusts an x-amz-content-sha256 header as the payload hash, so the
  // header must be the body's actual hash or the body could be swapped. S3 streams
  // the body after this check, so its caller compares the hash once it has the body.
  if (dialect !== 's3') {
    const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
    const claimedHash = header(request.headers, 'x-amz-content-sha256');
    if (claimedHash !== undefined && claimedHash !== bodyHash) {
      throw invalidSignature(
        SIGNATURE_MISMATCH,
        'x-amz-content-sha256 is not the hash of the body',
      );
    }
  }

  const { scope } = claim;
  const signer = new SignatureV4({
    credentials: { accessKeyId: claim.accessKeyId, secretAccessKey },
    region: scope.region,
    service: scope.service,
    sha256: NodeSha256,
    applyChecksum: false,
    // S3 signs the path exactly as sent; the other services normalise and re-encode it.
    uriEscapePath: dialect !== 's3',
  });
  const queries = queryCandidates(claim, parseQuery(request.query));
  const candidates = hostCandidates(header(request.headers, 'host'));
  for (const host of candidates) {
    const headers: Record<string, string> = {};
    for (const name of claim.signedHeaders) {
      const value = name === 'host' ? host : header(request.headers, name);
      if (value === undefined) {
        throw invalidSignature(SIGNATURE_MISMATCH, `signed header ${name} is missing`);
      }
      headers[name] = value;
    }
    if (dialect === 's3' && claim.form === 'query') {
      headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD;
    }
    for (const query of queries) {
      const signed = await signer.sign(
        {
          method: request.method,
          protocol: 'https:',
          hostname: host,
          path: request.path,
          query,
          headers,
          body: request.body.length === 0 || dialect === 's3' ? undefined : request.body,
        },
        {
          signingDate: claim.signingDate,
          signableHeaders: new Set(claim.signedHeaders),
          // The signer adds an X-Amz-Date header; a presigned URL dates itself in the
          // query, so that header is no part of what it signed.
          unsignableHeaders:
            claim.form !== 'query'
              ? undefined
              : dialect === 's3'
                ? S3_QUERY_FORM_UNSIGNABLE
                : QUERY_FORM_UNSIGNABLE,
        },
      );
      const authorization = String(signed.headers['authorization']);
      const expected = /Signature=([0-9a-f]+)/.exec(authorization)?.[1];
      if (expected !== undefined && equalInConstantTime(expected, claim.signature)) return;
    }
  }
  throw invalidSignature(SIGNATURE_MISMATCH, 'signature mismatch');
}

/**
 * The query as sent, then, for a presigned URL with a security token, without it:
 * some clients add the token after signing (STS's presigned requests, the suite's
 * `post-sts-header-after`), as the header form may carry an unsigned token. The
 * token must still be the one issued with the key (sigv4-credential.ts).
 */
function queryCandidates(
  claim: SignatureClaim,
  query: Record<string, string | string[]>,
): Record<string, string | string[]>[] {
  if (claim.form !== 'query' || !('X-Amz-Security-Token' in query)) return [query];
  const unsigned = { ...query };
  delete unsigned['X-Amz-Security-Token'];
  return [query, unsigned];
}

/**
 * The Host header as sent, then without its port: aws-api-gateway-client signs
 * the host name alone while the browser sends `host:port`. Real API Gateway is
 * always on the default port, where the two agree; locally, both are accepted.
 */
function hostCandidates(host: string | undefined): string[] {
  if (host === undefined) return [''];
  const withoutPort = host.replace(/:\d+$/, '');
  return withoutPort === host ? [host] : [host, withoutPort];
}

/** The raw query string as the signer takes it: decoded, repeated keys as arrays. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (!raw) return query;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
    const prior = query[key];
    if (prior === undefined) query[key] = value;
    else query[key] = Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return query;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
