/**
 * The Secure Pets HTTP API: its routes, who may call each, and CORS. The local
 * gateway reads it at run time, the CDK stack at synth time, and the roles'
 * policies (policies.ts) are derived from it, so a new route is one entry here.
 */
import type { HandlerName } from './handlers';
import type { RoleName } from './roles';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type AuthType = 'NONE' | 'AWS_IAM';

export interface Route {
  method: Method;
  /** Resource path below the stage, as API Gateway names it (`/pets/{id}`). */
  path: string;
  /** AWS_IAM exactly when some role may invoke it. */
  auth: AuthType;
  /** The roles whose policy allows execute-api:Invoke on it; none for a public route. */
  roles: readonly RoleName[];
  /** The Lambda function behind the route, by proxy integration. */
  handler: HandlerName;
}

function route(
  method: Method,
  path: string,
  handler: HandlerName,
  roles: readonly RoleName[] = [],
): Route {
  return { method, path, handler, roles, auth: roles.length > 0 ? 'AWS_IAM' : 'NONE' };
}

export const api = {
  name: 'SecurePets',
  stage: 'test',
  routes: [
    route('GET', '/pets', 'getPets'),
    route('POST', '/pets', 'updatePets', ['admin']),
    route('POST', '/pets/purchase', 'purchasePet', ['buyer']),
  ] as readonly Route[],
  /**
   * CORS on every response, errors included. The allowed headers are the ones a
   * SigV4-signing browser client sends. ETag is exposed because it carries the
   * catalogue's concurrency token (see lambda/README.md), x-amzn-ErrorType because
   * the app must tell expired credentials (renew and retry) from a refused role.
   */
  cors: {
    allowOrigin: '*',
    allowHeaders: [
      'Content-Type',
      'X-Amz-Date',
      'Authorization',
      'x-api-key',
      'x-amz-security-token',
    ],
    allowMethods: ['POST', 'GET', 'OPTIONS'],
    exposeHeaders: ['ETag', 'x-amzn-ErrorType'],
  },
} as const;

/** The headers every response carries (preflights add Allow-Headers and Allow-Methods). */
export function corsHeaders(preflight = false): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': api.cors.allowOrigin,
    'Access-Control-Expose-Headers': api.cors.exposeHeaders.join(','),
  };
  if (preflight) {
    headers['Access-Control-Allow-Headers'] = api.cors.allowHeaders.join(',');
    headers['Access-Control-Allow-Methods'] = api.cors.allowMethods.join(', ');
  }
  return headers;
}

/** The routes a role may invoke. */
export function routesOf(role: RoleName): Route[] {
  return api.routes.filter((r) => r.roles.includes(role));
}
