import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type FlattenedJWSInput,
} from 'jose';
import type { AuthConfig } from '../config';
import { UnauthorizedError } from '../http/errors';
import { legacySecret } from './legacy-secret';

export interface Buyer {
  email: string;
  sub?: string;
}

// One key set per JWKS URL per container: jose caches the keys, refetches on an
// unknown `kid` (rate-limited by its cooldown), so a key rotation needs no redeploy.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySet(url: URL): ReturnType<typeof createRemoteJWKSet> {
  let set = keySets.get(url.href);
  if (!set) {
    set = createRemoteJWKSet(url, { timeoutDuration: 3000 });
    keySets.set(url.href, set);
  }
  return set;
}

const MAX_TOKEN_LENGTH = 16 * 1024;
// Deliberately loose: the issuer vouches for the address; this only refuses junk.
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Verifies an ID token: signature (RS256 by the issuer's JWKS; HS256 by the legacy
 * secret only if one is configured), issuer, audience, expiry, age (`iat` at most
 * MAX_TOKEN_AGE_SECONDS ago), and an email the issuer says it verified. The purchase
 * and POST /pets/mine take the buyer from here.
 * The accepted algorithms come from configuration: jose refuses any other `alg`
 * (including `none`) before it looks for a key, so an HS256 token signed with the
 * RS256 public key never meets that key.
 */
export async function verifyAuthToken(token: unknown, auth: AuthConfig): Promise<Buyer> {
  if (typeof token !== 'string' || token.length === 0) {
    throw new UnauthorizedError('authToken is required.', 'missing');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new UnauthorizedError('authToken is not a valid ID token.', 'too long');
  }
  const jwks = keySet(auth.jwksUrl);
  const { legacySecret: legacy } = auth;
  const key = (header: JWTHeaderParameters, input: FlattenedJWSInput) => {
    if (header.alg === 'HS256' && legacy) return legacySecret(legacy);
    return jwks(header, input);
  };
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: auth.algorithms,
      issuer: auth.issuer,
      audience: auth.audience,
      requiredClaims: ['exp', 'iat'],
      // A leaked token buys in its owner's name only until it is this old; the app
      // renews its own before then. jose checks `iat` against it (and refuses a
      // token issued in the future).
      maxTokenAge: auth.maxTokenAgeSeconds,
      clockTolerance: 30,
    });
    const email = payload['email'];
    if (typeof email !== 'string' || !EMAIL.test(email) || email.length > 254) {
      throw new UnauthorizedError('authToken carries no email.', 'no email claim');
    }
    // The email is who the buyer is: it is recorded with a sale and it opens POST
    // /pets/mine. One the issuer has not vouched for could be anyone's (a database
    // connection with open sign-ups takes any address), so only `email_verified: true`
    // passes: false, a string, or no claim at all is refused.
    if (payload['email_verified'] !== true) {
      throw new UnauthorizedError(
        'authToken carries an unverified email.',
        payload['email_verified'] === undefined ? 'no email_verified claim' : 'email not verified',
      );
    }
    return { email, sub: typeof payload.sub === 'string' ? payload.sub : undefined };
  } catch (err) {
    if (err instanceof UnauthorizedError) throw err;
    if (err instanceof errors.JWTExpired) {
      // jose reports a token past maxTokenAge as expired too, naming the `iat` claim.
      if (err.claim === 'iat') {
        throw new UnauthorizedError(
          `authToken is older than ${auth.maxTokenAgeSeconds} seconds. Sign in again for a fresh one.`,
          `${err.code}: too old`,
        );
      }
      throw new UnauthorizedError('authToken has expired.', err.code);
    }
    // The issuer being unreachable is our outage, not the caller's fault: 500.
    if (err instanceof errors.JWKSTimeout) throw err;
    if (err instanceof errors.JOSEError) {
      throw new UnauthorizedError(
        'authToken is not a valid ID token.',
        `${err.code}: ${err.message}`,
      );
    }
    throw err;
  }
}
