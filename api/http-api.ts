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

const routes: readonly Route[] = [
  route('GET', '/pets', 'getPets'),
  // One pet, public like the list. API Gateway prefers a literal segment, so
  // GET /pets/sales stays the admin's view and is never read as an id.
  route('GET', '/pets/{id}', 'getPetById'),
  route('POST', '/pets', 'updatePets', ['admin']),
  route('PUT', '/pets/{id}', 'putPet', ['admin']),
  route('DELETE', '/pets/{id}', 'deletePet', ['admin']),
  route('POST', '/pets/{id}/photo', 'photoUpload', ['admin']),
  route('GET', '/pets/{id}/photo', 'photoState', ['admin']),
  route('POST', '/pets/purchase', 'purchasePet', ['buyer']),
  // The views of buyers' emails (personal data): each only to the role that may see it.
  route('GET', '/pets/sales', 'listSales', ['admin']),
  route('POST', '/pets/mine', 'listMine', ['buyer']),
];

export const api = {
  name: 'SecurePets',
  stage: 'test',
  routes,
  /**
   * API Gateway's and Lambda's hard limits. The stack gets them from AWS itself; the
   * local gateway enforces these numbers, so what passes locally passes in AWS.
   */
  limits: {
    /** API Gateway refuses a larger request body with 413. */
    maxRequestBytes: 10 * 1024 * 1024,
    /** Lambda refuses a larger synchronous answer; API Gateway then answers 502. */
    maxLambdaResponseBytes: 6 * 1024 * 1024,
    /** REST API integrations give up after 29 s: 504. */
    integrationTimeoutMs: 29_000,
  },
  /** Answers of at least this many bytes are gzipped for clients that accept it. */
  minimumCompressionSize: 1024,
  /**
   * CORS on every response, errors included. The allowed headers are the ones a
   * SigV4-signing browser client sends, plus the conditional-request headers of the
   * per-pet writes. ETag is exposed because it carries the concurrency tokens (see
   * lambda/README.md), Link for paging, x-amzn-ErrorType because the app must tell
   * expired credentials (renew and retry) from a refused role.
   */
  cors: {
    allowOrigin: '*',
    allowHeaders: [
      'Content-Type',
      'X-Amz-Date',
      'Authorization',
      'x-api-key',
      'x-amz-security-token',
      'If-Match',
      'If-None-Match',
    ],
    // Every route's method, and the preflight's own.
    allowMethods: [...new Set([...routes.map((r) => r.method), 'OPTIONS'])],
    exposeHeaders: ['ETag', 'Link', 'x-amzn-ErrorType'],
    /**
     * How long a browser may reuse a preflight's answer (Access-Control-Max-Age):
     * without it a signed call costs two round trips, and two requests against the
     * stage's throttle. Chromium honours at most 7200 s, Firefox 86400 s.
     */
    maxAgeSeconds: 7200,
  },
} as const;

/**
 * The headers every response carries (preflights add Allow-Headers, Allow-Methods and
 * Max-Age).
 */
export function corsHeaders(preflight = false): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': api.cors.allowOrigin,
    'Access-Control-Expose-Headers': api.cors.exposeHeaders.join(','),
  };
  if (preflight) {
    headers['Access-Control-Allow-Headers'] = api.cors.allowHeaders.join(',');
    headers['Access-Control-Allow-Methods'] = api.cors.allowMethods.join(', ');
    headers['Access-Control-Max-Age'] = String(api.cors.maxAgeSeconds);
  }
  return headers;
}

/**
 * A request path (below the stage) against a resource path: its path parameters
 * (percent-decoded) when it matches, else undefined. `literals` counts the literal
 * segments, which API Gateway prefers over parameters.
 */
export function matchPath(
  template: string,
  path: string,
): { pathParameters: Record<string, string>; literals: number } | undefined {
  const parts = template.split('/');
  const segments = path.split('/');
  if (parts.length !== segments.length) return undefined;
  const pathParameters: Record<string, string> = {};
  let literals = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    const param = /^\{(\w+)\}$/.exec(part);
    if (!param) {
      if (part !== segment) return undefined;
      literals++;
      continue;
    }
    if (segment === '') return undefined;
    try {
      pathParameters[param[1]!] = decodeURIComponent(segment);
    } catch {
      return undefined; // malformed percent-encoding matches no resource
    }
  }
  return { pathParameters, literals };
}

/**
 * The route a request takes, as API Gateway picks it: among the routes whose resource
 * matches the path and that have the request's method, the one with the most literal
 * segments. Path and method are resolved together (measured on real REST APIs): a
 * literal resource without the method yields to a parameterised sibling that has it,
 * so `PUT /pets/purchase` is `PUT /pets/{id}` with the id `purchase`.
 */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; pathParameters: Record<string, string> | null } | undefined {
  let best: { route: Route; pathParameters: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = matchPath(route.path, path);
    if (match && (!best || match.literals > best.literals)) best = { route, ...match };
  }
  if (!best) return undefined;
  const hasParams = Object.keys(best.pathParameters).length > 0;
  return { route: best.route, pathParameters: hasParams ? best.pathParameters : null };
}

/** Whether a path is one of the API's resources (whatever the method): preflights answer there. */
export function isResource(path: string): boolean {
  return routes.some((r) => matchPath(r.path, path) !== undefined);
}

/** The resource paths of the API (each gets a preflight). */
export function resourcePaths(): string[] {
  return [...new Set(routes.map((r) => r.path))];
}

/** The routes a role may invoke. */
export function routesOf(role: RoleName): Route[] {
  return api.routes.filter((r) => r.roles.includes(role));
}
