/**
 * Who is an admin and who is a buyer. The Auth0 connection a user signed in with is
 * in their `sub`: the database connection's users are `auth0|…`, every social
 * connection's are `<provider>|…` (`amazon|…`, `google-oauth2|…`). The app reads the
 * rule to pick its UI and the role to ask for; the roles' trust policies
 * (policies.ts) and the local IdP's delegation enforce it on the server.
 *
 * Being a database user is not enough to be an admin: a database connection takes
 * public sign-ups unless they are disabled, so the admin role trusts a named list of
 * database users (their `sub`s), fixed at deploy time. A database user off the list
 * gets no role at all.
 */

export type RoleName = 'admin' | 'buyer';
export type Connection = 'database' | 'social';

/** The `sub` prefix of the Auth0 database connection's users. */
const databaseSubPrefix = 'auth0|';

export interface RoleDefinition {
  /**
   * IAM role name in the local cloud; the ARN is arn:aws:iam::{account}:role/{roleName}.
   * A deployed stack names its roles after itself (infra/lib/parameters.ts
   * `roleNameFor`), and the app takes the ARNs from config.json either way.
   */
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

/** An admin list that cannot be deployed: empty, or naming someone who is not a database user. */
export class AdminListError extends Error {
  override readonly name = 'AdminListError';
}

// A database user's `sub`: the prefix, then an id with no space, comma or IAM
// wildcard (`*`, `?`), so the list reads the same in a comma-separated setting and
// in a policy, and a pattern can never slip in where an exact match is meant.
const adminSub = /^auth0\|[^\s,*?]{1,256}$/;

/**
 * Checks a list of admins' `sub`s and returns it without duplicates. Empty is an
 * error, not a role nobody can assume: a store deployed without admins could not
 * be run, and the mistake would only show when the first admin is refused.
 */
export function checkAdmins(admins: readonly string[]): string[] {
  if (admins.length === 0) {
    throw new AdminListError(
      'Name at least one admin: the Auth0 user id (sub) of a database user, e.g. auth0|65f0c0ffee0123456789abcd.',
    );
  }
  for (const sub of admins) {
    if (!adminSub.test(sub)) {
      throw new AdminListError(
        `Admins must be Auth0 database users' ids (auth0|…, no spaces, commas or wildcards), got ${JSON.stringify(sub)}.`,
      );
    }
  }
  return [...new Set(admins)];
}

/** A comma-separated list of admins' `sub`s (a deploy setting), checked. */
export function parseAdmins(value: string): string[] {
  return checkAdmins(
    value
      .split(',')
      .map((sub) => sub.trim())
      .filter((sub) => sub !== ''),
  );
}

/**
 * The `sub`s a role's trust policy admits: exactly the listed admins (IAM
 * StringEquals) for the admin role; anyone but a database user (StringNotLike) for
 * the buyer role.
 */
export function trustedSubs(
  role: RoleName,
  admins: readonly string[],
): { equals?: string[]; notLike?: string[] } {
  return roles[role].connection === 'database'
    ? { equals: checkAdmins(admins) }
    : { notLike: [`${databaseSubPrefix}*`] };
}

/**
 * The role the server gives a user, the rule the trust policies keep (delegation
 * applies it directly): a listed admin gets admin, a social user buyer, and a
 * database user who is not on the list nothing.
 */
export function grantedRole(sub: string, admins: readonly string[]): RoleName | undefined {
  const role = roleOf(sub);
  return role === 'admin' && !admins.includes(sub) ? undefined : role;
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
