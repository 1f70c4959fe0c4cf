// `npm run bench -- scale`: what a click costs at 1,000, 100,000 and 1,000,000 pets, in
// Chromium against the local cloud (production build). For each size the bench tops a
// store of its own up to that size (`npm run seed`'s seedStore, through the Lambdas'
// data model; kept in .local-cloud-bench/ so the next run starts where this one
// ended), starts the local cloud on ports of its own, and drives the app as people do.
// Not a test: it prints the table and the ratios; the targets are beside them.
//   BENCH_SIZES=1000,100000 npm run bench -- scale
//   BENCH_DATA_DIR=/tmp/fresh BENCH_SIZES=1000 npm run bench -- scale   (a store of its own)
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { startCloudProcess, stopCloudProcess } from './cloud-process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { seedStore } from '../scripts/seed';
import { startDynamoDB } from '../local/dynamodb';

const root = join(import.meta.dirname, '..');
const sizes = (process.env['BENCH_SIZES'] ?? '1000,100000,1000000').split(',').map(Number);
const dataDir = process.env['BENCH_DATA_DIR'] ?? join(root, '.local-cloud-bench');
const ports = {
  PETS_SITE_PORT: '4230',
  PETS_IDP_PORT: '4430',
  PETS_AWS_PORT: '4596',
  PETS_DYNAMODB_PORT: '4597',
};
const site = `http://localhost:${ports.PETS_SITE_PORT}`;
const runs = { signIn: 5, buys: 20, edits: 10, pages: 10 };
/**
 * Views whose page 2 the bench opens first, each new to the page: a control, its new
 * option, the query it asks for.
 */
const firstViews = [
  ['Sort by', 'Price: low to high', 'sort=price'],
  ['Sort by', 'Price: high to low', 'sort=-price'],
  ['Sort by', 'Oldest first', 'sort=id'],
  ['Show', 'For sale', 'status=available'],
  ['Sort by', 'Price: low to high', 'sort=price'],
  ['Sort by', 'Price: high to low', 'sort=-price'],
  ['Sort by', 'Newest first', 'sort=-id'],
  ['Show', 'Sold', 'status=sold'],
  ['Sort by', 'Price: low to high', 'sort=price'],
  ['Sort by', 'Oldest first', 'sort=id'],
] as const;

interface Figures {
  signInMs: number;
  buyMs: number;
  addMs: number;
  removeMs: number;
  nextPageMs: number;
  firstNextMs: number;
  largestAnswerBytes: number;
  mostRows: number;
  heapMB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(action: () => Promise<unknown>, done: () => Promise<unknown>) {
  const started = performance.now();
  await action();
  await done();
  return performance.now() - started;
}

/** An element the page shows once a click's work is done: its text, whole or in part. */
interface Shown {
  selector: string;
  text: string;
  exact?: boolean;
}

/**
 * What a user waits for after a click on this page: from the click (its event, in the
 * page's clock) to the first animation frame that shows `shown`. Playwright's own
 * waits poll at growing intervals (0, 20, 50, 100 ms…), which adds up to 100 ms at
 * random to a figure of about that size and decides ratios between two stores.
 */
async function clickToShown(page: Page, click: () => Promise<unknown>, shown: Shown) {
  // A string: tsx names the functions it compiles with a helper the page lacks.
  await page.evaluate(`
    window.benchShown = new Promise((resolve) => {
      const shown = ${JSON.stringify(shown)};
      let clicked;
      addEventListener('click', () => (clicked ??= performance.now()), { capture: true, once: true });
      const frame = () => {
        const found = Array.from(document.querySelectorAll(shown.selector)).some((e) => {
          const text = e.textContent.trim();
          return shown.exact ? text === shown.text : text.includes(shown.text);
        });
        if (clicked !== undefined && found) resolve(performance.now() - clicked);
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    undefined; // not the promise, which evaluate would wait for
  `);
  await click();
  return page.evaluate<number>('window.benchShown');
}

/** `Next page` clicked, until page `n` is shown. */
function nextPageTo(page: Page, n: number): Promise<number> {
  return clickToShown(page, () => page.getByRole('button', { name: 'Next page' }).click(), {
    selector: '.page-number',
    text: `Page ${n}`,
    exact: true,
  });
}

async function seedTo(pets: number): Promise<void> {
  const server = await startDynamoDB({ path: join(dataDir, 'dynamodb'), port: 0 });
  const started = Date.now();
  try {
    const { before, written } = await seedStore({ pets, endpoint: server.endpoint });
    // A store is only ever topped up: one left by a larger size would be measured
    // under this size's name. (1 % for what a run's adds and removals may leave.)
    if (before > pets * 1.01) {
      throw new Error(
        `${dataDir} holds ${before.toLocaleString('en-US')} pets, more than ${pets.toLocaleString('en-US')}: ` +
          'measure the sizes in increasing order, or give BENCH_DATA_DIR a fresh folder.',
      );
    }
    if (written)
      console.log(`  seeded ${written} pets in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await server.close();
  }
}

/** Largest GET /pets (or any API) answer the page received, decoded. */
function watchAnswers(page: Page): () => number {
  let largest = 0;
  page.on('response', (response) => {
    if (!response.url().includes(`:${ports.PETS_AWS_PORT}/`)) return;
    response.body().then(
      (body) => (largest = Math.max(largest, body.length)),
      () => undefined,
    );
  });
  return () => largest;
}

async function signIn(page: Page, who: 'admin' | string): Promise<void> {
  await page.goto(`${site}/`);
  await page.getByRole('button', { name: 'Log in' }).click();
  if (who === 'admin') {
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('Pets-admin-1');
    await page.getByRole('button', { name: 'Log in' }).click();
  } else {
    await page.getByRole('button', { name: 'Continue with Amazon' }).click();
    await page.getByLabel('Email').fill(who);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('listitem').first().waitFor();
}

/** Sign-in (the IdP's form submitted) until the first page of pets is on screen, cold cache. */
async function signInTimes(browser: Browser, size: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs.signIn; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site}/`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Continue with Amazon' }).click();
    await page.getByLabel('Email').fill(`bench-${size}-${i}-${Date.now()}@example.com`);
    times.push(
      await timed(
        () => page.getByRole('button', { name: 'Sign in' }).click(),
        () => page.getByRole('listitem').first().waitFor(),
      ),
    );
    await context.close();
  }
  return times;
}

async function measure(browser: Browser, size: number): Promise<Figures> {
  const signInMs = median(await signInTimes(browser, size));

  const buyer = await (await browser.newContext()).newPage();
  const largest = watchAnswers(buyer);
  await signIn(buyer, `bench-buyer-${size}-${Date.now()}@example.com`);
  await buyer.getByLabel('Show', { exact: true }).selectOption({ label: 'For sale' });
  await buyer.getByRole('button', { name: /^Buy/ }).first().waitFor();
  const buys: number[] = [];
  for (let i = 0; i < runs.buys; i++) {
    const button = buyer.getByRole('button', { name: /^Buy/ }).first();
    const what = (await button.getAttribute('aria-label'))!.replace(/^Buy /, '');
    buys.push(
      await clickToShown(buyer, () => button.click(), {
        selector: '[role=status]',
        text: `You bought the ${what}`,
      }),
    );
  }

  // Ten pages forward, then the page's rows and heap.
  // Page 1 of All must have arrived: a Next page click while it loads is ignored.
  await Promise.all([
    buyer.waitForResponse((r) => /\/pets\?/.test(r.url()) && !r.url().includes('status=')),
    buyer.getByLabel('Show', { exact: true }).selectOption({ label: 'All' }),
  ]);
  const pages: number[] = [];
  let mostRows = 0;
  for (let n = 2; n <= runs.pages + 1; n++) {
    pages.push(await nextPageTo(buyer, n));
    await buyer.getByText(`Page ${n}`, { exact: true }).waitFor();
    mostRows = Math.max(mostRows, await buyer.getByRole('listitem').count());
  }
  const cdp = await buyer.context().newCDPSession(buyer);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };

  // A first Next page: page 2 of a view not seen yet, so nothing was read ahead (but
  // what the pointer's arrival on the button starts) and the CDN misses: the origin's
  // page read shows whole. Each view differs from the one before by one control.
  const firsts: number[] = [];
  for (const [control, option, query] of firstViews) {
    await Promise.all([
      buyer.waitForResponse((r) => r.url().includes(query) && !r.url().includes('cursor=')),
      buyer.getByLabel(control, { exact: true }).selectOption({ label: option }),
    ]);
    await buyer.locator('section[aria-busy="true"]').waitFor({ state: 'detached' });
    firsts.push(await nextPageTo(buyer, 2));
  }

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin');
  const adds: number[] = [];
  const removes: number[] = [];
  for (let i = 0; i < runs.edits; i++) {
    const type = `bench${size}x${i}${Date.now() % 100000}`;
    await admin.getByRole('button', { name: 'Add pet' }).click();
    await admin.getByLabel('Type', { exact: true }).fill(type);
    await admin.getByLabel('Price', { exact: true }).fill('12.34');
    adds.push(
      await clickToShown(admin, () => admin.getByRole('button', { name: 'Save' }).click(), {
        selector: 'li',
        text: type,
      }),
    );
    removes.push(
      await clickToShown(
        admin,
        () => admin.getByRole('button', { name: `Remove ${type} for $12.34` }).click(),
        { selector: '[role=status]', text: `Removed the ${type}` },
      ),
    );
    // The page is loaded again after a removal: the next Add pet waits for it.
    await admin.locator('section[aria-busy="true"]').waitFor({ state: 'detached' });
  }
  await buyer.context().close();
  await admin.context().close();
  return {
    signInMs,
    buyMs: median(buys),
    addMs: median(adds),
    removeMs: median(removes),
    nextPageMs: median(pages),
    firstNextMs: median(firsts),
    largestAnswerBytes: largest(),
    mostRows,
    heapMB: usedSize / 1024 / 1024,
  };
}

const rows: [keyof Figures, string, string, (v: number) => string][] = [
  [
    'signInMs',
    `sign-in → first page shown (median of ${runs.signIn})`,
    '≤ 1000 ms',
    (v) => `${v.toFixed(0)} ms`,
  ],
  ['buyMs', `Buy → confirmation, p50 of ${runs.buys}`, '≤ 300 ms', (v) => `${v.toFixed(0)} ms`],
  ['addMs', `admin add → listed, p50 of ${runs.edits}`, '≤ 300 ms', (v) => `${v.toFixed(0)} ms`],
  [
    'removeMs',
    `admin remove → confirmed, p50 of ${runs.edits}`,
    '≤ 300 ms',
    (v) => `${v.toFixed(0)} ms`,
  ],
  ['nextPageMs', `Next page → shown, p50 of ${runs.pages}`, '', (v) => `${v.toFixed(0)} ms`],
  [
    'firstNextMs',
    `first Next page of a view → shown, p50 of ${firstViews.length}`,
    '',
    (v) => `${v.toFixed(0)} ms`,
  ],
  [
    'largestAnswerBytes',
    'largest API answer, before compression',
    '≤ 1 MB',
    (v) => `${(v / 1024).toFixed(0)} kB`,
  ],
  ['mostRows', 'most pet rows in the DOM', 'a few hundred', (v) => String(v)],
  ['heapMB', `JS heap after ${runs.pages} pages`, '< 50 MB', (v) => `${v.toFixed(1)} MB`],
];

function table(results: Map<number, Figures>): string {
  const cols = [...results.keys()];
  const first = results.get(cols[0]!)!;
  const last = results.get(cols.at(-1)!)!;
  const head = `| | ${cols.map((c) => `${c.toLocaleString('en-US')} pets`).join(' | ')} | ${cols.length > 1 ? `${cols.at(-1)!.toLocaleString('en-US')} / ${cols[0]!.toLocaleString('en-US')}` : ''} | target |`;
  const lines = rows.map(
    ([key, label, target, fmt]) =>
      `| ${label} | ${cols.map((c) => fmt(results.get(c)![key])).join(' | ')} | ${cols.length > 1 ? `${(last[key] / first[key]).toFixed(2)}×` : ''} | ${target} |`,
  );
  return [head, `|${' --- |'.repeat(cols.length + 3)}`, ...lines].join('\n');
}

if (!existsSync(join(root, 'dist/secure-pets/browser/index.html'))) {
  console.log('No production build: running npm run build first.');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
const browser = await chromium.launch({
  executablePath: process.env['CHROME_BIN'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const results = new Map<number, Figures>();
try {
  for (const size of sizes) {
    console.log(`${size.toLocaleString('en-US')} pets:`);
    await seedTo(size);
    const cloud = await startCloudProcess({
      root,
      env: { ...ports, PETS_DATA_DIR: dataDir },
      site,
    });
    try {
      results.set(size, await measure(browser, size));
    } finally {
      await stopCloudProcess(cloud);
    }
    console.log(table(new Map([[size, results.get(size)!]])));
  }
} finally {
  await browser.close();
}
console.log(`\n${table(results)}`);
