import { Injectable, computed, inject, signal } from '@angular/core';
import { type Pet, type PetListing, toPublicPet } from '../../../api/pet';
import { ApiError, PetsApi } from '../api/pets-api';
import { describeError } from '../api/describe-error';
import { MyPurchases } from './my-purchases';
import { petLabel } from '../pet-list/pet-format';
import { PetPages, type PetView } from './pet-pages';

/**
 * How many ids an add tries. Each try but a guessed first asks for the highest id
 * again, so it only fails when other admins add this many pets within a few round
 * trips.
 */
export const ADD_ATTEMPTS = 5;

const isConflict = (error: unknown, ...statuses: number[]): error is ApiError =>
  error instanceof ApiError && statuses.includes(error.status);

/**
 * The home page's actions and messages: browsing (through PetPages), buying (and
 * remembering it in MyPurchases), adding and removing, whether a call is in flight,
 * and the last error and confirmation. The API client resolves outside Angular, so
 * every result lands in a signal.
 */
@Injectable()
export class HomeState {
  private readonly api = inject(PetsApi);
  private readonly purchases = inject(MyPurchases);
  private readonly inFlight = signal(0);

  readonly pages = inject(PetPages);
  readonly busy = computed(() => this.inFlight() > 0);
  readonly error = signal<string | null>(null);
  readonly status = signal<string | null>(null);
  /** An admin has the add form open. */
  readonly adding = signal(false);
  /** The id of the pet this admin added last on this page, 0 before the first. */
  private lastAdded = 0;

  /** Shows the first page of a view (the controls changed); true once it is shown. */
  show(view: PetView): Promise<boolean> {
    return this.load(() => this.pages.show(view));
  }

  reload(): Promise<boolean> {
    return this.load(() => this.pages.reload());
  }

  /** Runs a load of the pages (a page turn, say) as an action: false when it failed. */
  load(task: () => Promise<boolean>): Promise<boolean> {
    return this.run(task, false);
  }

  /**
   * Buys a pet and puts the answer's copy of it in its row: one row changes, nothing
   * is downloaded or drawn again. When someone was quicker (409) the row shows the
   * pet sold; when it was removed (404) the row goes.
   */
  buy(pet: Pet): Promise<boolean> {
    const what = petLabel(pet);
    return this.run(async () => {
      try {
        const answer = await this.api.purchase(pet.id);
        // A 200 is the sale: should the answer's page not hold the pet, it is still sold.
        // The row keeps what the public list shows; whose it is lives in MyPurchases.
        const bought = answer.find((p) => p.id === pet.id) ?? pet;
        this.pages.replace({ ...toPublicPet(bought), isSold: true });
        this.purchases.add(pet.id);
        this.status.set(`You bought ${what}.`);
        return true;
      } catch (error) {
        if (isConflict(error, 409)) {
          this.pages.replace({ ...pet, isSold: true });
          throw new ApiError(409, `Sorry, ${what} is no longer available: someone else bought it.`);
        }
        if (isConflict(error, 404)) {
          this.pages.drop(pet.id);
          throw new ApiError(404, `Sorry, ${what} is no longer available: it was removed.`);
        }
        throw error;
      }
    }, false);
  }

  /**
   * Adds a pet under the next free id: the highest id + 1, created only if no pet
   * has it (`If-None-Match: *`). Another admin adding at the same moment gets the
   * id first (409): ask for the highest id again and try the next one.
   */
  add(type: string, price: number): Promise<boolean> {
    return this.run(async () => {
      const pet = await this.create({ type, price });
      this.status.set(await this.showAdded(pet));
      return true;
    }, false);
  }

  /**
   * Removes a pet if it is still the listing the user saw (`If-Match`), then loads
   * the page again so that it stays full. When it was sold or changed (409) or is
   * gone (404), says so and loads the page again to show how things are now.
   */
  remove(pet: Pet): Promise<boolean> {
    const what = petLabel(pet);
    return this.run(async () => {
      try {
        await this.api.remove(pet);
      } catch (error) {
        if (!isConflict(error, 404, 409)) throw error;
        await this.quietReload();
        throw new ApiError(
          error.status,
          error.status === 404
            ? `${capitalize(what)} had already been removed. The page has been refreshed.`
            : `${capitalize(what)} was not removed: it was sold or changed in the meantime. The page has been refreshed.`,
        );
      }
      this.status.set(`Removed ${what}.`);
      await this.quietReload();
      return true;
    }, false);
  }

  private async create(listing: Omit<PetListing, 'id'>): Promise<Pet> {
    // An admin adding pets in a row tries the id after their last one first: a fresh
    // read of the highest id reads every shard of the id index, which costs more than
    // the write. A 409 means another admin took it; then ask.
    let id = this.lastAdded;
    for (let attempt = 1; ; attempt++) {
      if (attempt === 1 && id > 0) {
        id += 1;
      } else {
        // The highest id now, not as a cache last saw it: the new id depends on it.
        const newest = await this.api.page({ sort: '-id', limit: 1 }, { fresh: true });
        id = Math.max(id + 1, (newest.pets[0]?.id ?? 0) + 1);
      }
      try {
        const { pet } = await this.api.put({ id, ...listing }, { createOnly: true });
        this.lastAdded = pet.id;
        return pet;
      } catch (error) {
        if (!isConflict(error, 409)) throw error;
        if (attempt === ADD_ATTEMPTS) {
          throw new ApiError(
            409,
            'Other pets were being added at the same time, so yours was not saved. Please try again.',
          );
        }
      }
    }
  }

  /**
   * Shows a new pet where the user expects it. Newest first (the default) puts it at
   * the top of page 1, so go there: the admin sees what they added, whichever page
   * they were on. In any other order its place is somewhere in the catalogue, and
   * jumping to it would throw away the order the admin chose; stay, load the page
   * again (it shows there if it belongs there) and say where to find it. A view that
   * excludes it (another type, sold only) is not changed behind the admin's back
   * either: the message says so.
   */
  private async showAdded(pet: Pet): Promise<string> {
    const done = `Added ${petLabel(pet)}.`;
    const view = this.pages.view();
    if ((view.type !== '' && view.type !== pet.type) || view.status === 'sold') {
      return `${done} The filters you chose hide it.`;
    }
    if (view.sort === '-id') {
      // On page 1 it shows at once, from the write's answer; the read that follows
      // brings the rest of the page as it is now.
      if (this.pages.putFirst(pet)) await this.quietReload();
      else await this.quietly(() => this.pages.first());
      return done;
    }
    await this.quietReload();
    return `${done} Sort by Newest first to see it at the top.`;
  }

  /** Loads the page again after a write; its failure is not the write's. */
  private quietReload(): Promise<void> {
    return this.quietly(() => this.pages.reload());
  }

  private async quietly(load: () => Promise<unknown>): Promise<void> {
    try {
      await load();
    } catch {
      // Keep the rows shown: what the user needs to read is the outcome of the write.
    }
  }

  private async run<T>(task: () => Promise<T>, failed: T): Promise<T> {
    this.inFlight.update((n) => n + 1);
    this.error.set(null);
    this.status.set(null);
    try {
      return await task();
    } catch (error) {
      this.error.set(describeError(error));
      return failed;
    } finally {
      this.inFlight.update((n) => n - 1);
    }
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
