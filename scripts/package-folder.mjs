// The project's own package folders (infra/, bench/) are installed
// with `npm ci` on first use, so the root's install stays lean. One test of whether a
// folder is installed from its current lock file, and one way to install it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : -1);

/**
 * Whether `dir`'s node_modules is installed from its current lock file: npm writes
 * node_modules/.package-lock.json last, so it being newer than package.json and
 * package-lock.json is npm's own test for an up-to-date tree.
 */
export function isInstalled(dir) {
  const installed = mtime(join(dir, 'node_modules', '.package-lock.json'));
  return (
    installed >= mtime(join(dir, 'package-lock.json')) &&
    installed >= mtime(join(dir, 'package.json'))
  );
}

/** `npm ci` in `dir`; its exit status (npm's errors go to stderr). */
export function npmCi(dir, { quiet = false } = {}) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['ci', '--no-audit', '--no-fund', ...(quiet ? ['--loglevel=error'] : [])],
    {
      cwd: dir,
      stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
      shell: process.platform === 'win32',
    },
  );
  return result.status ?? 1;
}
