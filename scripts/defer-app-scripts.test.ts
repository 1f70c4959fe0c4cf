import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lowerScriptPriority } from './defer-app-scripts.mjs';

describe('the build step that lowers the app scripts’ fetch priority', () => {
  it('marks module scripts and modulepreloads low, and nothing else', () => {
    const page = `<link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.ico">
<link rel="modulepreload" href="/chunk-A.js"><script src="/main-B.js" type="module"></script>
<script type="application/json" id="ng-state">{}</script>`;
    assert.equal(
      lowerScriptPriority(page),
      `<link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.ico">
<link rel="modulepreload" href="/chunk-A.js" fetchpriority="low"><script src="/main-B.js" type="module" fetchpriority="low"></script>
<script type="application/json" id="ng-state">{}</script>`,
    );
  });

  it('leaves a priority already chosen, so running it twice changes nothing', () => {
    const once = lowerScriptPriority('<script src="/main.js" type="module"></script>');
    assert.equal(lowerScriptPriority(once), once);
    assert.equal(
      lowerScriptPriority('<script src="/m.js" type="module" fetchpriority="high"></script>'),
      '<script src="/m.js" type="module" fetchpriority="high"></script>',
    );
  });
});
