import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A build folder shaped like Angular's output (names from a real `npm run build`):
 * hashed bundles, the prerendered pages, an unhashed asset and the local config.json
 * that publish overwrites. The caller removes it.
 */
export function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pets-build-'));
  const files: Record<string, string> = {
    'index.html': '<!doctype html><script src="/main-XGWSD47C.js" type="module"></script>',
    'index.csr.html': '<!doctype html><script src="/main-XGWSD47C.js" type="module"></script>',
    'login/index.html':
      '<!doctype html><main>Log in</main><script src="/main-XGWSD47C.js"></script>',
    'callback/index.html':
      '<!doctype html><main>Signing in</main><script src="/main-XGWSD47C.js"></script>',
    'main-XGWSD47C.js': 'import "./chunk-NRIY3DKZ.js";',
    'chunk-NRIY3DKZ.js': 'export const x = 1;',
    'styles-5INURTSO.css': 'body{margin:0}',
    'favicon.ico': '\u0000\u0000\u0001\u0000',
    'media/font-ABCD2345.woff2': 'wOF2',
    'config.json': '{"local":true}',
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}
