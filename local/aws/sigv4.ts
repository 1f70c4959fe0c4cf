/**
 * SigV4 verification for execute-api: parse what the client claims, then
 * recompute the signature with the AWS signer itself (@smithy/signature-v4) over
 * exactly the headers the client signed, and compare in constant time. Only the
 * parsing and the policy around it (skew, token, expiry, body hash) are ours.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  EXPIRED_SECURITY_TOKEN,
  GatewayError,
  INVALID_SECURITY_TOKEN,
  MISSING_AUTHENTICATION_TOKEN,
  SIGNATURE_MISMATCH,
} from './errors';

/** A request as it arrived: the path and query exactly as on the wire. */
export interface IncomingRequest {
  method: string;
  /** The path of the request target, still percent-encoded as sent. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  /** Header names in any case; repeated headers as arrays, in arrival order. */
  headers: Record<string, string | readonly string[] | undefined>;
  body: string | Uint8Array;
}

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
}

export interface VerifiedCaller {
  accessKeyId: string;
  signedHeaders: string[];
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function header(headers: IncomingRequest['headers'], name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = headers[key];
      // Repeated headers are joined with a bare comma, as SigV4 canonicalises them.
      return typeof value === 'string' ? value : value?.join(',');
    }
  }
  return undefined;
}

interface ParsedAuthorization {
  accessKeyId: string;
  scope: { date: string; region: string; service: string; terminator: string };
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string, amzDate: string | undefined): ParsedAuthorization {
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

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, ...number[]];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const compact = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

function parseQuery(raw: string): Record<string, string | string[]> {
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

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a request's SigV4 signature (Authorization header form). Throws a
 * GatewayError with API Gateway's type and wording on any refusal.
 */
export async function verifySignature(
  request: IncomingRequest,
  options: VerifyOptions,
): Promise<VerifiedCaller> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) {
    throw new GatewayError(
      'MissingAuthenticationTokenException',
      MISSING_AUTHENTICATION_TOKEN,
      'unsigned',
    );
  }
  const amzDate = header(request.headers, 'x-amz-date');
  const auth = parseAuthorization(authorization, amzDate);
  const signingDate = parseAmzDate(amzDate ?? '');
  if (!signingDate) {
    throw new GatewayError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      'malformed X-Amz-Date',
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    throw new GatewayError(
      'IncompleteSignatureException',
      `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization. Authorization=${authorization}`,
      'host not signed',
    );
  }

  const key = options.lookup(auth.accessKeyId);
  if (!key) {
    throw new GatewayError('UnrecognizedClientException', INVALID_SECURITY_TOKEN, 'unknown key');
  }
  if (key.sessionToken !== undefined) {
    const token = header(request.headers, 'x-amz-security-token');
    if (token === undefined || !sameSignature(token, key.sessionToken)) {
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

  const { scope } = auth;
  const fail = (message: string, reason: string) =>
    new GatewayError('InvalidSignatureException', message, reason);
  if (scope.terminator !== 'aws4_request') {
    throw fail(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'.`,
      'bad scope terminator',
    );
  }
  if (scope.service !== options.service) {
    throw fail(
      `Credential should be scoped to correct service: '${options.service}'. `,
      'wrong service',
    );
  }
  if (scope.region !== options.region) {
    throw fail(
      `Credential should be scoped to a valid region, not '${scope.region}'. `,
      'wrong region',
    );
  }
  const longDate = compact(signingDate);
  if (scope.date !== longDate.slice(0, 8)) {
    throw fail(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
      'scope date mismatch',
    );
  }
  const maxSkew = options.maxSkewMs ?? 5 * 60_000;
  const skew = signingDate.getTime() - options.now;
  if (skew < -maxSkew) {
    const now = new Date(options.now);
    throw fail(
      `Signature expired: ${longDate} is now earlier than ${compact(new Date(options.now - maxSkew))} (${compact(now)} - 5 min.)`,
      'stale date',
    );
  }
  if (skew > maxSkew) {
    const now = new Date(options.now);
    throw fail(
      `Signature not yet current: ${longDate} is still later than ${compact(new Date(options.now + maxSkew))} (${compact(now)} + 5 min.)`,
      'date in the future',
    );
  }

  // The signer trusts an x-amz-content-sha256 header as the payload hash, so the
  // header must be the body's actual hash or the body could be swapped.
  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== bodyHash) {
    throw fail(SIGNATURE_MISMATCH, 'x-amz-content-sha256 is not the hash of the body');
  }

  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: key.secretAccessKey },
    region: scope.region,
    service: scope.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const query = parseQuery(request.query);
  const candidates = hostCandidates(header(request.headers, 'host'));
  for (const host of candidates) {
    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = name === 'host' ? host : header(request.headers, name);
      if (value === undefined) {
        throw fail(SIGNATURE_MISMATCH, `signed header ${name} is missing`);
      }
      headers[name] = value;
    }
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'https:',
        hostname: host,
        path: request.path,
        query,
        headers,
        body: request.body.length === 0 ? undefined : request.body,
      },
      { signingDate, signableHeaders: new Set(auth.signedHeaders) },
    );
    const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization']))?.[1];
    if (expected !== undefined && sameSignature(expected, auth.signature)) {
      return { accessKeyId: auth.accessKeyId, signedHeaders: auth.signedHeaders };
    }
  }
  throw fail(SIGNATURE_MISMATCH, 'signature mismatch');
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
