/**
 * The local AWS edge: STS and Secrets Manager (`POST /`) and API Gateway
 * (`/{stage}/…`) on one loopback port, like LocalStack's edge port. See README.md
 * in this folder.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { corsHeaders } from '../../api/http-api';
import type { CredentialStore } from './credentials';
import { Gateway } from './gateway';
import type { GatewayLimits } from './gateway-limits';
import type { GatewayResponse } from './gateway-responses';
import type { Invoke } from './invoke';
import { LocalSecrets, SECRETS_TARGET_PREFIX } from './secrets';
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
  /** Handlers to invoke in this process (tests' stand-ins) unless `invoke` is given. */
  handlers?: Record<HandlerName, LambdaHandler>;
  /** How the gateway invokes a function (see invoke.ts); the local cloud's runs Node 22 processes. */
  invoke?: Invoke;
  /** Overrides of API Gateway's and Lambda's limits (default: the API definition's). */
  limits?: Partial<GatewayLimits>;
  /** The secrets Secrets Manager serves (GetSecretValue); default none. */
  secrets?: LocalSecrets;
  /**
   * The one OIDC provider STS trusts (the IdP): issuer, JWKS url and client id
   * (audience); and the database users (`sub`s) the admin role trusts.
   */
  identity: { issuer: string; jwksUrl: string; audience: string; admins: readonly string[] };
  now?: () => number;
  /** One line per request: method path -> status, allowed/refused and why. */
  log?: (line: string) => void;
}

// What the browser build of @aws-sdk/client-sts sends, plus the SigV4 headers.
const STS_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers':
    'amz-sdk-invocation-id,amz-sdk-request,x-amz-user-agent,content-type,x-amz-date,authorization,x-amz-security-token,x-amz-content-sha256',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId',
  'Access-Control-Max-Age': '600',
};

/**
 * The body, or 'too large' past `max` bytes. The rest of an oversized body is read
 * and dropped rather than left on the socket: answering while the client is still
 * sending, then closing, makes most clients report a reset instead of the 413.
 */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  return size > max ? 'too large' : Buffer.concat(chunks);
}

function send(res: ServerResponse, response: Omit<GatewayResponse, 'outcome'>): void {
  const headers: Record<string, string | string[]> = { ...response.headers };
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    headers[name] = values;
  }
  // AWS answers with the length of what it sends (compressed or not), never chunked.
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'content-length') delete headers[name];
  }
  headers['Content-Length'] = String(Buffer.byteLength(response.body));
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
    invoke: options.invoke,
    limits: options.limits,
    now,
  });
  const secrets = options.secrets ?? new LocalSecrets(options.account, options.region);
  const maxBodyBytes = gateway.limits.maxRequestBytes;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const isRoot = path === '/';
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too large') {
      // API Gateway's wording. AWS sends it as plain text without CORS headers (observed
      // with 11 MB bodies), so a browser sees a CORS failure there; the contract
      // (docs/design.md: every answer JSON with `message`, CORS on every response) wins here.
      const message = `HTTP content length exceeded ${maxBodyBytes} bytes.`;
      send(res, {
        statusCode: 413,
        headers: { 'Content-Type': 'application/json', ...(isRoot ? STS_CORS : corsHeaders()) },
        body: JSON.stringify({ message }),
      });
      return '413 refused (body too large)';
    }

    // Secrets Manager speaks AWS JSON 1.1 on the same `POST /` as STS's query protocol;
    // the X-Amz-Target header tells them apart, as it does for AWS's services.
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    if (isRoot && method === 'POST' && amzTarget.startsWith(SECRETS_TARGET_PREFIX)) {
      // The Lambdas' requests are signed with their (local, dummy) keys; not checked here.
      const answer = secrets.handle(amzTarget, body.toString('utf8'));
      const requestId = randomUUID();
      send(res, {
        statusCode: answer.statusCode,
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId },
        body: answer.body,
      });
      return `${answer.statusCode} SecretsManager ${answer.outcome}`;
    }

    if (isRoot) {
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
      port: req.socket.localPort,
      protocol: 'http',
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
