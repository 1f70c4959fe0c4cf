// Installs bench/'s packages (npm ci: Lighthouse and chrome-launcher, about 185 MB)
// unless they are already installed from the current lock file, so they stay out of
// the root install and `npm run bench -- page` is fast from the second run on. As in
// infra/scripts/ensure-installed.mjs, npm writes node_modules/.package-lock.json at
// the end of every install; it being newer than package.json and package-lock.json
// is npm's own test for an up-to-date tree. package.json pins third-party-web with an
// override because Lighthouse's trace engine asks for it as `latest`, which npm ci
// then refuses to match against the lock file.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const mtime = (path) => {
  try {
    return statSync(join(dir, path)).mtimeMs;
  } catch {
    return -1;
  }
};
const installed = mtime('node_modules/.package-lock.json');
if (installed < mtime('package-lock.json') || installed < mtime('package.json')) {
  console.log('Installing bench/ packages (Lighthouse) on first use…');
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status === 0)
    console.log(`Installed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  process.exit(result.status ?? 1);
}
