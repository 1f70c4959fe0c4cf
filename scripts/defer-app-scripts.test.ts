import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deferAppScripts, minifiedLoader } from './defer-app-scripts.mjs';

describe('the build step that starts the app’s scripts after the first paint', () => {
  it('moves module scripts and modulepreloads into a template before the loader, and nothing else', () => {
    const page = `<head><script src="/page-loader.js"></script><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.ico"></head>
<body><app-root></app-root><link rel="modulepreload" href="/chunk-A.js"><script src="/main-B.js" type="module"></script>
<script type="application/json" id="ng-state">{}</script><link rel="modulepreload" href="/chunk-C.js"></body>`;
    assert.equal(
      deferAppScripts(page, '/page-loader-0123ABCD.js'),
      `<head><template id="app-scripts"><link rel="modulepreload" href="/chunk-A.js"><script src="/main-B.js" type="module"></script><link rel="modulepreload" href="/chunk-C.js"></template><script src="/page-loader-0123ABCD.js"></script><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.ico"></head>
<body><app-root></app-root>
<script type="application/json" id="ng-state">{}</script></body>`,
    );
  });

  it('refuses a page without the loader, which would never start the app', () => {
    assert.throws(
      () => deferAppScripts('<head></head><body><script src="/main.js" type="module"></script>'),
      /no <script src="\/page-loader\.js"><\/script>/,
    );
  });

  it('minifies the loader and names it by the hash of what it ships', () => {
    const source = readFileSync(join(import.meta.dirname, '../public/page-loader.js'), 'utf8');
    const loader = minifiedLoader(source);
    assert.match(loader.src, /^\/page-loader-[0-9A-F]{8}\.js$/);
    assert.ok(loader.code.length < source.length / 2, 'comments and names are gone');
    assert.equal(minifiedLoader(source).src, loader.src);
    assert.notEqual(minifiedLoader(`${source}\nlocation.reload();`).src, loader.src);
  });
});
