// Installs infra/'s packages (npm ci) unless they are already installed from the
// current lock file, so the root's synth, deploy, publish and test:infra stay fast
// on the second run.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInstalled, npmCi } from '../../scripts/package-folder.mjs';

const dir = join(fileURLToPath(import.meta.url), '..', '..');
if (!isInstalled(dir)) process.exit(npmCi(dir));
