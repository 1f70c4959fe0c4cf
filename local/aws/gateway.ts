/**
 * The API Gateway side: routes, auth and CORS come from api/http-api.ts; an
 * AWS_IAM method is refused with API Gateway's own 403 shapes unless its SigV4
 * signature verifies and the caller's role policy allows execute-api:Invoke on
 * the method's ARN. Only then does the Lambda handler run, with the proxy event
 * API Gateway would build.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { api, corsHeaders, type Route } from '../../api/http-api';
import { apiArn, rolePolicy, type PolicyDocument } from '../../api/policies';
import { roleArn, roleNames } from '../../api/roles';
import type { CredentialStore, StoredCredentials } from './credentials';
import { GatewayError, MISSING_AUTHENTICATION_TOKEN } from './errors';
import { evaluate } from './iam';
import { type IncomingRequest, verifySignature } from './sigv4';

export interface GatewayOptions {
  region: string;
  account: string;
  apiId: string;
  credentials: CredentialStore;
  handlers: Record<HandlerName, LambdaHandler>;
  now: () => number;
}

export interface GatewayRequest extends IncomingRequest {
  /** Header names as the client sent them, for the event's `headers`. */
  rawHeaders: readonly string[];
  sourceIp: string;
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

// Stable fake resource ids, as API Gateway gives every resource one.
const resourceId = (path: string) =>
  Buffer.from(path)
    .toString('base64url')
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 6)
    .toLowerCase() || 'root00';

export class Gateway {
  readonly #options: GatewayOptions;
  readonly #policies = new Map<string, PolicyDocument>();
  readonly #apiArn: string;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#apiArn = apiArn(options.region, options.account, options.apiId);
    for (const role of roleNames) {
      this.#policies.set(roleArn(role, options.account), rolePolicy(role, this.#apiArn));
    }
  }

  /** arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path} */
  methodArn(method: string, path: string): string {
    return `${this.#apiArn}/${api.stage}/${method}${path}`;
  }

  /** The route for a path below the stage, or undefined. */
  route(method: string, path: string): Route | undefined {
    return api.routes.find((r) => r.method === method && r.path === path);
  }

  /**
   * The gateway's own check of an AWS_IAM method: signature, then the role's
   * policy. Returns the caller or throws a GatewayError.
   */
  async authorize(request: IncomingRequest, route: Route): Promise<StoredCredentials> {
    const now = this.#options.now();
    const caller = await verifySignature(request, {
      region: this.#options.region,
      service: 'execute-api',
      now,
      lookup: (id) => this.#options.credentials.lookup(id),
    });
    const stored = this.#options.credentials.lookup(caller.accessKeyId);
    if (!stored) throw new Error('verified a key the store does not know');
    const resource = this.methodArn(route.method, route.path);
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
    const known = api.routes.filter((r) => r.path === path);
    if (request.method === 'OPTIONS' && known.length > 0) {
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', ...corsHeaders(true) },
        body: '{}',
        outcome: 'preflight',
      };
    }
    const route = this.route(request.method, path);
    if (!route) return refusal(missingToken('no such route'));

    let caller: StoredCredentials | undefined;
    if (route.auth === 'AWS_IAM') {
      try {
        caller = await this.authorize(request, route);
      } catch (error) {
        if (error instanceof GatewayError) return refusal(error);
        throw error;
      }
    }
    const event = this.#event(request, route, path, caller);
    let result: APIGatewayProxyResult;
    try {
      result = await this.#options.handlers[route.handler](event);
      if (!result || typeof result.statusCode !== 'number') throw new Error('malformed result');
    } catch (error) {
      // What API Gateway answers when a proxy integration fails.
      return {
        ...json(502, 'Internal server error'),
        outcome: `allowed, ${route.handler} failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const headers: Record<string, string> = { ...corsHeaders() };
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      // Lambda's own headers win over the defaults, whatever their case.
      for (const existing of Object.keys(headers)) {
        if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      }
      headers[name] = String(value);
    }
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      multiValueHeaders[name] = values.map(String);
    }
    return {
      statusCode: result.statusCode,
      headers,
      multiValueHeaders,
      body: result.isBase64Encoded ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
      outcome: caller ? `allowed ${caller.assumedRoleArn}` : 'allowed (no auth)',
    };
  }

  #event(
    request: GatewayRequest,
    route: Route,
    path: string,
    caller: StoredCredentials | undefined,
  ): APIGatewayProxyEvent {
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i]!;
      const value = request.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
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
    const userAgent = headers['User-Agent'] ?? headers['user-agent'] ?? null;
    return {
      resource: route.path,
      path,
      httpMethod: route.method,
      headers,
      multiValueHeaders,
      queryStringParameters: hasQuery ? query : null,
      multiValueQueryStringParameters: hasQuery ? multiQuery : null,
      pathParameters: null,
      stageVariables: null,
      body: body.length > 0 ? body : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: this.#options.account,
        apiId: this.#options.apiId,
        authorizer: null,
        protocol: 'HTTP/1.1',
        httpMethod: route.method,
        path: `/${api.stage}${path}`,
        stage: api.stage,
        requestId: randomUUID(),
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

function missingToken(reason: string): GatewayError {
  return new GatewayError(
    'MissingAuthenticationTokenException',
    MISSING_AUTHENTICATION_TOKEN,
    reason,
  );
}
