// ID tokens for the tests: unsigned, since auth0-js, which checks signatures, is faked.
import { databaseSub } from '../../api/roles';

const b64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An unsigned JWT with the given claims. */
export function jwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.c2ln`;
}

export function idToken(
  sub = databaseSub('admin'),
  email = 'admin@example.com',
  lifetimeSeconds = 3600,
): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt({ sub, email, aud: 'pets-spa', iat: now, exp: now + lifetimeSeconds });
}
