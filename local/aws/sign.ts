// Signs requests for the gateway with the AWS signer, as the SDKs do. Used by the
// tests and the bench; the app itself signs with aws-api-gateway-client.
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
  const url = new URL(input.url);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port) || undefined,
      path: url.pathname,
      query,
      headers: { host: url.host, ...(input.headers ?? {}) },
      body: input.body,
    },
    { signingDate: input.signingDate },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name !== 'host') headers[name] = String(value);
  }
  return { method: input.method, url: input.url, headers, body: input.body };
}
