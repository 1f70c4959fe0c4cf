import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPages, cspProblems } from './check-html-csp.mjs';

/** The CSP source that would allow an inline script or style. */
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** A page as `npm run build` writes it. */
const built = `<!DOCTYPE html><html lang="en"><head><title>Log in</title>
<link rel="icon" type="image/x-icon" href="/favicon.ico">
<link rel="stylesheet" href="/styles-V2VKEB47.css"></head><body>
<app-root ng-server-context="ssg"><main class="page"><button type="button">Log in</button></main></app-root>
<link rel="modulepreload" href="/chunk-FBNKRAO6.js"><script src="/main-KY47AOJP.js" type="module"></script>
<script type="application/json" id="ng-state">{}</script></body></html>`;

describe('the build check of the pages against the Content-Security-Policy', () => {
  it('passes a built page: files of this origin, JSON data blocks', () => {
    assert.deepEqual(cspProblems(built), []);
  });

  it('names what the policy would block, with the hash an inline script would need', () => {
    const problems = cspProblems(
      `<base href="/"><script>alert(1)</script><script type="importmap">{}</script>
      <script src="main.js" type="module"></script><style>p{}</style>
      <link rel="stylesheet" href="styles.css" media="print" onload="this.media='all'">
      <p style="color:red"><a href="javascript:void 0" onClick='x()'>x</a></p>`,
    );
    assert.deepEqual(problems, [
      `inline <script> (script-src would need ${hash('alert(1)')})`,
      `inline <script> (script-src would need ${hash('{}')})`,
      '<script src="main.js">: not an absolute path of this origin',
      `inline <style> (style-src would need ${hash('p{}')})`,
      `<link rel="stylesheet" href="styles.css" media="print" onload="this.media='all'">: not an absolute path of this origin`,
      "<base> element (base-uri 'none' blocks it)",
      'event-handler attribute onload in <link>',
      'style attribute in <p>',
      'event-handler attribute onClick in <a>',
      'javascript: URL in <a>',
    ]);
  });

  it('reads every page below the build folder, prerendered ones included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pets-csp-'));
    try {
      mkdirSync(join(dir, 'login'));
      writeFileSync(join(dir, 'index.html'), built);
      writeFileSync(
        join(dir, 'login', 'index.html'),
        built.replace('</body>', '<style></style></body>'),
      );
      writeFileSync(join(dir, 'main-KY47AOJP.js'), '<style>');
      assert.deepEqual(checkPages(dir), [
        { page: 'index.html', problems: [] },
        {
          page: join('login', 'index.html'),
          problems: [`inline <style> (style-src would need ${hash('')})`],
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
