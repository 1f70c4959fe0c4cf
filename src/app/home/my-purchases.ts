import { Injectable, computed, inject, signal } from '@angular/core';
import { PetsApi } from '../api/pets-api';
import { Auth } from '../auth/auth';
import { describeError } from '../api/describe-error';

const none: ReadonlySet<number> = new Set();

interface Known {
  /** Whose purchases these are: the signed-in buyer's `sub`. */
  owner: string;
  ids: ReadonlySet<number>;
  /** `POST /pets/mine` answered for this owner (ids bought since are added too). */
  loaded: boolean;
}

/**
 * The ids of the pets the signed-in buyer bought, so that their rows say `Bought by
 * you` whichever page or day they are seen on. The public `GET /pets` never says who
 * bought a pet, so the buyer's own purchases come from `POST /pets/mine` (signed, the
 * buyer taken from the ID token by the server): once per sign-in, not per page, and
 * never for an admin. A purchase made meanwhile is added as it happens. Everything
 * is keyed by the user, so a sign-out (or another user) never sees the last one's.
 */
@Injectable({ providedIn: 'root' })
export class MyPurchases {
  private readonly api = inject(PetsApi);
  private readonly auth = inject(Auth);
  private readonly known = signal<Known | null>(null);
  private pending?: { owner: string; done: Promise<void> };
  private readonly failure = signal<{ owner: string; message: string } | null>(null);
  private readonly loadingFor = signal<string | null>(null);

  /** The signed-in buyer, or null for an admin or no one. */
  private readonly owner = computed(() => {
    const session = this.auth.session();
    return session?.role === 'buyer' ? session.profile.sub : null;
  });

  readonly ids = computed(() => {
    const known = this.known();
    return known && known.owner === this.owner() ? known.ids : none;
  });
  readonly loading = computed(() => {
    const owner = this.owner();
    return owner !== null && this.loadingFor() === owner;
  });
  /** Why the purchases could not be loaded (the rows then cannot say which are the buyer's). */
  readonly error = computed(() => {
    const failure = this.failure();
    return failure && failure.owner === this.owner() ? failure.message : null;
  });

  /**
   * Loads the buyer's purchases unless they are loaded (or loading) already. Does
   * nothing for an admin; never rejects (a failure is in `error`).
   */
  load(): Promise<void> {
    const owner = this.owner();
    if (owner === null) return Promise.resolve();
    const known = this.known();
    if (known?.owner === owner && known.loaded) return Promise.resolve();
    if (this.pending?.owner === owner) return this.pending.done;
    const done = this.fetch(owner).finally(() => {
      if (this.pending?.owner === owner) this.pending = undefined;
    });
    this.pending = { owner, done };
    return done;
  }

  /** A purchase just made: its row says so from now on. */
  add(id: number): void {
    const owner = this.owner();
    if (owner === null) return;
    this.known.update((known) => {
      const mine = known?.owner === owner ? known : { owner, ids: none, loaded: false };
      return { ...mine, ids: new Set([...mine.ids, id]) };
    });
  }

  private async fetch(owner: string): Promise<void> {
    this.loadingFor.set(owner);
    this.failure.set(null);
    try {
      const pets = await this.api.mine();
      if (this.owner() !== owner) return;
      this.known.update((known) => ({
        owner,
        // Keep what was bought while the answer was on its way.
        ids: new Set([...pets.map((p) => p.id), ...(known?.owner === owner ? known.ids : [])]),
        loaded: true,
      }));
    } catch (error) {
      this.failure.set({
        owner,
        message: `Your earlier purchases could not be loaded, so they are not marked. ${describeError(error)}`,
      });
    } finally {
      if (this.loadingFor() === owner) this.loadingFor.set(null);
    }
  }
}
