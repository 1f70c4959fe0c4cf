import { jwtDecode } from 'jwt-decode';
import { type RoleName, roleOf } from '../../../api/roles';

export type Role = RoleName;

export interface Profile {
  sub: string;
  email?: string;
  name?: string;
}

export interface Session {
  idToken: string;
  accessToken?: string;
  /** When the ID token expires, in ms since the epoch. */
  expiresAt: number;
  /**
   * When the app received the ID token, by this browser's clock (ms since the
   * epoch): how old the token is, as the Lambdas judge it by its `iat`, without
   * trusting this clock to agree with the issuer's.
   */
  receivedAt: number;
  profile: Profile;
  role: Role;
}

/** The session's entry in SESSION_STORAGE (the role credentials keep theirs beside it). */
export const SESSION_KEY = 'secure-pets.session';

interface IdTokenClaims {
  sub?: string;
  email?: string;
  name?: string;
  exp?: number;
  iat?: number;
}

/**
 * Builds a session from an ID token already verified by auth0-js; null when it is
 * unusable. `receivedAt` defaults to now: the token has just arrived.
 */
export function sessionFromTokens(
  idToken: string,
  accessToken?: string,
  receivedAt = Date.now(),
): Session | null {
  let claims: IdTokenClaims;
  try {
    claims = jwtDecode<IdTokenClaims>(idToken);
  } catch {
    return null;
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
  const profile: Profile = { sub: claims.sub };
  if (typeof claims.email === 'string') profile.email = claims.email;
  if (typeof claims.name === 'string' && claims.name !== claims.sub) profile.name = claims.name;
  return {
    idToken,
    accessToken,
    expiresAt: claims.exp * 1000,
    receivedAt,
    profile,
    // Only chooses the UI and the role to ask for: the role's trust policy decides.
    role: roleOf(claims.sub),
  };
}

export function readSession(storage: Storage, now = Date.now()): Session | null {
  const raw = storage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const stored = JSON.parse(raw) as {
      idToken?: unknown;
      accessToken?: unknown;
      receivedAt?: unknown;
    };
    if (typeof stored.idToken !== 'string') throw new Error('no token');
    // An entry without receivedAt (written before it was kept) counts from `iat`.
    const iat = jwtDecode<IdTokenClaims>(stored.idToken).iat;
    const session = sessionFromTokens(
      stored.idToken,
      typeof stored.accessToken === 'string' ? stored.accessToken : undefined,
      typeof stored.receivedAt === 'number' ? stored.receivedAt : (iat ?? 0) * 1000,
    );
    if (session && session.expiresAt > now) return session;
  } catch {
    // fall through: a damaged or expired entry is dropped
  }
  storage.removeItem(SESSION_KEY);
  return null;
}

/** Only the tokens and when they came are stored; profile and role are derived again on restore. */
export function writeSession(storage: Storage, session: Session): void {
  storage.setItem(
    SESSION_KEY,
    JSON.stringify({
      idToken: session.idToken,
      accessToken: session.accessToken,
      receivedAt: session.receivedAt,
    }),
  );
}

export function clearSession(storage: Storage): void {
  storage.removeItem(SESSION_KEY);
}

/** The name the UI greets the user with. */
export function displayName(profile: Profile): string {
  return profile.name ?? profile.email ?? profile.sub;
}
