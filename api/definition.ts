/**
 * The one definition of the Secure Pets HTTP API: its routes and their auth types,
 * CORS, and the two IAM roles (who may assume them, what they may invoke). The
 * local gateway and STS read it at run time; the CDK stack reads it at synth time.
 * Change a fact here and both clouds change with it.
 */

/** A pet as the HTTP API carries it (DESIGN.md); the app and the Lambdas share it. */
export interface Pet {
  id: number;
  type: string;
  price: number;
  isSold?: boolean;
  soldTo?: string;
}

export type Method = 'GET' | 'POST';
export type AuthType = 'NONE' | 'AWS_IAM';
export type HandlerName = 'getPets' | 'updatePets' | 'purchasePet';
export type RoleName = 'admin' | 'buyer';

export interface Route {
  method: Method;
  /** Resource path below the stage, as API Gateway names it. */
  path: string;
  auth: AuthType;
  /** The Lambda function (see lambda/) behind the route, by proxy integration. */
  handler: HandlerName;
}

export const api = {
  name: 'SecurePets',
  stage: 'test',
  routes: [
    { method: 'GET', path: '/pets', auth: 'NONE', handler: 'getPets' },
    { method: 'POST', path: '/pets', auth: 'AWS_IAM', handler: 'updatePets' },
    { method: 'POST', path: '/pets/purchase', auth: 'AWS_IAM', handler: 'purchasePet' },
  ] satisfies Route[] as readonly Route[],
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

export interface RoleDefinition {
  /** IAM role name; the ARN is arn:aws:iam::{account}:role/{roleName}. */
  roleName: string;
  /** Auth0 `sub` patterns (IAM StringLike syntax) of the users this role trusts. */
  trust: { subLike?: string[]; subNotLike?: string[] };
  /** The routes it may invoke (execute-api:Invoke), in any stage. */
  invoke: readonly { method: Method; path: string }[];
  /** The Auth0 connection kind that gets this role through legacy delegation. */
  connection: 'database' | 'social';
}

export const roles: Record<RoleName, RoleDefinition> = {
  // Users of the Auth0 database connection have subs `auth0|…`.
  admin: {
    roleName: 'pets-admin',
    trust: { subLike: ['auth0|*'] },
    invoke: [{ method: 'POST', path: '/pets' }],
    connection: 'database',
  },
  // Every other connection is social (`amazon|…`, `google-oauth2|…`).
  buyer: {
    roleName: 'pets-buyer',
    trust: { subNotLike: ['auth0|*'] },
    invoke: [{ method: 'POST', path: '/pets/purchase' }],
    connection: 'social',
  },
};

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function roleArn(role: RoleName, account: string): string {
  return `arn:aws:iam::${account}:role/${roles[role].roleName}`;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}` — the API whose methods the roles invoke. */
export function apiArn(region: string, account: string, apiId: string): string {
  return `arn:aws:execute-api:${region}:${account}:${apiId}`;
}

/** The role's identity policy: execute-api:Invoke on its routes in every stage. */
export function rolePolicy(role: RoleName, apiArnPrefix: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: roles[role].invoke.map((r) => `${apiArnPrefix}/*/${r.method}${r.path}`),
      },
    ],
  };
}

/**
 * The role's trust policy for AssumeRoleWithWebIdentity: the token must come from
 * the Auth0 tenant's OIDC provider, be issued to the app (`aud`), and belong to a
 * user of the role's connection kind (`sub`). This is what makes the server, not
 * the browser, decide the role.
 *
 * @param providerArn arn:aws:iam::{account}:oidc-provider/{issuerHostAndPath}
 * @param issuerKey   the issuer without scheme or trailing slash, as IAM names
 *                    condition keys: `tenant.auth0.com` gives `tenant.auth0.com:sub`
 */
export function trustPolicy(
  role: RoleName,
  providerArn: string,
  issuerKey: string,
  audience: string,
): PolicyDocument {
  const { subLike, subNotLike } = roles[role].trust;
  const condition: Record<string, Record<string, string | string[]>> = {
    StringEquals: { [`${issuerKey}:aud`]: audience },
  };
  if (subLike) condition['StringLike'] = { [`${issuerKey}:sub`]: subLike };
  if (subNotLike) condition['StringNotLike'] = { [`${issuerKey}:sub`]: subNotLike };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}
