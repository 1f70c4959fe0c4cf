// `npm run bench -- page`: Lighthouse's performance figures for the store front `/`
// (signed out: a fresh browser has no session), the login page and a pet's page,
// mobile (Lighthouse's default emulation and simulated throttling) and desktop (its
// desktop preset), against the production build as local/site.ts serves it
// (compression, headers and the real /config.json): the local cloud runs on ports of
// its own with a throw-away data folder, seeded with its few pets on first start
// (local/seed-pets.ts), so `/pets/1` names one. Then a stocked store front: the same
// cloud's store topped up to 100 pets (scripts/seed.ts) and `/` measured with a full
// first page of rows and no photos, then each pet of that page (50) given a photo
// through the local cloud (store-front-photos.ts), checked in Chromium to show every
// photo (list-photo-check.ts), and `/` measured again. Each page and form factor runs
// BENCH_RUNS times (5), interleaved within its store, in a fresh headless Chromium;
// the table holds the medians and goes in the README as it is, and a second table
// says what explains them (images, main-thread time, the LCP element, shifts, failed
// audits; lighthouse-figures.ts). The runs are kept in
// bench/results/page-<timestamp>.json. Lighthouse is bench/'s own package, installed
// on first use (bench/ensure-installed.mjs), so the root install stays lean.
//   npm run bench -- page
//   BENCH_PAGES='/ with photos' npm run bench -- page   (only the pages named, comma-separated)
//   BENCH_ROOT=/path/to/other/checkout npm run bench -- page   (its build and its local/)
//   BENCH_RUNS=3 CHROME_PATH=/usr/bin/chromium npm run bench -- page
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { seedStore } from '../scripts/seed';
import { startCloudProcess, stopCloudProcess } from './cloud-process';
import { endpointsOf } from './http-caller';
import {
  explain,
  explainedTable,
  figuresOf,
  median,
  mediansOf,
  mediansTable,
  metrics,
  shown,
  spreadTable,
  type Metric,
  type Result,
  type Row,
  type Run,
} from './lighthouse-figures';
import { assertAllShown, listPhotos, type ListPhotos } from './list-photo-check';
import { firstPageSize, giveFirstPagePhotos, type PhotoStore } from './store-front-photos';

const here = import.meta.dirname;
/** The checkout whose production build and local cloud are measured. */
const appRoot = resolve(process.env['BENCH_ROOT'] ?? join(here, '..'));
const siteRoot = join(appRoot, 'dist/secure-pets/browser');
const runs = Number(process.env['BENCH_RUNS'] ?? 5);
const chromePath = process.env['CHROME_PATH'] ?? process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
const ports = {
  PETS_SITE_PORT: '4250',
  PETS_IDP_PORT: '4450',
  PETS_AWS_PORT: '4616',
  PETS_DYNAMODB_PORT: '4617',
};
const at = endpointsOf(ports);
const { site } = at;
const formFactors = ['mobile', 'desktop'] as const;
type FormFactor = (typeof formFactors)[number];

/** A page as Lighthouse loads it, and the name the table gives it. */
interface Page {
  path: string;
  name: string;
}
/** Measured against the local cloud's own seed: three pets, no photos. */
const seedPages: Page[] = ['/', '/login', '/pets/1'].map((path) => ({ path, name: `\`${path}\`` }));
/** Two pages' worth, so the store front has a next page, as a stocked store's does. */
const storePets = 2 * firstPageSize;
/**
 * Measured once the store holds `storePets` pets: first with no photos (what a page of
 * rows costs), then with a photo on each of the first page's pets.
 */
const storePages: Page[] = [{ path: '/', name: `\`/\` ${storePets} pets` }];
const photoPages: Page[] = [{ path: '/', name: '`/` with photos' }];
/** BENCH_PAGES: the pages to measure by name, backticks left out (`/ with photos`). */
const chosen = process.env['BENCH_PAGES']?.split(',').map((name) => name.trim());
const isChosen = (page: Page) => !chosen || chosen.includes(page.name.replaceAll('`', ''));

// Lighthouse and chrome-launcher are imported by computed names so that `npm run lint`
// type-checks this file without bench/'s packages installed.
type Lighthouse = (
  url: string,
  flags: Record<string, unknown>,
  config?: object,
) => Promise<{ lhr: Result } | undefined>;
interface LaunchedChrome {
  port: number;
  kill(): void;
}
type Launch = (options: { chromePath: string; chromeFlags: string[] }) => Promise<LaunchedChrome>;

function ensureBuild(): void {
  if (existsSync(join(siteRoot, 'index.html'))) return;
  console.log(`No production build in ${siteRoot}: running npx ng build there first.`);
  const built = spawnSync('npx', ['ng', 'build'], { cwd: appRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npx ng build failed');
}

function ensureLighthouse(): void {
  const installed = spawnSync(process.execPath, [join(here, 'ensure-installed.mjs')], {
    stdio: 'inherit',
  });
  if (installed.status !== 0) throw new Error("bench/'s packages did not install");
}

interface Served {
  path: string;
  status: number;
  encoding: string;
  bytesOnWire: number;
  cacheControl: string;
  csp: string;
}

/** One GET as a browser sends it (Accept-Encoding included), bytes counted as they arrive. */
function probe(path: string): Promise<Served> {
  return new Promise((done, fail) => {
    const req = request(
      `${site}${path}`,
      { headers: { 'Accept-Encoding': 'gzip, deflate, br, zstd' } },
      (res) => {
        let bytesOnWire = 0;
        res.on('data', (chunk: Buffer) => (bytesOnWire += chunk.length));
        res.on('end', () =>
          done({
            path,
            status: res.statusCode ?? 0,
            encoding: String(res.headers['content-encoding'] ?? 'identity'),
            bytesOnWire,
            cacheControl: String(res.headers['cache-control'] ?? ''),
            csp: String(res.headers['content-security-policy'] ?? ''),
          }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** index.html and the files it loads, as served. */
async function servedFiles(): Promise<Served[]> {
  const html = readFileSync(join(siteRoot, 'index.html'), 'utf8');
  const initial = [
    ...new Set([...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!)),
  ];
  return Promise.all(
    ['/login', '/config.json', ...initial.map((f) => (f.startsWith('/') ? f : `/${f}`))].map(probe),
  );
}

function git(...args: string[]): string {
  return spawnSync('git', args, { cwd: appRoot, encoding: 'utf8' }).stdout.trim();
}

type PageRow = Row & { path: string; formFactor: FormFactor };

function rowsOf(pages: Page[]): PageRow[] {
  return formFactors.flatMap((formFactor) =>
    pages.map((p) => ({ page: p.name, path: p.path, formFactor })),
  );
}

// ---------------------------------------------------------------------------------

ensureBuild();
ensureLighthouse();
// Computed names: see the note on the types above.
const lighthouseName = join(here, 'node_modules/lighthouse/core/index.js');
const desktopName = join(here, 'node_modules/lighthouse/core/config/desktop-config.js');
const launcherName = 'chrome-launcher';
const lighthouse = ((await import(lighthouseName)) as { default: Lighthouse }).default;
const desktopConfig = ((await import(desktopName)) as { default: object }).default;
const { launch } = (await import(launcherName)) as { launch: Launch };

async function once(path: string, formFactor: FormFactor): Promise<Result> {
  const chrome = await launch({
    chromePath,
    chromeFlags: ['--headless=new', '--no-sandbox'],
  });
  try {
    const result = await lighthouse(
      `${site}${path}`,
      { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
      formFactor === 'desktop' ? desktopConfig : undefined,
    );
    if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
    if (result.lhr.runtimeError) {
      throw new Error(
        `Lighthouse: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`,
      );
    }
    return result.lhr;
  } finally {
    chrome.kill();
  }
}

/**
 * BENCH_RUNS runs of each page and form factor, interleaved so that a change in the
 * machine's load spreads over all of them, after one run thrown away, so that the
 * first counted one does not pay for cold caches on the server's side (disk, the
 * local cloud's first requests, the photos' first reads).
 */
async function measure(rows: PageRow[]): Promise<Run[]> {
  const measured: Run[] = [];
  await once(rows[0]!.path, 'mobile');
  for (let run = 1; run <= runs; run++) {
    for (const { page, path, formFactor } of rows) {
      const lhr = await once(path, formFactor);
      environment = lhr.environment;
      lighthouseVersion = lhr.lighthouseVersion;
      const figures = figuresOf(lhr);
      measured.push({
        page,
        formFactor,
        run,
        finalUrl: lhr.finalDisplayedUrl,
        benchmarkIndex: lhr.environment.benchmarkIndex,
        warnings: lhr.runWarnings,
        figures,
        explained: explain(lhr),
      });
      console.log(
        `  run ${run}/${runs} ${formFactor} ${page} → ${lhr.finalDisplayedUrl.replace(site, '')}: ` +
          (Object.keys(metrics) as Metric[]).map((k) => `${k} ${shown[k](figures[k])}`).join(', '),
      );
    }
  }
  return measured;
}

/** Gives the first page photos, and checks on both screens that the store front shows them. */
async function photographStore(): Promise<{ store: PhotoStore; seen: ListPhotos[] }> {
  const store = await giveFirstPagePhotos(at);
  const kb = store.uploadBytes.map((b) => b / 1024);
  console.log(
    `  ${store.pets.length} photos uploaded and processed in ${store.seconds.toFixed(1)} s ` +
      `(JPEGs of ${Math.min(...kb).toFixed(0)}–${Math.max(...kb).toFixed(0)} KiB)`,
  );
  const seen: ListPhotos[] = [];
  for (const screen of formFactors) {
    const photos = await listPhotos(`${site}/`, chromePath, screen);
    console.log(`  ${screen}: ${JSON.stringify(photos)}`);
    assertAllShown(photos, firstPageSize);
    seen.push(photos);
  }
  return { store, seen };
}

const seedRows = rowsOf(seedPages.filter(isChosen));
const storeRows = rowsOf(storePages.filter(isChosen));
const photoRows = rowsOf(photoPages.filter(isChosen));
const rows = formFactors.flatMap((f) =>
  [...seedRows, ...storeRows, ...photoRows].filter((r) => r.formFactor === f),
);
const dataDir = mkdtempSync(join(tmpdir(), 'pets-page-bench-'));
const commit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' (with uncommitted changes)' : ''}`;
console.log(`Measuring ${siteRoot} at ${commit}, served by ${join(appRoot, 'local/site.ts')}.`);
const cloud = await startCloudProcess({
  root: appRoot,
  env: { ...ports, PETS_DATA_DIR: dataDir },
  site,
});
const all: Run[] = [];
let served: Served[] = [];
let photographed: Awaited<ReturnType<typeof photographStore>> | undefined;
let environment: Result['environment'] | undefined;
let lighthouseVersion = '';
try {
  served = await servedFiles();
  for (const s of served) {
    console.log(
      `  ${s.path}: ${s.status}, ${s.bytesOnWire} bytes ${s.encoding}, Cache-Control: ${s.cacheControl || '-'}, CSP: ${s.csp ? 'yes' : 'none'}`,
    );
  }
  if (seedRows.length) all.push(...(await measure(seedRows)));
  if (storeRows.length || photoRows.length) {
    await seedStore({ pets: storePets, endpoint: `http://127.0.0.1:${ports.PETS_DYNAMODB_PORT}` });
  }
  if (storeRows.length) all.push(...(await measure(storeRows)));
  if (photoRows.length) {
    photographed = await photographStore();
    all.push(...(await measure(photoRows)));
  }
} finally {
  await stopCloudProcess(cloud);
  rmSync(dataDir, { recursive: true, force: true });
}

const medians = mediansOf(rows, all);
const markdown = mediansTable(rows, medians);
const spread = spreadTable(rows, all);
const explained = explainedTable(rows, all);
const warnings = [...new Set(all.flatMap((r) => r.warnings))];
console.log(`\nMedians of ${runs} Lighthouse ${lighthouseVersion} runs (${commit}):\n`);
console.log(markdown);
console.log(`\nSpread across the ${runs} runs:\n`);
console.log(spread);
console.log(`\nWhat explains them (medians; each label with the runs that saw it):\n`);
console.log(explained);
if (warnings.length)
  console.log(`\nLighthouse warnings:\n${warnings.map((w) => `- ${w}`).join('\n')}`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = join(here, 'results', `page-${stamp}.json`);
mkdirSync(join(here, 'results'), { recursive: true });
const summary = {
  date: new Date().toISOString(),
  commit,
  siteRoot,
  lighthouseVersion,
  chrome: environment?.hostUserAgent,
  benchmarkIndex: median(all.map((r) => r.benchmarkIndex)),
  runs,
  served,
  photoStore: photographed && {
    pets: photographed.store.pets.length,
    seconds: photographed.store.seconds,
    uploadBytes: photographed.store.uploadBytes,
    listPhotos: photographed.seen,
  },
  medians: Object.fromEntries(rows.map((r, i) => [`${r.page} ${r.formFactor}`, medians[i]])),
  markdown,
  spread,
  explained,
  warnings,
  all,
};
writeFileSync(
  file,
  await format(JSON.stringify(summary), {
    ...(await resolveConfig(file)),
    filepath: file,
  }),
);
console.log(`\nWrote ${file}`);
