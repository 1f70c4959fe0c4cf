import type { Adapter, AdapterPayload } from 'oidc-provider';
import { ExpiringMap } from './expiring-map';

export interface MemoryStorageOptions {
  /** The clock entries expire by; the local cloud's adjustable one. */
  now?: () => number;
  /** How often expired entries are dropped; default a minute. */
  sweepEveryMs?: number;
  /**
   * At most this many sign-ins in progress (interactions); past it the oldest is
   * dropped, which only means "Sign-in expired" for whoever abandoned it. Anyone can
   * start one with a GET, so this bounds what strangers can make the IdP hold.
   */
  maxInteractions?: number;
}

/**
 * oidc-provider's storage (sessions, interactions, grants, access tokens) kept in
 * memory. The built-in one does the same but warns on every start that it is for
 * development; here that is the point: one process on loopback, and losing these on
 * restart only means signing in again. Users and keys are on disk (users.ts, keys.ts).
 *
 * Expired entries are dropped by a timer as well as when read, so abandoned sign-ins
 * and sessions do not pile up. One storage per provider: two IdPs in one process
 * (tests) share nothing.
 */
export class MemoryStorage {
  readonly #now: () => number;
  readonly #maxInteractions: number;
  readonly #models = new Map<string, ExpiringMap<string, AdapterPayload>>();
  readonly #byUid = new Map<string, [model: string, id: string]>();
  readonly #byGrant = new Map<string, Set<string>>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: MemoryStorageOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxInteractions = options.maxInteractions ?? 1_000;
    this.#timer = setInterval(() => this.sweep(), options.sweepEveryMs ?? 60_000);
    this.#timer.unref();
  }

  /** What oidc-provider's `adapter` setting takes. */
  readonly adapter = (model: string): Adapter => new MemoryStore(model, this);

  /** Entries held per model, for tests and the log. */
  get sizes(): Record<string, number> {
    return Object.fromEntries([...this.#models].map(([model, map]) => [model, map.size]));
  }

  /** Drops every expired entry now (the timer calls this). */
  sweep(): number {
    let dropped = 0;
    for (const map of this.#models.values()) dropped += map.sweep();
    return dropped;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  model(model: string): ExpiringMap<string, AdapterPayload> {
    let map = this.#models.get(model);
    if (!map) {
      map = new ExpiringMap<string, AdapterPayload>({
        now: this.#now,
        onDrop: (id, payload) => this.#unindex(model, id, payload),
      });
      this.#models.set(model, map);
    }
    return map;
  }

  upsert(model: string, id: string, payload: AdapterPayload, expiresIn?: number): void {
    const map = this.model(model);
    map.set(id, payload, expiresIn ? this.#now() + expiresIn * 1000 : undefined);
    if (payload.uid) this.#byUid.set(payload.uid, [model, id]);
    if (payload.grantId) {
      const keys = this.#byGrant.get(payload.grantId) ?? new Set<string>();
      keys.add(`${model}:${id}`);
      this.#byGrant.set(payload.grantId, keys);
    }
    if (model === 'Interaction' && map.size > this.#maxInteractions) map.deleteOldest();
  }

  findByUid(uid: string): AdapterPayload | undefined {
    const found = this.#byUid.get(uid);
    return found ? this.model(found[0]).get(found[1]) : undefined;
  }

  revokeByGrantId(grantId: string): void {
    for (const key of this.#byGrant.get(grantId) ?? []) {
      const at = key.indexOf(':');
      this.model(key.slice(0, at)).delete(key.slice(at + 1));
    }
    this.#byGrant.delete(grantId);
  }

  #unindex(model: string, id: string, payload: AdapterPayload): void {
    if (payload.uid) {
      const found = this.#byUid.get(payload.uid);
      if (found?.[0] === model && found[1] === id) this.#byUid.delete(payload.uid);
    }
    if (payload.grantId) {
      const keys = this.#byGrant.get(payload.grantId);
      keys?.delete(`${model}:${id}`);
      if (keys?.size === 0) this.#byGrant.delete(payload.grantId);
    }
  }

  now(): number {
    return this.#now();
  }
}

class MemoryStore implements Adapter {
  constructor(
    private readonly name: string,
    private readonly storage: MemoryStorage,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.storage.upsert(this.name, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.storage.model(this.name).get(id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.storage.findByUid(uid);
  }

  async findByUserCode(): Promise<undefined> {
    return undefined; // no device flow
  }

  async consume(id: string): Promise<void> {
    const payload = this.storage.model(this.name).get(id);
    if (payload) payload.consumed = Math.floor(this.storage.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.storage.model(this.name).delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.storage.revokeByGrantId(grantId);
  }
}
