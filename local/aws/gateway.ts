/**
 * The API Gateway side: routes, auth and CORS come from api/http-api.ts; an
 * AWS_IAM method is refused with API Gateway's own 403 shapes unless its SigV4
 * signature verifies and the caller's role policy allows execute-api:Invoke on
 * the method's ARN (iam-authorizer.ts). Only then is the Lambda invoked, with the
 * proxy event API Gateway would build (proxy-event.ts), under API Gateway's and
 * Lambda's limits (gateway-limits.ts), and its answer is passed on (lambda-proxy.ts)
 * and compressed as API Gateway compresses it (compression.ts).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HandlerName, LambdaHandler } from '../../api/handlers';
import { api, isResource, matchRoute, type Route } from '../../api/http-api';
import { compress } from './compression';
import type { CredentialStore, StoredCredentials } from './credentials';
import { GatewayError } from './errors';
import { gatewayLimits, type GatewayLimits } from './gateway-limits';
import { type GatewayRequest, headerValue, type IncomingRequest } from './gateway-request';
import {
  type GatewayResponse,
  integrationFailed,
  integrationTimedOut,
  missingToken,
  preflight,
  refusal,
  requestTooLong,
} from './gateway-responses';
import { IamAuthorizer } from './iam-authorizer';
import { configuredTimeoutMs, inProcessInvoker, type Invoke } from './invoke';
import { invokeWithin, passOn, proxyResult } from './lambda-proxy';
import { proxyEvent } from './proxy-event';

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

export class Gateway {
  readonly #options: GatewayOptions;
  readonly #authorizer: IamAuthorizer;
  readonly #limits: GatewayLimits;
  readonly #invoke: Invoke;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#authorizer = new IamAuthorizer(options);
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

  /** The route for a request path below the stage (`/pets/42`), or undefined. */
  route(method: string, path: string): Route | undefined {
    return matchRoute(method, path)?.route;
  }

  /**
   * The gateway's own check of an AWS_IAM method: signature, then the role's
   * policy on the method ARN of `path` (the request's path below the stage).
   * Returns the caller or throws a GatewayError.
   */
  authorize(request: IncomingRequest, route: Route, path?: string): Promise<StoredCredentials> {
    return this.#authorizer.authorize(request, route, path);
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
    if (request.method === 'OPTIONS' && isResource(path)) return preflight();
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
    const event = proxyEvent(request, { route, path, pathParameters }, caller, {
      account: this.#options.account,
      apiId: this.#options.apiId,
      now: this.#options.now(),
    });
    const allowed = caller ? `allowed ${caller.assumedRoleArn}` : 'allowed (no auth)';
    return this.#integrate(request, route.handler, event, allowed);
  }

  /** The function's answer as API Gateway gives it, or the gateway response for its failure. */
  async #integrate(
    request: GatewayRequest,
    name: HandlerName,
    event: APIGatewayProxyEvent,
    allowed: string,
  ): Promise<GatewayResponse> {
    const timeoutMs = this.#limits.integrationTimeoutMs;
    const invoked = await invokeWithin(this.#invoke, name, event, timeoutMs);
    if (invoked === 'timeout') {
      return integrationTimedOut(
        `${allowed}, ${name} passed the ${timeoutMs} ms integration timeout`,
      );
    }
    if (invoked.status === 'request-too-large') {
      return requestTooLong(`${allowed}, ${name} refused the event: ${invoked.errorMessage}`);
    }
    if (invoked.status === 'function-error') {
      return integrationFailed(`${allowed}, ${name} failed: ${invoked.errorMessage}`);
    }
    const result = proxyResult(invoked.payload);
    // "Malformed Lambda proxy response": API Gateway's 502 too.
    if (!result) return integrationFailed(`${allowed}, ${name} failed: malformed proxy result`);
    const accepted = headerValue(request.headers, 'accept-encoding');
    const answer = compress(passOn(result), accepted, this.#limits.minimumCompressionSize);
    return { ...answer, outcome: allowed };
  }
}
