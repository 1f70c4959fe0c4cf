// `npm run bench -- crowd`: what a crowd costs and where it would throttle, modelled
// from the real code. The local cloud runs on a seeded store with the DynamoDB meter
// on (local/dynamodb-meter.ts); buyers buy, visitors read the store front's first
// pages through the local CDN, the admin adds and removes pets. From the consumed
// capacity, the Lambdas' logged milliseconds, the requests and the CDN's hits, and
// the indexes' key spread at 100,000 pets (api/index-spread.ts), it prints the
// modelled flash sale (crowd-model.ts, prices in crowd-prices.ts). Not a test.
// The purchases run for longer than the purchase containers' refresh interval of a
// large store's copy (lambda/store/purchase-snapshot.ts), so their reads per purchase
// are a steady state's, not only the containers' first reads.
//   CROWD_PURCHASES=1000 CROWD_VIEWS=3000 npm run bench -- crowd
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { handlers, type HandlerName } from '../api/handlers';
import { indexSpread } from '../api/index-spread';
import { petItem, petShards } from '../api/pet-table';
import { publicCache } from '../api/cdn-cache';
import { nextLink } from '../api/pet-query';
import { startDynamoDB } from '../local/dynamodb';
import type { MeterLine } from '../local/dynamodb-meter';
import { seedStore, syntheticPet } from '../scripts/seed';
import { logRecord, startCloudProcess, stopCloudProcess } from './cloud-process';
import {
  costPerMillion,
  limitsByLoad,
  originPageRate,
  partitionRows,
  type Cost,
  type KindMeasure,
  type Load,
  type UnitsByTarget,
} from './crowd-model';
import { adminEdits, pageViews, purchases, unsoldPets, type PhaseResult } from './crowd-workload';
import { endpointsOf, signIn, type Caller } from './http-caller';

const root = join(import.meta.dirname, '..');
const dataDir = join(root, '.local-cloud-bench-crowd');
const meterFile = join(dataDir, 'meter.jsonl');
const storePets = 3000;
const modelPets = 100_000;
const counts = {
  buyers: 10,
  purchases: Number(process.env['CROWD_PURCHASES'] ?? 1000),
  views: Number(process.env['CROWD_VIEWS'] ?? 3000),
  viewsPerSecond: 200,
  edits: 20,
};
const ports = {
  PETS_SITE_PORT: '4250',
  PETS_IDP_PORT: '4450',
  PETS_AWS_PORT: '4616',
  PETS_DYNAMODB_PORT: '4617',
};
const at = endpointsOf(ports);
const api = `${at.aws}/test`;
const cdn = `${at.site}/test`;
/** The modelled flash sale. */
const flashSale: Load = { purchasesPerSecond: 10_000, pageViewsPerSecond: 100_000 };
/** Of every 100 page views, those of page 2: a visitor paging, whose app reads page 3 ahead. */
const pagingViews = 10;
/** Requests at the CDN per page view: the read-aheads come on top of the views. */
const requestsPerView = (100 + pagingViews) / 100;
/** The flash sale as the CDN sees it: requests, read-aheads included. */
const cdnLoad: Load = {
  ...flashSale,
  pageViewsPerSecond: flashSale.pageViewsPerSecond * requestsPerView,
};
/**
 * Assumed: edge caches that each refresh a key from the origin on their own. The
 * distribution is Price Class 100 (infra/lib/site.ts) without Origin Shield; 100 is
 * more than the regional edge caches and about the number of its edge locations.
 */
const edgeCaches = 100;
/** The stage throttle's default (infra/lib/parameters.ts, throttleRateLimit). */
const stageThrottleRps = 50;
/** Lambda's default concurrent executions per account and Region. */
const lambdaConcurrencyLimit = 1000;

const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Units per table/index from the meter's lines since `from` bytes. */
function meteredUnits(from: number): { units: UnitsByTarget; end: number; calls: number } {
  const text = readFileSync(meterFile, 'utf8');
  const units: UnitsByTarget = {};
  const add = (target: string, what: 'read' | 'write', n = 0) => {
    const u = (units[target] ??= { read: 0, write: 0 });
    u[what] += n;
  };
  const lines = text.slice(from).split('\n').filter(Boolean);
  for (const line of lines) {
    const { operation, capacity } = JSON.parse(line) as MeterLine;
    const what = readOperations.has(operation) ? 'read' : 'write';
    for (const c of capacity) {
      add('table', what, c.Table?.CapacityUnits ?? c.CapacityUnits);
      for (const [index, u] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        add(index, what, u.CapacityUnits);
      }
    }
  }
  return { units, end: Buffer.byteLength(text), calls: lines.length };
}

/** The Lambdas' `request` log lines (Powertools JSON): route and ms. */
const lambdaLines: { route: HandlerName; ms: number }[] = [];
function onCloudLine(line: string) {
  const record = logRecord(line, '"request');
  const { message, route, ms } = record ?? {};
  if (typeof message === 'string' && message.startsWith('request') && route) {
    if (typeof ms === 'number') lambdaLines.push({ route: route as HandlerName, ms });
  }
}

async function phase(
  run: () => Promise<PhaseResult & { misses?: number }>,
): Promise<{ result: PhaseResult & { misses?: number }; measure: KindMeasure }> {
  const meterFrom = existsSync(meterFile) ? readFileSync(meterFile).byteLength : 0;
  const logFrom = lambdaLines.length;
  const result = await run();
  await new Promise((done) => setTimeout(done, 500)); // the last log lines
  const { units } = meteredUnits(meterFrom);
  for (const [index, n] of Object.entries(result.indexWrites)) {
    (units[index] ??= { read: 0, write: 0 }).write += n;
  }
  const ran = lambdaLines.slice(logFrom);
  // Lambda bills each invocation's duration rounded up to the millisecond.
  const lambdaMs = ran.reduce((sum, r) => sum + Math.ceil(r.ms), 0);
  const memory = ran.map((r) => handlers[r.route].memoryMb);
  return {
    result,
    measure: {
      requests: result.requests,
      // Page views: the CDN's origin requests are the getPets invocations (simultaneous
      // misses of one key share one origin request, so misses overcount them).
      originRequests: result.misses === undefined ? result.requests : ran.length,
      invocations: ran.length,
      lambdaMs,
      memoryMb: memory.length ? Math.max(...memory) : 512,
      units,
      bytesOut: result.bytesOut,
    },
  };
}

/** The URL of the page after `url`'s, from its `Link`; it must stay under the CDN. */
async function nextOf(url: string): Promise<string> {
  const next = nextLink((await fetch(url)).headers.get('link'));
  if (!next?.startsWith(cdn)) throw new Error(`the page after ${url} leaves the CDN: ${next}`);
  return next;
}

async function seed(): Promise<void> {
  const server = await startDynamoDB({ path: join(dataDir, 'dynamodb'), port: 0 });
  try {
    await seedStore({ pets: storePets, endpoint: server.endpoint });
  } finally {
    await server.close();
  }
}

const $ = (x: number) => `$${x < 0.1 ? x.toFixed(4) : x.toFixed(2)}`;
const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

if (!existsSync(join(root, 'dist/secure-pets/browser/index.html'))) {
  console.log('No production build: running npm run build first.');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
// A fresh store each run: every run buys from the same catalogue.
rmSync(dataDir, { recursive: true, force: true });
await seed();
const cloud = await startCloudProcess({
  root,
  env: { ...ports, PETS_DATA_DIR: dataDir, PETS_DYNAMODB_METER: meterFile },
  site: at.site,
  onLine: onCloudLine,
});
let measured: Record<'purchase' | 'pageView' | 'adminEdit', KindMeasure>;
let views: Awaited<ReturnType<typeof pageViews>>;
const failures: string[] = [];
try {
  const buyers: Caller[] = [];
  for (let i = 0; i < counts.buyers; i++) {
    buyers.push(await signIn(at, { amazon: `crowd-${i}@example.com` }, 'buyer'));
  }
  const admin = await signIn(at, { email: 'admin@example.com', password: 'Pets-admin-1' }, 'admin');
  const toBuy = await unsoldPets(api, counts.purchases);

  const bought = await phase(() => purchases(api, buyers, toBuy, 8));
  // The store front's first pages as the app asks for them (PAGE_SIZE 50), and page 2
  // by the first page's Link, which stays under the CDN, as does page 3's.
  const first = `${cdn}/pets?limit=50&sort=-id`;
  const next = await nextOf(first);
  const mix = [
    { url: first, weight: 50 },
    { url: `${cdn}/pets?limit=50&sort=price`, weight: 20 },
    { url: `${cdn}/pets?limit=50&sort=-id&type=dog`, weight: 20 },
    { url: next, weight: pagingViews },
    // Someone on page 2 is paging: the app reads page 3 ahead (cursor-pages.ts).
    { url: await nextOf(next), weight: pagingViews },
  ];
  const viewed = await phase(() => pageViews(mix, counts.views, counts.viewsPerSecond));
  views = viewed.result as typeof views;
  const edited = await phase(() => adminEdits(api, admin, counts.edits));
  for (const [kind, p] of Object.entries({ bought, viewed, edited })) {
    if (p.result.failed)
      failures.push(`${kind}: ${p.result.failed} of ${p.result.requests} failed`);
  }
  measured = { purchase: bought.measure, pageView: viewed.measure, adminEdit: edited.measure };
} finally {
  await stopCloudProcess(cloud);
}

// The key spread at 100,000 pets, from the data model (as scripts/hot-keys.test.ts).
const spreads = indexSpread(
  Array.from({ length: modelPets }, (_, i) => {
    const { soldAt, ...pet } = syntheticPet(i + 1);
    return petItem(pet, soldAt) as unknown as Record<string, unknown>;
  }),
);

const hitRatio = views.hits / Math.max(1, views.requests);
const originShare = measured.pageView.originRequests / Math.max(1, measured.pageView.requests);
const crowdCdn = {
  cacheKeys: 5,
  edgeCaches,
  maxAgeSeconds: publicCache.maxAgeSeconds,
  measuredHitRatio: 1 - originShare,
};
const origin = originPageRate(cdnLoad, crowdCdn);
// The larger of the measured and the crowd's origin rate: the cautious one.
const originPages = Math.max(origin.measured, origin.crowd);
const rows = partitionRows(cdnLoad, originPages, measured, spreads, modelPets);

console.log(`\nMeasured on the local cloud (${storePets} pets):\n`);
console.log(
  '| kind | requests | reach the API | Lambda invocations | Lambda ms per invocation | RRU per API request | WRU per API request (index writes from the data model) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [kind, m] of Object.entries(measured)) {
  const sum = (what: 'read' | 'write') =>
    Object.values(m.units).reduce((s, u) => s + u[what], 0) / Math.max(1, m.originRequests);
  console.log(
    `| ${kind} | ${m.requests} | ${m.originRequests} | ${m.invocations} | ${n(m.lambdaMs / Math.max(1, m.invocations), 1)} | ${n(sum('read'), 2)} | ${n(sum('write'), 2)} |`,
  );
}
console.log(
  `\nCDN: ${views.hits} hits of ${views.requests} requests (${pct(hitRatio)} by X-Cache), ${measured.pageView.originRequests} origin requests (${pct(originShare)}) at ${counts.viewsPerSecond}/s over ${n(counts.views / counts.viewsPerSecond)} s, ${Object.keys(views.byUrl).length} URLs; per URL: ${Object.entries(
    views.byUrl,
  )
    .map(([url, s]) => `${url.slice(cdn.length, cdn.length + 40)} ${s.hits}/${s.views}`)
    .join(', ')}`,
);
if (failures.length) console.log(`Failed requests: ${failures.join('; ')}`);

console.log(
  `\nModelled flash sale: ${n(flashSale.purchasesPerSecond)} purchases/s, ${n(flashSale.pageViewsPerSecond)} page views/s (${n(cdnLoad.pageViewsPerSecond)} requests/s at the CDN with the read-aheads), ${modelPets.toLocaleString('en-US')} pets, ${petShards} shards\n`,
);
console.log(
  `Origin page reads after the CDN: ${n(origin.measured)}/s at the measured hit ratio; ${n(origin.crowd)}/s for a crowd (${crowdCdn.cacheKeys} keys × ${edgeCaches} edge caches / ${publicCache.maxAgeSeconds} s, hit ratio ${pct(1 - origin.crowd / cdnLoad.pageViewsPerSecond)}); the model uses ${n(originPages)}/s.\n`,
);
console.log(
  '| table / index | hottest key writes | of 1,000 WCU | hottest key reads | of 3,000 RCU | all writes | all reads |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.target} | ${n(r.writePerSecond)} WCU/s | ${pct(r.writePerSecond / 1000)} | ${n(r.readPerSecond)} RCU/s (${n(r.purchaseReadPerSecond)}) | ${pct(r.readPerSecond / 3000)} | ${n(r.totalWritePerSecond)} WRU/s | ${n(r.totalReadPerSecond)} RRU/s |`,
  );
}
const hottest = Math.max(
  ...rows.map((r) => Math.max(r.writePerSecond / 1000, r.readPerSecond / 3000)),
);
console.log(
  `\nHottest partition: ${pct(hottest)} of its limit (target < 50 %); CDN hit ratio ${pct(hitRatio)} measured (target ≥ 95 %).`,
);

const purchaseCost = costPerMillion(measured.purchase, 1, false);
// Per million page views: the cost of their requests, read-aheads included.
const perView = (c: Cost): Cost => ({
  lambda: c.lambda * requestsPerView,
  apiGateway: c.apiGateway * requestsPerView,
  dynamodb: c.dynamodb * requestsPerView,
  cloudfront: c.cloudfront * requestsPerView,
  total: c.total * requestsPerView,
});
const viewCost = perView(costPerMillion(measured.pageView, originShare, true));
const crowdViewCost = perView(
  costPerMillion(measured.pageView, origin.crowd / cdnLoad.pageViewsPerSecond, true),
);
console.log('\n| cost per 1,000,000 | Lambda | API Gateway | DynamoDB | CloudFront | total |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [label, c] of [
  ['purchases', purchaseCost],
  [`page views (measured: ${pct(originShare)} reach the origin)`, viewCost],
  [
    `page views (crowd hit ratio ${pct(1 - origin.crowd / cdnLoad.pageViewsPerSecond)})`,
    crowdViewCost,
  ],
] as const) {
  console.log(
    `| ${label} | ${$(c.lambda)} | ${$(c.apiGateway)} | ${$(c.dynamodb)} | ${$(c.cloudfront)} | ${$(c.total)} |`,
  );
}

const perInvocationSeconds = (m: KindMeasure) => m.lambdaMs / 1000 / Math.max(1, m.originRequests);
const concurrency =
  flashSale.purchasesPerSecond * perInvocationSeconds(measured.purchase) +
  originPages * perInvocationSeconds(measured.pageView);
const reached = limitsByLoad(rows, cdnLoad, originPages, stageThrottleRps, {
  atLoad: concurrency,
  limit: lambdaConcurrencyLimit,
});
console.log('\nLimits as the load grows (× the modelled flash sale; purchases/s at that load):');
for (const l of reached.slice(0, 6)) {
  console.log(
    `  ${l.limit}: at ${n(l.atLoad, 3)}× (${n(l.atLoad * flashSale.purchasesPerSecond)} purchases/s)`,
  );
}
