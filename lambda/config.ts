import { lambdaEnv } from '../api/handlers';
import { idTokenMaxAgeSeconds } from '../api/id-token';

/** What the handlers read from the environment (documented in lambda/README.md). */
export interface StoreConfig {
  tableName: string;
  /** How long a container reuses its catalogue snapshot in purchase responses. */
  snapshotTtlMs: number;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  jwksUrl: URL;
  /** The oldest token accepted, in seconds since its `iat`. */
  maxTokenAgeSeconds: number;
  /** Where the legacy HS256 secret is (auth/legacy-secret.ts); absent means HS256 tokens are refused. */
  legacySecret?: { secretId: string; jsonField?: string };
  /** The JWS algorithms accepted: fixed here, never taken from a token's header. */
  algorithms: ('RS256' | 'HS256')[];
}

/** A deployment mistake: the handler answers 500 and logs which variable is wrong. */
export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

type Env = Record<string, string | undefined>;

/**
 * Reads the environment on first use rather than at import, so tests and the local
 * cloud can set it first; parsed again only when the variables it reads changed.
 */
function memo<T>(names: string[], parse: (env: Env) => T): (env?: Env) => T {
  let cached: { key: string; value: T } | undefined;
  return (env = process.env) => {
    const key = names.map((n) => env[n] ?? '').join('\0');
    if (cached?.key !== key) cached = { key, value: parse(env) };
    return cached.value;
  };
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new EnvironmentError(`${name} is not set`);
  return value;
}

export const storeConfig = memo([lambdaEnv.table, lambdaEnv.snapshotTtlMs], (env) => {
  const ttl = Number(env[lambdaEnv.snapshotTtlMs] ?? 1000);
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new EnvironmentError(`${lambdaEnv.snapshotTtlMs} must be a non-negative number`);
  }
  return { tableName: required(env, lambdaEnv.table), snapshotTtlMs: ttl } satisfies StoreConfig;
});

export const authConfig = memo(
  [
    lambdaEnv.tokenIssuer,
    lambdaEnv.tokenAudience,
    lambdaEnv.jwksUrl,
    lambdaEnv.maxTokenAgeSeconds,
    lambdaEnv.legacySecretId,
    lambdaEnv.legacySecretJsonField,
  ],
  (env): AuthConfig => {
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(required(env, lambdaEnv.jwksUrl));
    } catch (err) {
      throw err instanceof EnvironmentError
        ? err
        : new EnvironmentError(`${lambdaEnv.jwksUrl} is not a URL`);
    }
    const rawAge = env[lambdaEnv.maxTokenAgeSeconds]?.trim() || String(idTokenMaxAgeSeconds);
    const maxTokenAgeSeconds = Number(rawAge);
    if (!/^\d+$/.test(rawAge) || maxTokenAgeSeconds < 1) {
      throw new EnvironmentError(`${lambdaEnv.maxTokenAgeSeconds} must be a positive integer`);
    }
    const secretId = env[lambdaEnv.legacySecretId]?.trim();
    const jsonField = env[lambdaEnv.legacySecretJsonField]?.trim() || undefined;
    return {
      issuer: required(env, lambdaEnv.tokenIssuer),
      audience: required(env, lambdaEnv.tokenAudience),
      jwksUrl,
      maxTokenAgeSeconds,
      legacySecret: secretId ? { secretId, jsonField } : undefined,
      algorithms: secretId ? ['RS256', 'HS256'] : ['RS256'],
    };
  },
);

/** Only the secret's name: its value is fetched (and cached) when a cursor is needed. */
export const cursorConfig = memo([lambdaEnv.cursorSecretId], (env) => ({
  secretId: required(env, lambdaEnv.cursorSecretId),
}));
