// Starts the app's scripts after the first paint. The pages are prerendered, so their
// first paint needs only the HTML, the stylesheet and the page's loader; the bundle makes
// them interactive. Scripts the page fetches before that paint, even at low priority,
// compete with it on a slow link, and Lighthouse's simulation counts every request that
// ended before the largest paint as that paint's: on simulated mobile the store front's
// LCP took the bundle's download, 1.6–1.8 s instead of its first paint's time. So each
// built page's module scripts and modulepreloads go, as Angular wrote them, into a
// <template> (its content is inert: nothing in it is fetched or run) just before the
// page's loader, public/page-loader.js, which moves them into the page once it has
// painted. The loader is minified and named by its hash here, as Angular names its
// bundles: the sites cache such names for a year, so a page never meets a loader of
// another build. Angular's build has no option for any of it, hence this step after
// `ng build` (`ng serve` and `npm run watch` skip it: their pages load the scripts at
// once, and the loader finds no template to start).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { buildDir, builtPages } from './built-pages.mjs';

/** The loader as src/index.html names it, from public/. */
export const loaderSrc = '/page-loader.js';

const appScript =
  /<script\b[^>]*\btype="module"[^>]*><\/script>|<link\b[^>]*\brel="modulepreload"[^>]*>/gi;
const loaderTag = (src) => new RegExp(`<script src="${src.replace(/\./g, '\\.')}"></script>`);

/**
 * The page with its module scripts and modulepreloads in `<template id="app-scripts">`
 * in front of the loader's tag, which then names `hashedLoaderSrc`. A page without the
 * loader would never start the app: that throws.
 */
export function deferAppScripts(html, hashedLoaderSrc = loaderSrc) {
  if (!loaderTag(loaderSrc).test(html))
    throw new Error(`no <script src="${loaderSrc}"></script> to start the app`);
  const scripts = html.match(appScript) ?? [];
  const rest = html.replace(appScript, '');
  const template = scripts.length
    ? `<template id="app-scripts">${scripts.join('')}</template>`
    : '';
  return rest.replace(
    loaderTag(loaderSrc),
    `${template}<script src="${hashedLoaderSrc}"></script>`,
  );
}

/** The loader minified, and its name with the hash of that content, as Angular's build names files. */
export function minifiedLoader(source) {
  const code = transformSync(source, { minify: true }).code;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 8).toUpperCase();
  return { code, src: loaderSrc.replace(/\.js$/, `-${hash}.js`) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = buildDir;
  const built = join(dir, loaderSrc);
  if (!existsSync(built)) throw new Error(`${built} is not there: run ng build first`);
  const loader = minifiedLoader(readFileSync(built, 'utf8'));
  writeFileSync(built, loader.code);
  renameSync(built, join(dir, loader.src));
  const pages = builtPages(dir);
  for (const page of pages) {
    const file = join(dir, page);
    writeFileSync(file, deferAppScripts(readFileSync(file, 'utf8'), loader.src));
  }
  console.log(`app scripts: after the first paint in ${pages.length} pages, by ${loader.src}`);
}
