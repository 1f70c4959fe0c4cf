// Checks the built pages against the Content-Security-Policy of api/csp.ts, which has
// no hashes or nonces: an inline script (import maps included), inline style, style or
// event-handler attribute, javascript: URL or <base> element in a page would be blocked
// in the browser, and a script or stylesheet must be a file of this origin, named by an
// absolute path (the prerendered pages live in folders: login/index.html). Angular can
// emit such things (critical-CSS inlining's onload handler, event replay's inline
// script, the styles of prerendered components, a <base href>), so the build fails here
// instead, naming what it found and the hash a policy would need to allow it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDir, builtPages } from './built-pages.mjs';

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
/** Script elements that are data, not code: the policy does not apply to them. */
const dataBlock = (type) => /^application\/(ld\+)?json$/i.test(type ?? '');
const attr = (attrs, name) =>
  new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
const value = (match) => match && (match[2] ?? match[3] ?? match[4]);
const sameOrigin = (url) => url.startsWith('/') && !url.startsWith('//');

/** What in one page the policy would block, as sentences. */
export function cspProblems(html) {
  const problems = [];
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const src = value(attr(attrs, 'src'));
    if (src === null && !dataBlock(value(attr(attrs, 'type'))))
      problems.push(`inline <script> (script-src would need ${sha256(body)})`);
    if (src !== null && !sameOrigin(src))
      problems.push(`<script src="${src}">: not an absolute path of this origin`);
  }
  for (const [, body] of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi))
    problems.push(`inline <style> (style-src would need ${sha256(body)})`);
  for (const [tag, attrs] of html.matchAll(/<link\b([^>]*)>/gi)) {
    const rel = (value(attr(attrs, 'rel')) ?? '').toLowerCase();
    const href = value(attr(attrs, 'href')) ?? '';
    if (/stylesheet|modulepreload|preload/.test(rel) && !sameOrigin(href))
      problems.push(`${tag}: not an absolute path of this origin`);
  }
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    const name = /^<([a-z0-9-]+)/i.exec(tag)[1].toLowerCase();
    if (name === 'base') problems.push(`<base> element (base-uri 'none' blocks it)`);
    for (const [handler] of tag.matchAll(/\son[a-z]+\s*=/gi))
      problems.push(`event-handler attribute${handler.replace(/\s*=$/, '')} in <${name}>`);
    if (attr(tag, 'style')) problems.push(`style attribute in <${name}>`);
    if (/\s(href|src|action|formaction)\s*=\s*["']?\s*javascript:/i.test(tag))
      problems.push(`javascript: URL in <${name}>`);
  }
  return problems;
}

/** Every .html file below the build folder, with what the policy would block in it. */
export function checkPages(dir) {
  return builtPages(dir).map((page) => ({
    page,
    problems: cspProblems(readFileSync(join(dir, page), 'utf8')),
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = buildDir;
  const results = checkPages(dir);
  const problems = results.flatMap(({ page, problems }) => problems.map((p) => `${page}: ${p}`));
  if (results.length === 0 || problems.length > 0) {
    console.error(
      results.length === 0
        ? `No pages in ${dir}.`
        : `Pages the Content-Security-Policy (api/csp.ts) would break:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(
    `csp: ${results.length} pages with no inline script, style or handler (${results.map((r) => r.page).join(', ')})`,
  );
}
