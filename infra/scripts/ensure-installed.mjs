// Installs infra/'s packages (npm ci) unless they are already installed from the
// current lock file, so the root's synth, deploy, publish and test:infra stay fast
// on the second run. npm writes node_modules/.package-lock.json at the end of every
// install; it being newer than package.json and package-lock.json is npm's own test
// for an up-to-date tree.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(fileURLToPath(import.meta.url), '..', '..');
const mtime = (path) => {
  try {
    return statSync(join(dir, path)).mtimeMs;
  } catch {
    return -1;
  }
};
const installed = mtime('node_modules/.package-lock.json');
if (installed < mtime('package-lock.json') || installed < mtime('package.json')) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  process.exit(result.status ?? 1);
}
