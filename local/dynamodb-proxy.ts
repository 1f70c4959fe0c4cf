/**
 * The front door of the local DynamoDB: dynalite answers anyone and never checks a
 * signature, so no port reaches it; every call comes through here, checked as
 * DynamoDB checks it before it is handed to dynalite's request handler unchanged.
 *
 * In order: the Host (DNS rebinding), then no browser at all (an `Origin` header or a
 * preflight: DynamoDB is not a browser service here, and dynalite, which sends CORS
 * headers to any request with an Origin, never sees one), then SigV4 and the caller's policy (service-auth.ts) on each
 * table the call touches (dynamodb-access.ts). Refusals use DynamoDB's JSON errors.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { ServiceError, type ServiceAuthorizer } from './aws/service-auth';
import { readBody } from './aws/http-messages';
import { accessRequests } from './dynamodb-access';
import { refuseForeignHost } from './host-check';
import { meterAnswer, meteredBody } from './dynamodb-meter';

/** dynalite's request handler: what it reads of a request, and the response to answer on. */
export type DynamoHandler = (
  req: EventEmitter & Pick<IncomingMessage, 'headers' | 'method' | 'url'>,
  res: ServerResponse,
) => void;

export interface DynamoProxyOptions {
  /** Answers an allowed call: dynalite's own request handler, in this process. */
  dynalite: DynamoHandler;
  auth: ServiceAuthorizer;
  tableArn: (tableName: string) => string;
  /** One line per refused call. */
  log?: (line: string) => void;
  /** A file the consumed capacity of every call is appended to (dynamodb-meter.ts); off when absent. */
  meterFile?: string;
}

// DynamoDB's own request size limit (BatchWriteItem: "up to 16 MB of data").
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const UNSIGNED_MESSAGE = 'Request is missing Authentication Token';

/** The request listener of the proxy; it never throws (every failure is an answer). */
export function dynamoProxy(options: DynamoProxyOptions) {
  return (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res, options).catch((error: unknown) => {
      options.log?.(`500 ${error instanceof Error ? error.message : String(error)}`);
      if (res.headersSent) res.destroy();
      else answerError(res, 500, 'InternalFailure', 'The request processing has failed.');
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: DynamoProxyOptions,
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
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  try {
    const caller = await options.auth.authenticate({
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? '' : url.slice(q + 1),
      headers: req.headersDistinct,
      body,
    });
    // The service credentials may do anything: only a role's call needs its tables named.
    if (caller.policy) {
      for (const access of accessRequests(operation, parseJson(body), options.tableArn)) {
        options.auth.authorize(caller, access.action, access.resource);
      }
    }
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    options.log?.(`400 ${error.type} (${error.reason})`);
    const unsigned = error.type === 'MissingAuthenticationTokenException';
    answerError(res, 400, error.type, unsigned ? UNSIGNED_MESSAGE : error.message);
    return;
  }
  // The body is read already: dynalite reads a replay of it (which cannot fail
  // mid-stream, unlike a client's socket) and answers on the same response.
  const replay = Object.assign(new EventEmitter(), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  });
  // Metered, dynalite reads the body with ReturnConsumedCapacity added (after the
  // signature was checked on the body as sent).
  const given = options.meterFile ? meteredBody(operation, body) : body;
  if (options.meterFile) meterAnswer(operation, res, options.meterFile);
  options.dynalite(replay, res);
  if (given.length) replay.emit('data', given);
  replay.emit('end');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined; // dynalite answers SerializationException
  }
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
