import { toPublicPet, type Pet } from '../../api/pet';
import { storeConfig } from '../config';
import { logger } from '../observability';
import { catalogueTag } from './catalogue-tag';
import { PetReads } from './pet-reads';

/**
 * A container's recent copy of the catalogue, for purchase responses only.
 *
 * Why: the purchase contract returns the whole list while the store fits one page
 * (and only the bought pet past that), but reading up to a page on every purchase
 * would make each O(1) purchase cost a page read. A purchase instead answers from
 * this copy, at most `ttlMs` old (plus one refresh), with every sale this container
 * made overlaid, so the buyer always sees their own purchase. A refresh reads at most
 * a page and one more pet (`load` answers null for a larger store). GET /pets never
 * answers from it: it always reads the table. The pets are kept pre-serialised in
 * chunks of CHUNK pets: a sale re-serialises one pet and re-joins its chunk, and the
 * response body is the chunks concatenated with `+`, which V8 keeps as a rope of
 * small strings until someone reads it. Measured here: one flat string over 128 KB
 * (10,000 pets are ~400 KB) costs ~2 ms to allocate, Array.join included, the rope
 * ~0.03 ms; the bytes are then written once, by whoever sends the response.
 *
 * Buyers' privacy: the copy holds public pets only. Whatever `load` (through `install`)
 * or a sale hand it, each pet is serialised through toPublicPet, so a buyer never
 * enters the copy; the one buyer an answer shows is the caller's own, written into
 * that answer's copy of its chunk (withSale) and nowhere else.
 */
const CHUNK = 128;

/**
 * How many times longer a copy that found the store larger than a page waits to read
 * again. Its answers are the bought pet alone, so the one thing a refresh can learn is
 * that the store fits a page again, which only admins' removals do (a sale removes no
 * pet). Measured (bench/crowd.bench.ts): at one refresh a second, every purchase
 * container re-reading 1,001 entries made byShardId's hottest shard the first
 * partition to throttle in a flash sale.
 */
export const LARGE_STORE_REFRESH_FACTOR = 10;

export class CatalogueSnapshot {
  private ids = new Map<number, number>();
  private parts: string[] = [];
  private chunks: string[] = [];
  private tag = '';
  /** False when the store held more than a page at the last read. */
  private whole = true;
  private loadedAt = -Infinity;
  private refreshing: Promise<void> | undefined;
  /** Sales made while a refresh was reading, re-applied when it lands. */
  private salesDuringRefresh: Pet[] | undefined;

  constructor(
    /** The whole catalogue by id, or null when it is larger than a page. */
    private readonly load: () => Promise<Pet[] | null>,
    private readonly ttlMs: number,
    /** Past this age a purchase waits for the refresh instead of answering stale. */
    private readonly maxStaleMs = Math.max(ttlMs * 10, 5000),
  ) {}

  /** Takes a fresh full read by id (what a refresh loaded) as the copy; null: more than a page. */
  install(pets: readonly Pet[] | null, readStartedAt = Date.now()): void {
    this.whole = pets !== null;
    pets ??= [];
    this.ids = new Map(pets.map((p, i) => [p.id, i]));
    this.parts = pets.map((p) => JSON.stringify(toPublicPet(p)));
    this.chunks = [];
    for (let i = 0; i < this.parts.length; i += CHUNK) {
      this.chunks.push(this.parts.slice(i, i + CHUNK).join(','));
    }
    this.tag = catalogueTag(pets);
    this.loadedAt = readStartedAt;
  }

  /**
   * The JSON array of all pets with `sold` in it (the only pet that shows its buyer:
   * the caller's own purchase), and the catalogue token; for a store larger than a
   * page, just `sold` and no token.
   */
  async withSale(sold: Pet): Promise<{ body: string; tag?: string }> {
    const age = Date.now() - this.loadedAt;
    const slower = this.whole ? 1 : LARGE_STORE_REFRESH_FACTOR;
    if (age > this.ttlMs * slower) {
      const refresh = this.refresh();
      if (age > this.maxStaleMs * slower) await refresh;
      else refresh.catch((err: unknown) => logger.warn('snapshot refresh failed', { error: err }));
    }
    this.salesDuringRefresh?.push(sold);
    if (!this.whole) return { body: JSON.stringify([sold]) };
    // A pet newer than the copy: read again. A refresh already in flight may have read
    // before the pet existed; one started after it settles reads after our sale.
    if (!this.overlay(sold)) {
      for (let attempt = 0; attempt < 2; attempt++) {
        this.loadedAt = -Infinity;
        await this.refresh();
        if (!this.whole) return { body: JSON.stringify([sold]) };
        if (this.overlay(sold)) break;
      }
      // Still missing (an index not yet caught up): the buyer sees their pet anyway.
      if (!this.ids.has(sold.id)) return { body: JSON.stringify([sold]) };
    }
    // The copy keeps the public form of `sold`; this answer alone gets its buyer, in a
    // copy of its chunk (one more join of at most CHUNK pets).
    const at = this.ids.get(sold.id)!;
    const own = Math.floor(at / CHUNK);
    const parts = this.parts.slice(own * CHUNK, (own + 1) * CHUNK);
    parts[at - own * CHUNK] = JSON.stringify(sold);
    const ownChunk = parts.join(',');
    let body = '[';
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = i === own ? ownChunk : this.chunks[i];
      body += i ? `,${chunk}` : chunk;
    }
    return { body: `${body}]`, tag: this.tag };
  }

  /** Resolves once no refresh is in flight (for a clean shutdown). */
  async idle(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
  }

  private overlay(pet: Pet): boolean {
    const at = this.ids.get(pet.id);
    if (at === undefined) return false;
    this.parts[at] = JSON.stringify(toPublicPet(pet));
    const chunk = Math.floor(at / CHUNK);
    this.chunks[chunk] = this.parts.slice(chunk * CHUNK, (chunk + 1) * CHUNK).join(',');
    return true;
  }

  /** One refresh at a time per container; its failure is left for the next call. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const startedAt = Date.now();
      this.salesDuringRefresh = [];
      try {
        this.install(await this.load(), startedAt);
        for (const sale of this.salesDuringRefresh) this.overlay(sale);
      } finally {
        this.salesDuringRefresh = undefined;
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}

let containerSnapshot: CatalogueSnapshot | undefined;

/**
 * The purchase function's snapshot of its table, made on its first purchase and kept
 * for the life of the container. Only this function's own sales reach it: an admin's
 * edit (another function, another container) shows once the copy is refreshed, at
 * most PURCHASE_SNAPSHOT_TTL_MS later.
 */
export function purchaseSnapshot(): CatalogueSnapshot {
  if (!containerSnapshot) {
    const { tableName, snapshotTtlMs } = storeConfig();
    const reads = new PetReads(tableName);
    containerSnapshot = new CatalogueSnapshot(
      () => reads.catalogue(),
      snapshotTtlMs,
      // 0: no pet may be older than the purchase, so every purchase reads afresh.
      snapshotTtlMs === 0 ? 0 : undefined,
    );
  }
  return containerSnapshot;
}
