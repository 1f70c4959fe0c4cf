import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * The IdP's RS256 signing key, generated on first start and kept in `dataDir` so that
 * ID tokens issued before a restart still verify after it (the app and the Lambdas
 * cache the JWKS).
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<JWK> {
  const file = join(dataDir, 'jwks.json');
  const stored = await readJson<{ keys: JWK[] }>(file);
  const key = stored?.keys[0];
  if (key) return key;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const created: JWK = {
    ...jwk,
    kid: randomBytes(12).toString('base64url'),
    alg: 'RS256',
    use: 'sig',
  };
  await writeSecret(file, { keys: [created] });
  return created;
}

/** Keys that sign oidc-provider's cookies; kept so sessions survive a restart. */
export async function loadOrCreateCookieKeys(dataDir: string): Promise<string[]> {
  const file = join(dataDir, 'cookie-keys.json');
  const stored = await readJson<string[]>(file);
  if (stored?.length) return stored;
  const keys = [randomBytes(32).toString('base64url')];
  await writeSecret(file, keys);
  return keys;
}

/** The public half of a JWK: what a JWKS may publish. */
export function publicJwk(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Private material: readable by the owner only. Written to a temporary file and
 * renamed over the old one, so a crash mid-write never leaves half a file.
 */
export async function writeSecret(file: string, value: unknown): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
