/**
 * Which service answers a request on the edge's one port: below a bucket (or signed
 * for `s3` outside the API's stage), S3, which reads its own body and sends its own
 * CORS; on `/` from a web page other than the app, nothing (403); past the body limit, API Gateway's 413 whatever the
 * path; on `POST /` with a Secrets Manager target, Secrets Manager; elsewhere on `/`,
 * STS; below the stage, API Gateway.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders } from '../../api/http-api';
import type { Gateway } from './gateway';
import type { LocalS3 } from './s3/index';
import { readBody, send } from './http-messages';
import { type LocalSecrets, type SecretsAnswer, SECRETS_TARGET_PREFIX } from './secrets';
import { serveSecretsCall } from './secrets-endpoint';
import type { ServiceAuthorizer } from './service-auth';
import type { Sts } from './sts';

export interface EdgeServices {
  sts: Sts;
  gateway: Gateway;
  secrets: LocalSecrets;
  /** The app's origins: the only web pages that may call STS (see README.md). */
  webOrigins: ReadonlySet<string>;
  /** Secrets Manager's SigV4 and IAM checks. */
  secretsAuth: ServiceAuthorizer;
  /** The local S3, when the edge serves buckets. */
  s3?: LocalS3;
}

/** Answers one request; resolves with its log line (`status outcome`). */
export type Serve = (req: IncomingMessage, res: ServerResponse) => Promise<string>;

// What the browser build of @aws-sdk/client-sts sends, plus the SigV4 headers.
const STS_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers':
    'amz-sdk-invocation-id,amz-sdk-request,x-amz-user-agent,content-type,x-amz-date,authorization,x-amz-security-token,x-amz-content-sha256',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId',
  'Access-Control-Max-Age': '600',
};

export function edgeRouter({
  sts,
  gateway,
  secrets,
  secretsAuth,
  webOrigins,
  s3,
}: EdgeServices): Serve {
  const maxBodyBytes = gateway.limits.maxRequestBytes;
  return async (req, res) => {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    if (s3?.claims(path, req, query)) return s3.serve(req, res);
    const isRoot = path === '/';
    // Secrets Manager speaks AWS JSON 1.1 on the same `POST /` as STS's query protocol;
    // the X-Amz-Target header tells them apart, as it does for AWS's services.
    const amzTarget = String(req.headers['x-amz-target'] ?? '');
    const forSecrets = isRoot && method === 'POST' && amzTarget.startsWith(SECRETS_TARGET_PREFIX);
    if (isRoot && refusesPage(req.headers.origin, forSecrets, webOrigins)) {
      send(res, {
        statusCode: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' },
        body: 'This local service does not answer this web page.\n',
      });
      return '403 refused (foreign Origin)';
    }
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

    if (forSecrets) {
      const request = { method, path, query, headers: req.headersDistinct, body };
      return serveSecrets(await serveSecretsCall(secretsAuth, secrets, amzTarget, request), res);
    }
    if (isRoot)
      return serveSts(sts, method, method === 'POST' ? body.toString('utf8') : query, res);

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
  };
}

/**
 * Whether a request on `/` comes from a page it must not serve. AWS's STS answers CORS
 * for every origin; locally only the app's page gets it, so another page open in the
 * developer's browser reads nothing here. Secrets Manager, which only the Lambdas call
 * (they send no Origin), answers no page at all.
 */
function refusesPage(
  origin: string | undefined,
  forSecrets: boolean,
  webOrigins: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return false;
  return forSecrets || !webOrigins.has(origin);
}

function serveSecrets(answer: SecretsAnswer, res: ServerResponse): string {
  const requestId = randomUUID();
  send(res, {
    statusCode: answer.statusCode,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId },
    body: answer.body,
  });
  return `${answer.statusCode} SecretsManager ${answer.outcome}`;
}

/** STS's query protocol: the parameters are the form body of a POST, or the query of a GET. */
async function serveSts(
  sts: Sts,
  method: string,
  parameters: string,
  res: ServerResponse,
): Promise<string> {
  if (method === 'OPTIONS') {
    send(res, { statusCode: 200, headers: STS_CORS, body: '' });
    return '200 STS preflight';
  }
  const answer = await sts.handle(new URLSearchParams(parameters));
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
