// Installs bench/'s packages (npm ci: Lighthouse and chrome-launcher, about 185 MB)
// unless they are already installed from the current lock file, so they stay out of
// the root install and `npm run bench -- page` is fast from the second run on
// (scripts/package-folder.mjs). package.json pins third-party-web with an
// override because Lighthouse's trace engine asks for it as `latest`, which npm ci
// then refuses to match against the lock file.
import { isInstalled, npmCi } from '../scripts/package-folder.mjs';

const dir = import.meta.dirname;
if (!isInstalled(dir)) {
  console.log('Installing bench/ packages (Lighthouse) on first use…');
  const started = Date.now();
  const status = npmCi(dir);
  if (status === 0) console.log(`Installed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  process.exit(status);
}
