/**
 * The API Gateway side: routes, auth and CORS come from api/http-api.ts; an
 * AWS_IAM method is refused with API Gateway's own 403 shapes unless its SigV4
 * signature verifies and the caller's role policy allows execute-api:Invoke on
 * the method's ARN. Only then is the Lambda invoked, with the proxy event API
 * Gateway would build, under API Gateway's and Lambda's limits (api.limits), and
 * its answer is gzip- or deflate-compressed as API Gateway compresses it.
 */
import { randomUUID } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { api, corsHeaders, isResource, matchRoute, type Route } from '../../api/http-api';
import { apiArn, rolePolicy, type PolicyDocument } from '../../api/policies';
import { roleArn, roleNames } from '../../api/roles';
import type { CredentialStore, StoredCredentials } from './credentials';
import { GatewayError, MISSING_AUTHENTICATION_TOKEN } from './errors';
import { evaluate } from './iam';
import { configuredTimeoutMs, inProcessInvoker, type Invoke, type InvokeResult } from './invoke';
import { type IncomingRequest, verifySignature } from './sigv4';

/**
 * The numbers the gateway enforces. Defaults come from the API definition
 * (`api.limits`, `api.minimumCompressionSize`, each function's `timeoutSeconds`);
 * tests override them so they need not send 10 MB or wait 29 s.
 */
export interface GatewayLimits {
  /** API Gateway's request body limit: 413 above it (enforced by the edge, index.ts). */
  maxRequestBytes: number;
  /** Lambda's synchronous payload limit for the event (the same 6 MB as the answer). */
  maxLambdaRequestBytes: number;
  /** Lambda's synchronous payload limit for the answer: 502 above it. */
  maxLambdaResponseBytes: number;
  /** REST API integration timeout: 504 after it. */
  integrationTimeoutMs: number;
  /** Every function's timeout: 502 after it. Default: each one's own `timeoutSeconds`. */
  functionTimeoutMs?: number;
  /** Compress answers of at least this many bytes; null turns compression off. */
  minimumCompressionSize: number | null;
}

export function gatewayLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  return {
    maxRequestBytes: api.limits.maxRequestBytes,
    // Lambda documents one 6 MB limit for both directions; api.limits names it once.
    maxLambdaRequestBytes: api.limits.maxLambdaResponseBytes,
    maxLambdaResponseBytes: api.limits.maxLambdaResponseBytes,
    integrationTimeoutMs: api.limits.integrationTimeoutMs,
    minimumCompressionSize: api.minimumCompressionSize,
    ...overrides,
  };
}

export interface GatewayOptions {
  region: string;
  account: string;
  apiId: string;
  credentials: CredentialStore;
  /** The handlers, run in process (the default `invoke`). */
  handlers?: Record<HandlerName, LambdaHandler>;
  /** How a function is invoked; default `inProcessInvoker(handlers)` under `limits`. */
  invoke?: Invoke;
  limits?: Partial<GatewayLimits>;
  now: () => number;
}

export interface GatewayRequest extends IncomingRequest {
  /** Header names as the client sent them, for the event's `headers`. */
  rawHeaders: readonly string[];
  sourceIp: string;
  /** The port and scheme the client reached the edge on (X-Forwarded-Port/-Proto). */
  port?: number;
  protocol?: 'http' | 'https';
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string | Buffer;
  /** For the log: allowed or refused, and why (never a secret). */
  outcome: string;
}

const json = (statusCode: number, message: string, extra: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...corsHeaders(), ...extra },
  body: JSON.stringify({ message }),
});

export function refusal(error: GatewayError): GatewayResponse {
  return {
    ...json(error.statusCode, error.message, { 'x-amzn-ErrorType': error.type }),
    outcome: `refused ${error.type} (${error.reason})`,
  };
}

/**
 * API Gateway's own answers when the integration fails (gateway responses
 * INTEGRATION_FAILURE, INTEGRATION_TIMEOUT). Their default template is
 * `{"message":$context.error.messageString}` and messageString carries a leading
 * space, hence `{"message": "…"}` byte for byte; the error type header is
 * InternalServerErrorException on both. CORS is ours: the contract (docs/design.md)
 * wants it on every answer, and the stack adds it to these gateway responses.
 */
function integrationError(
  statusCode: 502 | 504,
  message: string,
  outcome: string,
): GatewayResponse {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      ...corsHeaders(),
      'x-amzn-ErrorType': 'InternalServerErrorException',
    },
    body: `{"message": ${JSON.stringify(message)}}`,
    outcome,
  };
}
const INTERNAL_SERVER_ERROR = 'Internal server error';
const ENDPOINT_TIMED_OUT = 'Endpoint request timed out';
/** Lambda refused the event (RequestEntityTooLargeException): API Gateway's REQUEST_TOO_LARGE. */
const REQUEST_TOO_LONG = 'Request Too Long';

// Stable fake resource ids, as API Gateway gives every resource one.
const resourceId = (path: string) =>
  Buffer.from(path)
    .toString('base64url')
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 6)
    .toLowerCase() || 'root00';

function headerValue(headers: IncomingRequest['headers'], name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = headers[key];
    return typeof value === 'string' ? value : value?.join(', ');
  }
  return undefined;
}

/**
 * The coding API Gateway answers with: the client's highest-weighted coding must
 * be one it supports (gzip, deflate), else it sends identity. No header, or only
 * `*`, means identity too (its documentation: "Without an explicit specification
 * of supported Accept-Encoding header values, API Gateway does not compress").
 * Among equally weighted supported codings the client's first wins.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | null {
  if (!acceptEncoding) return null;
  const offers: { coding: string; q: number }[] = [];
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const m = /^q=([\d.]+)$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q > 0) offers.push({ coding: name.toLowerCase(), q });
  }
  const best = Math.max(0, ...offers.map((o) => o.q));
  for (const { coding, q } of offers) {
    if (q === best && (coding === 'gzip' || coding === 'deflate')) return coding;
  }
  return null;
}

export class Gateway {
  readonly #options: GatewayOptions;
  readonly #policies = new Map<string, PolicyDocument>();
  readonly #apiArn: string;
  readonly #limits: GatewayLimits;
  readonly #invoke: Invoke;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#apiArn = apiArn(options.region, options.account, options.apiId);
    for (const role of roleNames) {
      this.#policies.set(roleArn(role, options.account), rolePolicy(role, this.#apiArn));
    }
    this.#limits = gatewayLimits(options.limits);
    const { functionTimeoutMs } = this.#limits;
    if (options.invoke) this.#invoke = options.invoke;
    else if (options.handlers) {
      this.#invoke = inProcessInvoker(options.handlers, {
        timeoutMs: (name) => functionTimeoutMs ?? configuredTimeoutMs(name),
        maxRequestBytes: this.#limits.maxLambdaRequestBytes,
        maxResponseBytes: this.#limits.maxLambdaResponseBytes,
      });
    } else throw new Error('Gateway needs handlers or invoke');
  }

  get limits(): Readonly<GatewayLimits> {
    return this.#limits;
  }

  /**
   * arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}, with the
   * request's real path (`…/PUT/pets/42`): IAM never sees the resource template.
   */
  methodArn(method: string, path: string): string {
    return `${this.#apiArn}/${api.stage}/${method}${path}`;
  }

  /** The route for a request path below the stage (`/pets/42`), or undefined. */
  route(method: string, path: string): Route | undefined {
    return matchRoute(method, path)?.route;
  }

  /**
   * The gateway's own check of an AWS_IAM method: signature, then the role's
   * policy on the method ARN of `path` (the request's path below the stage).
   * Returns the caller or throws a GatewayError.
   */
  async authorize(
    request: IncomingRequest,
    route: Route,
    path: string = route.path,
  ): Promise<StoredCredentials> {
    const now = this.#options.now();
    const caller = await verifySignature(request, {
      region: this.#options.region,
      service: 'execute-api',
      now,
      lookup: (id) => this.#options.credentials.lookup(id),
    });
    const stored = this.#options.credentials.lookup(caller.accessKeyId);
    if (!stored) throw new Error('verified a key the store does not know');
    const resource = this.methodArn(route.method, path);
    const policy = this.#policies.get(stored.roleArn);
    const decision = policy
      ? evaluate([policy], { action: 'execute-api:Invoke', resource })
      : 'ImplicitDeny';
    if (decision !== 'Allow') {
      throw new GatewayError(
        'AccessDeniedException',
        `User: ${stored.assumedRoleArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
        `${decision} for ${stored.roleName}`,
      );
    }
    return stored;
  }

  async handle(request: GatewayRequest): Promise<GatewayResponse> {
    const stagePrefix = `/${api.stage}`;
    const rawPath = request.path;
    if (rawPath !== stagePrefix && !rawPath.startsWith(`${stagePrefix}/`)) {
      return refusal(missingToken('no such stage'));
    }
    const path = rawPath.slice(stagePrefix.length) || '/';
    // The stack gives every resource an OPTIONS mock method, so a preflight answers on
    // any resource path (`/pets/42` too) whatever the method asked for.
    if (request.method === 'OPTIONS' && isResource(path)) {
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', ...corsHeaders(true) },
        body: '{}',
        outcome: 'preflight',
      };
    }
    const match = matchRoute(request.method, path);
    if (!match) return refusal(missingToken('no such route'));
    const { route, pathParameters } = match;

    let caller: StoredCredentials | undefined;
    if (route.auth === 'AWS_IAM') {
      try {
        caller = await this.authorize(request, route, path);
      } catch (error) {
        if (error instanceof GatewayError) return refusal(error);
        throw error;
      }
    }
    const event = this.#event(request, route, path, pathParameters, caller);
    const allowed = caller ? `allowed ${caller.assumedRoleArn}` : 'allowed (no auth)';

    const invoked = await this.#invokeWithin(route.handler, event);
    if (invoked === 'timeout') {
      return integrationError(
        504,
        ENDPOINT_TIMED_OUT,
        `${allowed}, ${route.handler} passed the ${this.#limits.integrationTimeoutMs} ms integration timeout`,
      );
    }
    if (invoked.status === 'request-too-large') {
      return {
        ...json(413, REQUEST_TOO_LONG),
        outcome: `${allowed}, ${route.handler} refused the event: ${invoked.errorMessage}`,
      };
    }
    if (invoked.status === 'function-error') {
      return integrationError(
        502,
        INTERNAL_SERVER_ERROR,
        `${allowed}, ${route.handler} failed: ${invoked.errorMessage}`,
      );
    }
    const result = proxyResult(invoked.payload);
    if (!result) {
      // "Malformed Lambda proxy response": API Gateway's 502 too.
      return integrationError(
        502,
        INTERNAL_SERVER_ERROR,
        `${allowed}, ${route.handler} failed: malformed proxy result`,
      );
    }
    return { ...this.#answer(request, result), outcome: allowed };
  }

  /** The invocation, or 'timeout' once the integration timeout passes (the function runs on). */
  async #invokeWithin(name: HandlerName, event: APIGatewayProxyEvent) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#limits.integrationTimeoutMs);
    });
    try {
      return await Promise.race([
        this.#invoke(name, event).catch((error: unknown): InvokeResult => ({
          status: 'function-error',
          errorType: 'InvokeError',
          errorMessage: error instanceof Error ? error.message : String(error),
        })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Lambda's answer as API Gateway passes it on: CORS defaults, then compression. */
  #answer(request: GatewayRequest, result: APIGatewayProxyResult) {
    const headers: Record<string, string> = { ...corsHeaders() };
    const setHeader = (name: string, value: string) => {
      // Lambda's own headers win over the defaults, whatever their case.
      for (const existing of Object.keys(headers)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      }
      headers[name] = value;
    };
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      setHeader(name, String(value));
    }
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      multiValueHeaders[name] = values.map(String);
    }
    let body: string | Buffer = result.isBase64Encoded
      ? Buffer.from(result.body, 'base64')
      : (result.body ?? '');

    // API Gateway compresses when compression is on, the client asked for a coding it
    // supports, the integration did not encode the answer itself, and the answer is at
    // least minimumCompressionSize bytes. It adds Content-Encoding only (no Vary).
    const min = this.#limits.minimumCompressionSize;
    const names = [...Object.keys(headers), ...Object.keys(multiValueHeaders)].map((n) =>
      n.toLowerCase(),
    );
    const coding = negotiateEncoding(headerValue(request.headers, 'accept-encoding'));
    const size = Buffer.byteLength(body);
    const hasBody = size > 0 && result.statusCode !== 204 && result.statusCode !== 304;
    if (min !== null && coding && hasBody && !names.includes('content-encoding') && size >= min) {
      body = coding === 'gzip' ? gzipSync(body) : deflateSync(body);
      setHeader('Content-Encoding', coding);
      // A length the Lambda set describes the identity body.
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'content-length') delete headers[name];
      }
      for (const name of Object.keys(multiValueHeaders)) {
        if (name.toLowerCase() === 'content-length') delete multiValueHeaders[name];
      }
    }
    return { statusCode: result.statusCode, headers, multiValueHeaders, body };
  }

  #event(
    request: GatewayRequest,
    route: Route,
    path: string,
    pathParameters: Record<string, string> | null,
    caller: StoredCredentials | undefined,
  ): APIGatewayProxyEvent {
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
    // The headers API Gateway adds in front of the integration: the client's address
    // appended to any X-Forwarded-For it sent, and the port and scheme it reached the
    // gateway on (443 and https in AWS). The Lambdas build absolute URLs (the paging
    // Link) from X-Forwarded-Proto, requestContext.domainName and requestContext.path.
    const forwardedFor = headerValue(request.headers, 'x-forwarded-for');
    for (const name of ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']) drop(name);
    add(
      'X-Forwarded-For',
      forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp,
    );
    add('X-Forwarded-Port', String(request.port ?? 443));
    add('X-Forwarded-Proto', request.protocol ?? 'https');

    const params = new URLSearchParams(request.query);
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [key, value] of params) {
      query[key] = value;
      (multiQuery[key] ??= []).push(value);
    }
    const hasQuery = Object.keys(query).length > 0;
    const now = this.#options.now();
    const body =
      typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
    const userAgent = headerValue(request.headers, 'user-agent') ?? null;
    // The Host the client used, port included locally (`localhost:4566`); in AWS it is
    // `{apiId}.execute-api.{region}.amazonaws.com` and the prefix is the api id.
    const domainName = headerValue(request.headers, 'host') ?? 'localhost';
    const domainPrefix = domainName.replace(/:\d+$/, '').split('.')[0] ?? domainName;
    const requestId = randomUUID();
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
      requestContext: {
        accountId: this.#options.account,
        apiId: this.#options.apiId,
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
          accountId: caller ? this.#options.account : null,
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
      },
    };
  }
}

/** The function's JSON answer as a proxy result, or undefined when API Gateway would call it malformed. */
function proxyResult(payload: string): APIGatewayProxyResult | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const result = value as Partial<APIGatewayProxyResult>;
  if (typeof result.statusCode !== 'number') return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return undefined; // a body must be a string (base64 when isBase64Encoded)
  }
  return { ...result, body: result.body ?? '' } as APIGatewayProxyResult;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, as API Gateway writes requestContext.requestTime. */
function requestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function missingToken(reason: string): GatewayError {
  return new GatewayError(
    'MissingAuthenticationTokenException',
    MISSING_AUTHENTICATION_TOKEN,
    reason,
  );
}
