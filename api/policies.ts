/**
 * The IAM side of the roles: what each may invoke (from the routes in http-api.ts)
 * and whom each trusts (from the rule in roles.ts). The CDK stack deploys these
 * documents and the local STS and gateway evaluate the same ones.
 */
import type { PhotoActions } from './handlers';
import { routesOf } from './http-api';
import { photoPrefix, photoUploadPrefix } from './photo-bucket';
import { type RoleName, trustedSubs } from './roles';

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

/** `arn:aws:execute-api:{region}:{account}:{apiId}`: the API whose methods the roles invoke. */
export function apiArn(region: string, account: string, apiId: string): string {
  return `arn:aws:execute-api:${region}:${account}:${apiId}`;
}

/**
 * The ARN pattern of a route's method in every stage. Path parameters become `*`:
 * IAM sees the request's real path (`…/PUT/pets/42`), never the template.
 */
export function methodArnPattern(apiArnPrefix: string, method: string, path: string): string {
  return `${apiArnPrefix}/*/${method}${path.replace(/\{[^}]+\}/g, '*')}`;
}

/** The role's identity policy: execute-api:Invoke on its routes, in every stage. */
export function rolePolicy(role: RoleName, apiArnPrefix: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: routesOf(role).map((r) => methodArnPattern(apiArnPrefix, r.method, r.path)),
      },
    ],
  };
}

/**
 * `https://tenant.auth0.com/` -> `tenant.auth0.com/`: how IAM names an OIDC provider
 * (its ARN) and its condition keys (`tenant.auth0.com/:aud`, `…/:sub`). IAM finds the
 * provider by the token's `iss` character for character, so the provider's URL is the
 * issuer exactly and only the scheme goes: Auth0 writes `iss` with a trailing slash,
 * which stays in the ARN and the keys.
 */
export function issuerKey(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '');
}

/** The IAM OIDC provider of an issuer in an account. */
export function oidcProviderArn(account: string, issuer: string): string {
  return `arn:aws:iam::${account}:oidc-provider/${issuerKey(issuer)}`;
}

/**
 * The role's trust policy for AssumeRoleWithWebIdentity: the token must come from
 * the Auth0 tenant's OIDC provider, be issued to the app (`aud`), and belong to one
 * of the named admins (admin role) or to a social user (buyer role). This is what
 * makes the server, not the browser, decide the role.
 *
 * @param providerArn arn:aws:iam::{account}:oidc-provider/{issuerKey}
 * @param issuerKey   see {@link issuerKey}: `tenant.auth0.com/` gives `tenant.auth0.com/:sub`
 * @param admins      the admins' `sub`s (roles.ts checkAdmins: at least one, database users)
 */
export function trustPolicy(
  role: RoleName,
  providerArn: string,
  issuerKey: string,
  audience: string,
  admins: readonly string[],
): PolicyDocument {
  const { equals, notLike } = trustedSubs(role, admins);
  const condition: Record<string, Record<string, string | string[]>> = {
    StringEquals: {
      [`${issuerKey}:aud`]: audience,
      ...(equals ? { [`${issuerKey}:sub`]: equals } : {}),
    },
  };
  if (notLike) condition['StringNotLike'] = { [`${issuerKey}:sub`]: notLike };
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

/** A Lambda execution role's name; in AWS the stack generates one per function. */
export function functionRoleName(functionName: string): string {
  return `secure-pets-${functionName}-role`;
}

/**
 * `arn:aws:secretsmanager:{region}:{account}:secret:{name}-??????`: a secret by name,
 * whatever the six random characters Secrets Manager appends to its ARN.
 */
export function secretArnPattern(region: string, account: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-??????`;
}

/**
 * A Lambda execution role's data-plane policy, as the stack grants it
 * (infra/lib/functions.ts): the function's table actions (`tableActions` in
 * api/handlers.ts) on the table and its indexes, and read access (CDK's `grantRead`:
 * GetSecretValue, DescribeSecret) to the secrets it reads.
 */
export function functionPolicy(
  tableActions: readonly string[],
  tableArn: string,
  secretArns: readonly string[],
  photos?: { actions: PhotoActions; bucketArn: string },
): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Effect: 'Allow', Action: [...tableActions], Resource: [tableArn, `${tableArn}/index/*`] },
  ];
  if (photos) statements.push(...photoStatements(photos.actions, photos.bucketArn));
  if (secretArns.length) {
    statements.push({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: [...secretArns],
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * A function's S3 actions on the photos bucket, each on its own key prefix only
 * (`arn:aws:s3:::{bucket}/uploads/*`, `…/photos/*`).
 */
export function photoStatements(actions: PhotoActions, bucketArn: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const [prefix, list] of [
    [photoUploadPrefix, actions.uploads],
    [photoPrefix, actions.photos],
  ] as const) {
    if (list?.length) {
      statements.push({ Effect: 'Allow', Action: [...list], Resource: `${bucketArn}/${prefix}*` });
    }
  }
  return statements;
}
