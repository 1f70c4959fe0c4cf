/**
 * The local AWS edge: STS (`/`) and API Gateway (`/{stage}/…`) on one loopback
 * port, like LocalStack's edge port. See README.md in this folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { corsHeaders } from '../../api/http-api';
import type { CredentialStore } from './credentials';
import { Gateway, type GatewayResponse } from './gateway';
import { Sts } from './sts';

export { CredentialStore } from './credentials';
export type { StoredCredentials } from './credentials';

export interface AwsEdgeOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  region: string;
  account: string;
  apiId: string;
  credentials: CredentialStore;
  handlers: Record<HandlerName, LambdaHandler>;
  /** The one OIDC provider STS trusts (the IdP): issuer, JWKS url and client id (audience). */
  identity: { issuer: string; jwksUrl: string; audience: string };
  now?: () => number;
  /** One line per request: method path -> status, allowed/refused and why. */
  log?: (line: string) => void;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

// What the browser build of @aws-sdk/client-sts sends, plus the SigV4 headers.
const STS_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers':
    'amz-sdk-invocation-id,amz-sdk-request,x-amz-user-agent,content-type,x-amz-date,authorization,x-amz-security-token,x-amz-content-sha256',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId',
  'Access-Control-Max-Age': '600',
};

class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, response: Omit<GatewayResponse, 'outcome'>): void {
  const headers: Record<string, string | string[]> = { ...response.headers };
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    headers[name] = values;
  }
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

export async function startAwsEdge(
  options: AwsEdgeOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const sts = new Sts({
    account: options.account,
    credentials: options.credentials,
    identity: options.identity,
    now,
  });
  const gateway = new Gateway({
    region: options.region,
    account: options.account,
    apiId: options.apiId,
    credentials: options.credentials,
    handlers: options.handlers,
    now,
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const isSts = path === '/';
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      const message = `HTTP content length exceeded ${MAX_BODY_BYTES} bytes.`;
      send(res, {
        statusCode: 413,
        headers: { 'Content-Type': 'application/json', ...(isSts ? STS_CORS : corsHeaders()) },
        body: JSON.stringify({ message }),
      });
      return '413 refused (body too large)';
    }

    if (isSts) {
      if (method === 'OPTIONS') {
        send(res, { statusCode: 200, headers: STS_CORS, body: '' });
        return '200 STS preflight';
      }
      const params = new URLSearchParams(method === 'POST' ? body.toString('utf8') : query);
      const answer = await sts.handle(params);
      send(res, {
        statusCode: answer.statusCode,
        headers: {
          ...STS_CORS,
          'Content-Type': 'text/xml',
          'x-amzn-RequestId': answer.requestId,
        },
        body: answer.body,
      });
      return `${answer.statusCode} STS ${answer.outcome}`;
    }

    const answer = await gateway.handle({
      method,
      path,
      query,
      headers: req.headersDistinct as Record<string, string[]>,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    send(res, answer);
    return `${answer.statusCode} ${answer.outcome}`;
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    serve(req, res).then(
      (line) =>
        log(
          `${req.method} ${req.url?.split('?')[0]} -> ${line} (${(performance.now() - started).toFixed(1)} ms)`,
        ),
      (error: unknown) => {
        log(
          `${req.method} ${req.url?.split('?')[0]} -> 500 ${error instanceof Error ? error.message : String(error)}`,
        );
        if (!res.headersSent) {
          send(res, {
            statusCode: 500,
            headers: { 'Content-Type': 'application/json', ...corsHeaders() },
            body: JSON.stringify({ message: 'Internal server error' }),
          });
        } else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
