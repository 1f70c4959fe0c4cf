/**
 * Who is an admin and who is a buyer. The Auth0 connection a user signed in with is
 * in their `sub`: the database connection's users are `auth0|…`, every social
 * connection's are `<provider>|…` (`amazon|…`, `google-oauth2|…`). The app reads the
 * rule to pick its UI and the role to ask for; the roles' trust policies
 * (policies.ts) and the local IdP's delegation enforce it on the server.
 */

export type RoleName = 'admin' | 'buyer';
export type Connection = 'database' | 'social';

/** The `sub` prefix of the Auth0 database connection's users. */
const databaseSubPrefix = 'auth0|';

export interface RoleDefinition {
  /** IAM role name; the ARN is arn:aws:iam::{account}:role/{roleName}. */
  roleName: string;
  /** The connection whose users this role trusts (and delegation gives it to). */
  connection: Connection;
}

export const roles: Record<RoleName, RoleDefinition> = {
  admin: { roleName: 'pets-admin', connection: 'database' },
  buyer: { roleName: 'pets-buyer', connection: 'social' },
};

export const roleNames = Object.keys(roles) as RoleName[];

export function connectionOf(sub: string): Connection {
  return sub.startsWith(databaseSubPrefix) ? 'database' : 'social';
}

/** The role a user gets: the one of their connection. */
export function roleOf(sub: string): RoleName {
  const connection = connectionOf(sub);
  const role = roleNames.find((r) => roles[r].connection === connection);
  if (!role) throw new Error(`No role for the ${connection} connection`);
  return role;
}

/** The `sub` of a database-connection user, from the user's id. */
export function databaseSub(userId: string): string {
  return `${databaseSubPrefix}${userId}`;
}

/** The user id inside a database-connection `sub`, or undefined for any other `sub`. */
export function databaseUserId(sub: string): string | undefined {
  return sub.startsWith(databaseSubPrefix) ? sub.slice(databaseSubPrefix.length) : undefined;
}

/**
 * The `sub` patterns (IAM StringLike syntax) that a role's trust policy admits
 * (`like`) or refuses (`notLike`).
 */
export function trustedSubs(role: RoleName): { like?: string[]; notLike?: string[] } {
  const pattern = `${databaseSubPrefix}*`;
  return roles[role].connection === 'database' ? { like: [pattern] } : { notLike: [pattern] };
}

export function roleArn(role: RoleName, account: string): string {
  return `arn:aws:iam::${account}:role/${roles[role].roleName}`;
}

/**
 * Each role's MaxSessionDuration, in seconds: the longest STS credentials for it may
 * last. One hour, IAM's default, so credentials never outlive the ID token that bought
 * them by long. The CDK roles set it, the local STS refuses a longer DurationSeconds,
 * and the app asks for at most it (api/credentials.ts `appSessionDuration`).
 */
export const maxSessionDuration: Record<RoleName, number> = { admin: 3600, buyer: 3600 };
