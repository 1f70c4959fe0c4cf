/**
 * A Map whose entries may expire, read against an injected clock and swept on an
 * unref'd timer, so entries nobody reads again do not pile up in memory.
 *
 * Hand-written rather than a TTL cache package (@isaacs/ttlcache, lru-cache): those
 * keep time with `performance.now()` and their own timers, and the local cloud's
 * clock (local/clock.ts) must be able to move expiry forward in the tests.
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number | undefined }>();
  readonly #now: () => number;
  readonly #onDrop: (key: K, value: V) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { now: () => number; onDrop?: (key: K, value: V) => void }) {
    this.#now = options.now;
    this.#onDrop = options.onDrop ?? (() => undefined);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** `expiresAt` in the clock's milliseconds; undefined keeps the entry until deleted. */
  set(key: K, value: V, expiresAt?: number): void {
    this.#entries.set(key, { value, expiresAt });
  }

  /** The live value; an expired one is dropped here rather than returned. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#onDrop(key, entry.value);
  }

  /** Drops the oldest entry (insertion order): the cap on what strangers can add. */
  deleteOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.delete(oldest.value);
  }

  /** Drops every expired entry; returns how many. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Sweeps every `intervalMs` without keeping the process alive. */
  sweepEvery(intervalMs: number): void {
    this.stop();
    this.#timer = setInterval(() => this.sweep(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
