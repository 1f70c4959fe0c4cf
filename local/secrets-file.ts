import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The Secrets Manager secret whose value signs paging cursors; in AWS the stack creates it. */
export const cursorSecretName = 'secure-pets/cursor-key';

/**
 * The local secrets, kept in `{dataDir}/secrets.json` (mode 0600) so that they
 * survive a restart: a cursor handed out before a restart must still verify after
 * it. The cursor key is 32 random bytes, base64, made once.
 */
export async function loadSecrets(dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'secrets.json');
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is unreadable (npm run reset starts afresh)`, { cause: error });
    }
  }
  if (typeof stored[cursorSecretName] === 'string' && stored[cursorSecretName] !== '') {
    return stored;
  }
  stored = { ...stored, [cursorSecretName]: randomBytes(32).toString('base64') };
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return stored;
}
