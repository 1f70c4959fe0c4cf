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
 * Parses the environment once, on first use rather than at import, so a missing or
 * malformed variable is a 500 with the reason in the log instead of a crash at cold
 * start. A container's environment never changes, so neither does the result; a
 * parse that failed is tried again on the next call.
 */
function once<T>(parse: (env: Env) => T): () => T {
  let parsed: { value: T } | undefined;
  return () => (parsed ??= { value: parse(process.env) }).value;
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new EnvironmentError(`${name} is not set`);
  return value;
}

export const storeConfig = once((env) => {
  const ttl = Number(env[lambdaEnv.snapshotTtlMs] ?? 1000);
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new EnvironmentError(`${lambdaEnv.snapshotTtlMs} must be a non-negative number`);
  }
  return { tableName: required(env, lambdaEnv.table), snapshotTtlMs: ttl } satisfies StoreConfig;
});

export const authConfig = once((env): AuthConfig => {
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
});

/** Only the secret's name: its value is fetched (and cached) when a cursor is needed. */
export const cursorConfig = once((env) => ({
  secretId: required(env, lambdaEnv.cursorSecretId),
}));

/** The photos bucket. */
export const photosConfig = once((env) => ({ bucket: required(env, lambdaEnv.photosBucket) }));
