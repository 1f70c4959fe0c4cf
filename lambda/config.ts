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
  /** Decoded LEGACY_HS256_SECRET; absent means HS256 tokens are refused. */
  legacySecret?: Uint8Array;
  /** The JWS algorithms accepted: fixed here, never taken from a token's header. */
  algorithms: ('RS256' | 'HS256')[];
}

/** A deployment mistake: the handler answers 500 and logs which variable is wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
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
  if (!value) throw new ConfigError(`${name} is not set`);
  return value;
}

export const storeConfig = memo(['PETS_TABLE', 'PURCHASE_SNAPSHOT_TTL_MS'], (env) => {
  const ttl = Number(env['PURCHASE_SNAPSHOT_TTL_MS'] ?? 1000);
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new ConfigError('PURCHASE_SNAPSHOT_TTL_MS must be a non-negative number');
  }
  return { tableName: required(env, 'PETS_TABLE'), snapshotTtlMs: ttl } satisfies StoreConfig;
});

export const authConfig = memo(
  ['TOKEN_ISSUER', 'TOKEN_AUDIENCE', 'JWKS_URL', 'LEGACY_HS256_SECRET'],
  (env): AuthConfig => {
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(required(env, 'JWKS_URL'));
    } catch (err) {
      throw err instanceof ConfigError ? err : new ConfigError('JWKS_URL is not a URL');
    }
    const secret = env['LEGACY_HS256_SECRET']?.trim();
    const legacySecret = secret ? new Uint8Array(Buffer.from(secret, 'base64')) : undefined;
    // A short or mis-encoded secret would make HS256 tokens forgeable by brute force.
    if (legacySecret && legacySecret.length < 16) {
      throw new ConfigError('LEGACY_HS256_SECRET must be base64 of at least 16 bytes');
    }
    return {
      issuer: required(env, 'TOKEN_ISSUER'),
      audience: required(env, 'TOKEN_AUDIENCE'),
      jwksUrl,
      legacySecret,
      algorithms: legacySecret ? ['RS256', 'HS256'] : ['RS256'],
    };
  },
);
