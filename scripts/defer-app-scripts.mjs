// Marks the app's scripts in the built pages `fetchpriority="low"`. The pages are
// prerendered, so their first paint needs only the HTML and the stylesheet; the
// bundle makes them interactive. Chrome fetches module scripts and modulepreloads
// at High priority, competing with the stylesheet on a slow link, and Lighthouse's
// simulation counts High-priority scripts as render-blocking (on simulated mobile
// that put /login's first paint at 1.6 s instead of 0.8 s). Low keeps them
// parallel (the modulepreloads stay) without delaying the paint. Angular's build
// has no option for it, hence this step after `ng build`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appScript = /<(script\b[^>]*\btype="module"[^>]*|link\b[^>]*\brel="modulepreload"[^>]*)>/gi;

/** The page with each module script and modulepreload fetched at low priority. */
export function lowerScriptPriority(html) {
  return html.replace(appScript, (tag, inner) =>
    /\bfetchpriority=/i.test(inner) ? tag : `<${inner} fetchpriority="low">`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist/secure-pets/browser';
  const pages = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.html'));
  for (const page of pages) {
    const file = join(dir, page);
    writeFileSync(file, lowerScriptPriority(readFileSync(file, 'utf8')));
  }
  console.log(`script priority: low in ${pages.length} pages`);
}
