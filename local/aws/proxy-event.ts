/**
 * The event API Gateway builds for a Lambda proxy integration (REST API, payload
 * v1): the request as the client sent it, the headers the gateway adds in front of
 * the integration, and the request context with the caller's identity.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { api, type Route } from '../../api/http-api';
import type { StoredCredentials } from './credentials';
import { type GatewayRequest, headerValue } from './gateway-request';

/** The matched route and the request's path below the stage (`/pets/42`). */
export interface RouteMatch {
  route: Route;
  path: string;
  pathParameters: Record<string, string> | null;
}

/** The API the event comes from, and when (epoch ms). */
export interface EventSource {
  account: string;
  apiId: string;
  now: number;
}

export function proxyEvent(
  request: GatewayRequest,
  { route, path, pathParameters }: RouteMatch,
  caller: StoredCredentials | undefined,
  source: EventSource,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = forwardedHeaders(request);
  const { query, multiQuery } = queryParameters(request.query);
  const hasQuery = Object.keys(query).length > 0;
  const body =
    typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body: body.length > 0 ? body : null,
    isBase64Encoded: false,
    requestContext: requestContext(request, route, path, caller, source),
  };
}

/**
 * The client's headers plus those API Gateway adds in front of the integration: the
 * client's address appended to any X-Forwarded-For it sent, and the port and scheme it
 * reached the gateway on (443 and https in AWS). The Lambdas build absolute URLs (the
 * paging Link) from X-Forwarded-Proto, requestContext.domainName and requestContext.path.
 */
function forwardedHeaders(request: GatewayRequest) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const add = (name: string, value: string) => {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  };
  const drop = (lower: string) => {
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === lower) {
        delete headers[name];
        delete multiValueHeaders[name];
      }
    }
  };
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    add(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  const forwardedFor = headerValue(request.headers, 'x-forwarded-for');
  for (const name of ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']) drop(name);
  add('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp);
  add('X-Forwarded-Port', String(request.port ?? 443));
  add('X-Forwarded-Proto', request.protocol ?? 'https');
  return { headers, multiValueHeaders };
}

function queryParameters(raw: string) {
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    query[key] = value;
    (multiQuery[key] ??= []).push(value);
  }
  return { query, multiQuery };
}

function requestContext(
  request: GatewayRequest,
  route: Route,
  path: string,
  caller: StoredCredentials | undefined,
  { account, apiId, now }: EventSource,
): APIGatewayProxyEvent['requestContext'] {
  const userAgent = headerValue(request.headers, 'user-agent') ?? null;
  // The Host the client used, port included locally (`localhost:4566`); in AWS it is
  // `{apiId}.execute-api.{region}.amazonaws.com` and the prefix is the api id.
  const domainName = headerValue(request.headers, 'host') ?? 'localhost';
  const domainPrefix = domainName.replace(/:\d+$/, '').split('.')[0] ?? domainName;
  const requestId = randomUUID();
  return {
    accountId: account,
    apiId,
    authorizer: null,
    domainName,
    domainPrefix,
    extendedRequestId: requestId.replace(/-/g, '').slice(0, 16),
    protocol: 'HTTP/1.1',
    httpMethod: route.method,
    path: `/${api.stage}${path}`,
    stage: api.stage,
    requestId,
    requestTime: requestTime(now),
    requestTimeEpoch: now,
    resourceId: resourceId(route.path),
    resourcePath: route.path,
    identity: {
      accessKey: caller?.accessKeyId ?? null,
      accountId: caller ? account : null,
      apiKey: null,
      apiKeyId: null,
      caller: caller?.assumedRoleId ?? null,
      clientCert: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: request.sourceIp,
      user: caller?.assumedRoleId ?? null,
      userAgent,
      userArn: caller?.assumedRoleArn ?? null,
    },
  };
}

// Stable fake resource ids, as API Gateway gives every resource one.
const resourceId = (path: string) =>
  Buffer.from(path)
    .toString('base64url')
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 6)
    .toLowerCase() || 'root00';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, as API Gateway writes requestContext.requestTime. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
