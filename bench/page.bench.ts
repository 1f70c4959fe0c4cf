// `npm run bench -- page`: Lighthouse's performance figures for the store front `/`
// (signed out: a fresh browser has no session), the login page and a pet's page,
// mobile (Lighthouse's default emulation and simulated throttling) and desktop (its
// desktop preset), against the production build as local/site.ts serves it
// (compression, headers and the real /config.json): the local cloud runs on ports of
// its own with a throw-away data folder, seeded with its few pets on first start
// (local/seed-pets.ts), so `/pets/1` names one. Each page and form factor runs
// BENCH_RUNS times (5), interleaved, in a fresh headless Chromium; the table holds
// the medians and goes in the README as it is. The runs are kept in
// bench/results/page-<timestamp>.json. Lighthouse is bench/'s own package, installed
// on first use (bench/ensure-installed.mjs), so the root install stays lean.
//   npm run bench -- page
//   BENCH_ROOT=/path/to/other/checkout npm run bench -- page   (its build and its local/)
//   BENCH_RUNS=3 CHROME_PATH=/usr/bin/chromium npm run bench -- page
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { startCloudProcess, stopCloudProcess } from './cloud-process';

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
const site = `http://localhost:${ports.PETS_SITE_PORT}`;
const paths = ['/', '/login', '/pets/1'];
const formFactors = ['mobile', 'desktop'] as const;
type FormFactor = (typeof formFactors)[number];

// What Lighthouse's node API returns that this bench reads. Lighthouse is imported
// by a computed name so that `npm run lint` type-checks this file without bench/'s
// packages installed.
interface Audit {
  numericValue?: number;
}
interface Result {
  lighthouseVersion: string;
  finalDisplayedUrl: string;
  runtimeError?: { code: string; message: string };
  runWarnings: string[];
  environment: { hostUserAgent: string; benchmarkIndex: number };
  categories: { performance: { score: number | null } };
  audits: Record<string, Audit>;
}
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

const metrics = {
  score: { label: 'Performance', of: (r: Result) => (r.categories.performance.score ?? 0) * 100 },
  fcp: { label: 'FCP', of: (r: Result) => audit(r, 'first-contentful-paint') },
  lcp: { label: 'LCP', of: (r: Result) => audit(r, 'largest-contentful-paint') },
  tbt: { label: 'TBT', of: (r: Result) => audit(r, 'total-blocking-time') },
  cls: { label: 'CLS', of: (r: Result) => audit(r, 'cumulative-layout-shift') },
  speedIndex: { label: 'Speed Index', of: (r: Result) => audit(r, 'speed-index') },
  bytes: { label: 'Total byte weight', of: (r: Result) => audit(r, 'total-byte-weight') },
} as const;
type Metric = keyof typeof metrics;
type Figures = Record<Metric, number>;

function audit(result: Result, id: string): number {
  const value = result.audits[id]?.numericValue;
  if (value === undefined)
    throw new Error(`Lighthouse gave no ${id} for ${result.finalDisplayedUrl}`);
  return value;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const shown: Record<Metric, (v: number) => string> = {
  score: (v) => v.toFixed(0),
  fcp: seconds,
  lcp: seconds,
  tbt: (v) => `${v.toFixed(0)} ms`,
  cls: (v) => v.toFixed(3),
  speedIndex: seconds,
  bytes: (v) => `${(v / 1024).toFixed(1)} KiB`,
};
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

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

interface Run {
  path: string;
  formFactor: FormFactor;
  run: number;
  finalUrl: string;
  benchmarkIndex: number;
  warnings: string[];
  figures: Figures;
}

function table(medians: Map<string, Figures>): string {
  const keys = Object.keys(metrics) as Metric[];
  const head = `| page | device | ${keys.map((k) => metrics[k].label).join(' | ')} |`;
  const rule = `| --- | --- |${keys.map(() => ' ---: |').join('')}`;
  const lines = [...medians].map(([row, figures]) => {
    const [path, formFactor] = row.split(' ');
    return `| \`${path}\` | ${formFactor} | ${keys.map((k) => shown[k](figures[k])).join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

function spreadTable(all: Run[]): string {
  const keys: Metric[] = ['score', 'fcp', 'lcp', 'tbt', 'speedIndex'];
  const head = `| page | device | ${keys.map((k) => `${metrics[k].label} min–max`).join(' | ')} |`;
  const rule = `| --- | --- |${keys.map(() => ' ---: |').join('')}`;
  const lines = rows().map(([path, formFactor]) => {
    const these = all.filter((r) => r.path === path && r.formFactor === formFactor);
    const cells = keys.map((k) => {
      const xs = these.map((r) => r.figures[k]);
      return `${shown[k](Math.min(...xs))} – ${shown[k](Math.max(...xs))}`;
    });
    return `| \`${path}\` | ${formFactor} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...lines].join('\n');
}

function rows(): [string, FormFactor][] {
  return formFactors.flatMap((f) => paths.map((p): [string, FormFactor] => [p, f]));
}

// ---------------------------------------------------------------------------------

ensureBuild();
ensureLighthouse();
// Computed names: see the note on the interfaces above.
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
let environment: Result['environment'] | undefined;
let lighthouseVersion = '';
try {
  served = await servedFiles();
  for (const s of served) {
    console.log(
      `  ${s.path}: ${s.status}, ${s.bytesOnWire} bytes ${s.encoding}, Cache-Control: ${s.cacheControl || '-'}, CSP: ${s.csp ? 'yes' : 'none'}`,
    );
  }

  // One run thrown away, so that the first counted one does not pay for cold caches
  // on the server's side (disk, the local cloud's first requests).
  await once('/login', 'mobile');
  for (let run = 1; run <= runs; run++) {
    for (const [path, formFactor] of rows()) {
      const lhr = await once(path, formFactor);
      environment = lhr.environment;
      lighthouseVersion = lhr.lighthouseVersion;
      const figures = Object.fromEntries(
        Object.entries(metrics).map(([k, m]) => [k, m.of(lhr)]),
      ) as Figures;
      all.push({
        path,
        formFactor,
        run,
        finalUrl: lhr.finalDisplayedUrl,
        benchmarkIndex: lhr.environment.benchmarkIndex,
        warnings: lhr.runWarnings,
        figures,
      });
      console.log(
        `  run ${run}/${runs} ${formFactor} ${path} → ${lhr.finalDisplayedUrl.replace(site, '')}: ` +
          (Object.keys(metrics) as Metric[]).map((k) => `${k} ${shown[k](figures[k])}`).join(', '),
      );
    }
  }
} finally {
  await stopCloudProcess(cloud);
  rmSync(dataDir, { recursive: true, force: true });
}

const medians = new Map<string, Figures>();
for (const [path, formFactor] of rows()) {
  const these = all.filter((r) => r.path === path && r.formFactor === formFactor);
  medians.set(
    `${path} ${formFactor}`,
    Object.fromEntries(
      (Object.keys(metrics) as Metric[]).map((k) => [k, median(these.map((r) => r.figures[k]))]),
    ) as Figures,
  );
}
const markdown = table(medians);
const spread = spreadTable(all);
const warnings = [...new Set(all.flatMap((r) => r.warnings))];
console.log(`\nMedians of ${runs} Lighthouse ${lighthouseVersion} runs (${commit}):\n`);
console.log(markdown);
console.log(`\nSpread across the ${runs} runs:\n`);
console.log(spread);
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
  medians: Object.fromEntries(medians),
  markdown,
  spread,
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
