/**
 * The front door of the local DynamoDB: dynalite answers anyone and never checks a
 * signature, so it listens on an internal port and every call comes through here,
 * checked as DynamoDB checks it before it is passed on unchanged.
 *
 * In order: the Host (DNS rebinding), then no browser at all (an `Origin` header or a
 * preflight: DynamoDB is not a browser service here, and dynalite's CORS headers are
 * never passed on), then SigV4 and the caller's policy (service-auth.ts) on each
 * table the call touches (dynamodb-access.ts). Refusals use DynamoDB's JSON errors.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { ServiceError, type ServiceAuthorizer } from './aws/service-auth';
import { readBody } from './aws/http-messages';
import { accessRequests } from './dynamodb-access';
import { refuseForeignHost } from './host-check';

export interface DynamoProxyOptions {
  /** dynalite's port on 127.0.0.1. */
  upstreamPort: number;
  auth: ServiceAuthorizer;
  tableArn: (tableName: string) => string;
  /** One line per refused call. */
  log?: (line: string) => void;
}

// DynamoDB's own request size limit (BatchWriteItem: "up to 16 MB of data").
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const UNSIGNED_MESSAGE = 'Request is missing Authentication Token';

/** The request listener of the proxy; it never throws (every failure is an answer). */
export function dynamoProxy(options: DynamoProxyOptions) {
  const agent = new Agent({ keepAlive: true });
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, options, agent).catch((error: unknown) => {
      options.log?.(`500 ${error instanceof Error ? error.message : String(error)}`);
      if (res.headersSent) res.destroy();
      else answerError(res, 500, 'InternalFailure', 'The request processing has failed.');
    });
  };
  return { listener, close: () => agent.destroy() };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: DynamoProxyOptions,
  agent: Agent,
): Promise<void> {
  if (refuseForeignHost(req, res, req.socket.localPort ?? 0)) return;
  if (req.headers.origin !== undefined || req.method === 'OPTIONS') {
    req.resume();
    res.writeHead(403, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify({ message: 'The local DynamoDB does not answer browsers.' }));
    return;
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too large') {
    answerError(res, 413, 'RequestEntityTooLarge', 'Request size exceeds 16 MB');
    return;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  try {
    const caller = await options.auth.authenticate({
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headersDistinct,
      body,
    });
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    for (const access of accessRequests(operation, parseJson(body), options.tableArn)) {
      options.auth.authorize(caller, access.action, access.resource);
    }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    options.log?.(`400 ${error.type} (${error.reason})`);
    const unsigned = error.type === 'MissingAuthenticationTokenException';
    answerError(res, 400, error.type, unsigned ? UNSIGNED_MESSAGE : error.message);
    return;
  }
  await forward(req, res, body, options.upstreamPort, agent);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined; // dynalite answers SerializationException
  }
}

/** Passes the call to dynalite and its answer back, without dynalite's CORS headers. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  port: number,
  agent: Agent,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        const headers = { ...answer.headers };
        for (const name of Object.keys(headers)) {
          if (name.startsWith('access-control-')) delete headers[name];
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function answerError(res: ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}
