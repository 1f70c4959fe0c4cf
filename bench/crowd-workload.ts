// The crowd bench's workload against a running local cloud, by buyers and the admin
// signed in over HTTP (http-caller.ts): purchases, page views through the local CDN,
// and admin edits. Each phase returns what it saw; the meter file and the Lambdas' log
// lines are read by crowd.bench.ts.
import { petItem } from '../api/pet-table';
import type { Pet } from '../api/pet';
import { nextLink } from '../api/pet-query';
import { indexWriteUnits } from './crowd-model';
import { signedFetch, type Caller } from './http-caller';

/** Runs `work` for each item with `workers` at a time. */
async function pool<T>(items: T[], workers: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Unsold pets to buy, read page by page from the API (before the metered phases). */
export async function unsoldPets(api: string, count: number): Promise<Pet[]> {
  const pets: Pet[] = [];
  let url: string | undefined = `${api}/pets?status=available&limit=100`;
  while (url && pets.length < count) {
    const res: Response = await fetch(url);
    pets.push(...((await res.json()) as Pet[]));
    url = nextLink(res.headers.get('link'));
  }
  return pets.slice(0, count);
}

export interface PhaseResult {
  requests: number;
  failed: number;
  /** Index write units the data model implies for the writes made (dynalite reports none). */
  indexWrites: Record<string, number>;
  bytesOut: number;
}

function addUnits(into: Record<string, number>, units: Record<string, number>) {
  for (const [k, v] of Object.entries(units)) into[k] = (into[k] ?? 0) + v;
}

/** Each pet bought once, by the buyers in turn, `workers` purchases at a time. */
export async function purchases(
  api: string,
  buyers: Caller[],
  pets: Pet[],
  workers: number,
): Promise<PhaseResult> {
  const result: PhaseResult = { requests: 0, failed: 0, indexWrites: {}, bytesOut: 0 };
  let turn = 0;
  await pool(pets, workers, async (pet) => {
    const buyer = buyers[turn++ % buyers.length]!;
    const res = await signedFetch(buyer, 'POST', `${api}/pets/purchase`, {
      petId: pet.id,
      authToken: buyer.idToken,
    });
    result.bytesOut += (await res.arrayBuffer()).byteLength;
    result.requests++;
    if (res.status !== 200) {
      result.failed++;
      return;
    }
    const before = petItem(pet) as unknown as Record<string, unknown>;
    const sold = { ...pet, isSold: true as const, soldTo: buyer.email };
    const after = petItem(sold, new Date().toISOString()) as unknown as Record<string, unknown>;
    addUnits(result.indexWrites, indexWriteUnits(before, after));
  });
  return result;
}

export interface PageViews extends PhaseResult {
  hits: number;
  misses: number;
  byUrl: Record<string, { views: number; hits: number }>;
}

/**
 * `total` page views of `urls` (weighted), `perSecond` of them started each second,
 * through the CDN; counts X-Cache.
 */
export async function pageViews(
  urls: { url: string; weight: number }[],
  total: number,
  perSecond: number,
): Promise<PageViews> {
  const result: PageViews = {
    requests: 0,
    failed: 0,
    indexWrites: {},
    bytesOut: 0,
    hits: 0,
    misses: 0,
    byUrl: {},
  };
  const weights = urls.reduce((sum, u) => sum + u.weight, 0);
  const pick = (i: number) => {
    // A fixed, even interleaving of the mix (no randomness: runs compare).
    let x = ((i * 0.6180339887) % 1) * weights;
    for (const u of urls) if ((x -= u.weight) < 0) return u.url;
    return urls.at(-1)!.url;
  };
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    const url = pick(i);
    inFlight.push(
      fetch(url).then(async (res) => {
        result.bytesOut += (await res.arrayBuffer()).byteLength;
        result.requests++;
        const seen = (result.byUrl[url] ??= { views: 0, hits: 0 });
        seen.views++;
        if (!res.ok) result.failed++;
        if (/^Hit /.test(res.headers.get('x-cache') ?? '')) {
          result.hits++;
          seen.hits++;
        } else result.misses++;
      }),
    );
  }
  await Promise.all(inFlight);
  return result;
}

/** The admin adds a pet (PUT of a new id) and removes it again, `count` times. */
export async function adminEdits(api: string, admin: Caller, count: number): Promise<PhaseResult> {
  const result: PhaseResult = { requests: 0, failed: 0, indexWrites: {}, bytesOut: 0 };
  for (let i = 0; i < count; i++) {
    const id = 900_000_000 + i;
    const pet: Pet = { id, type: 'crowdbench', price: 12.34 };
    const put = await signedFetch(admin, 'PUT', `${api}/pets/${id}`, {
      type: pet.type,
      price: pet.price,
    });
    const removed = await signedFetch(admin, 'DELETE', `${api}/pets/${id}`);
    for (const res of [put, removed]) {
      result.bytesOut += (await res.arrayBuffer()).byteLength;
      result.requests++;
      if (!res.ok) result.failed++;
    }
    const item = petItem(pet) as unknown as Record<string, unknown>;
    addUnits(result.indexWrites, indexWriteUnits(undefined, item));
    addUnits(result.indexWrites, indexWriteUnits(item, undefined));
  }
  return result;
}
