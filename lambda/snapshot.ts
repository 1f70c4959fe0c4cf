import type { Pet } from './pets';
import { catalogueTag } from './store';

/**
 * A container's recent copy of the catalogue, for purchase responses only.
 *
 * Why: the purchase contract returns every pet, but reading every pet is O(n) and
 * would make each O(1) purchase as slow as the catalogue is big. A purchase instead
 * answers from this copy, at most `ttlMs` old (plus one refresh), with every sale this
 * container made overlaid, so the buyer always sees their own purchase. GET /pets
 * never uses it: it always reads the table. The pets are kept pre-serialised, so a
 * response costs one join of n short strings rather than n JSON.stringify calls.
 */
export class CatalogueSnapshot {
  private ids = new Map<number, number>();
  private parts: string[] = [];
  private tag = '';
  private loadedAt = -Infinity;
  private refreshing: Promise<void> | undefined;
  /** Sales made while a refresh was reading, re-applied when it lands. */
  private salesDuringRefresh: Pet[] | undefined;

  constructor(
    private readonly load: () => Promise<Pet[]>,
    private readonly ttlMs: number,
    /** Past this age a purchase waits for the refresh instead of answering stale. */
    private readonly maxStaleMs = Math.max(ttlMs * 10, 5000),
  ) {}

  /** Installs a fresh full read (from GET /pets, or a refresh). */
  install(pets: readonly Pet[], readStartedAt = Date.now()): void {
    this.ids = new Map(pets.map((p, i) => [p.id, i]));
    this.parts = pets.map((p) => JSON.stringify(p));
    this.tag = catalogueTag(pets);
    this.loadedAt = readStartedAt;
  }

  /** The JSON array of all pets with `sold` in it, and the catalogue token. */
  async withSale(sold: Pet): Promise<{ body: string; tag: string }> {
    const age = Date.now() - this.loadedAt;
    if (age > this.ttlMs) {
      const refresh = this.refresh();
      if (age > this.maxStaleMs) await refresh;
      else
        refresh.catch((err: unknown) =>
          console.warn(JSON.stringify({ event: 'snapshot-refresh-failed', error: String(err) })),
        );
    }
    this.salesDuringRefresh?.push(sold);
    if (!this.overlay(sold)) {
      // A pet newer than the copy: read again (the read sees the sale, made before it).
      this.loadedAt = -Infinity;
      await this.refresh();
      this.overlay(sold);
    }
    return { body: `[${this.parts.join(',')}]`, tag: this.tag };
  }

  private overlay(pet: Pet): boolean {
    const at = this.ids.get(pet.id);
    if (at === undefined) return false;
    this.parts[at] = JSON.stringify(pet);
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
