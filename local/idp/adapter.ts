import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage (sessions, interactions, grants, access tokens) kept in
 * memory. The built-in one does the same but warns on every start that it is for
 * development; here that is the point: one process on loopback, and losing these on
 * restart only means signing in again. Users and keys are on disk (users.ts, keys.ts).
 */
export function memoryAdapter(): (model: string) => Adapter {
  // One store per provider, so two IdPs in one process (tests) share nothing.
  const state: State = { items: new Map(), byUid: new Map(), byGrant: new Map() };
  return (model) => new MemoryStore(model, state);
}

interface State {
  items: Map<string, { payload: AdapterPayload; expiresAt?: number }>;
  byUid: Map<string, string>;
  byGrant: Map<string, Set<string>>;
}

class MemoryStore implements Adapter {
  constructor(
    private readonly model: string,
    private readonly state: State,
  ) {}

  #key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    this.state.items.set(key, {
      payload,
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
    });
    if (payload.uid) this.state.byUid.set(payload.uid, key);
    if (payload.grantId) {
      const keys = this.state.byGrant.get(payload.grantId) ?? new Set<string>();
      keys.add(key);
      this.state.byGrant.set(payload.grantId, keys);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#read(this.#key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = this.state.byUid.get(uid);
    return key ? this.#read(key) : undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined; // no device flow
  }

  async consume(id: string): Promise<void> {
    const item = this.state.items.get(this.#key(id));
    if (item) item.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.state.items.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.state.byGrant.get(grantId) ?? []) this.state.items.delete(key);
    this.state.byGrant.delete(grantId);
  }

  #read(key: string): AdapterPayload | undefined {
    const item = this.state.items.get(key);
    if (!item) return undefined;
    if (item.expiresAt !== undefined && item.expiresAt <= Date.now()) {
      this.state.items.delete(key);
      return undefined;
    }
    return item.payload;
  }
}
