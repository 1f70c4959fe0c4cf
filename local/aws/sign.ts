// Signs requests for the gateway with the AWS signer, as the SDKs do, in the
// Authorization header or the query string (presigned URLs). Used by the tests and the
// bench; the app itself signs with aws-api-gateway-client.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export async function signRequest(input: {
  url: string;
  method: string;
  body?: string;
  headers?: Record<string, string>;
  credentials: SigningCredentials;
  region: string;
  signingDate?: Date;
}): Promise<SignedRequest> {
  const { signer, request } = signerAndRequest(input);
  const signed = await signer.sign(request, { signingDate: input.signingDate });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name !== 'host') headers[name] = String(value);
  }
  return { method: input.method, url: input.url, headers, body: input.body };
}

/** A URL presigned by the AWS signer's `presign` (SigV4 in the query string). */
export async function presignUrl(input: {
  url: string;
  method?: string;
  credentials: SigningCredentials;
  region: string;
  /** Signed by its hash, as for the header form; send it with the URL. */
  body?: string;
  /** Headers to sign besides `host`; send them with the URL. */
  headers?: Record<string, string>;
  /** X-Amz-Expires, seconds (default 300). */
  expiresIn?: number;
  signingDate?: Date;
}): Promise<string> {
  const { url, signer, request } = signerAndRequest({ ...input, method: input.method ?? 'GET' });
  const signed = await signer.presign(request, {
    expiresIn: input.expiresIn ?? 300,
    signingDate: input.signingDate,
  });
  const search = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${url.origin}${url.pathname}?${search}`;
} /** The gateway's signer for `credentials`, and the request it signs for `url`. */
function signerAndRequest(input: {
  url: string;
  method: string;
  credentials: SigningCredentials;
  region: string;
  body?: string;
  headers?: Record<string, string>;
}) {
  const url = new URL(input.url);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const request = {
    method: input.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port) || undefined,
    path: url.pathname,
    query,
    headers: { host: url.host, ...(input.headers ?? {}) },
    body: input.body,
  };
  return { url, signer, request };
}
