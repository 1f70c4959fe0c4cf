import { Injectable, computed, inject, signal } from '@angular/core';
import type { Pet } from '../../../api/pet';
import { ApiError, type Catalogue, PetsApi } from '../api/pets-api';
import { CredentialsError, RoleRefusedError } from '../credentials/credentials';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
export const formatPrice = (price: number): string => usd.format(price);

/** An admin's change, as a function of the catalogue, so it can be re-applied after a conflict. */
type Edit = (pets: Pet[]) => Pet[] | string;

/** The edit no longer makes sense on the refreshed catalogue. */
export class EditSkipped extends Error {
  override readonly name = 'EditSkipped';
}

/** Turns any failure into one sentence for the user. */
export function describeError(error: unknown): string {
  if (
    error instanceof RoleRefusedError ||
    error instanceof CredentialsError ||
    error instanceof EditSkipped
  ) {
    return error.message;
  }
  if (error instanceof ApiError) {
    if (error.status === 403) {
      switch (error.errorType) {
        case 'AccessDeniedException':
          return 'Your role is not allowed to do that.';
        case 'InvalidSignatureException':
          return "The request signature was refused. Check that your computer's clock is correct.";
        case 'UnrecognizedClientException':
        case 'ExpiredTokenException':
          return 'Your AWS credentials were not accepted, even after renewing them. Please log in again.';
      }
    }
    if (error.status === 401)
      return 'Your sign-in is no longer valid. Please log out and log in again.';
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

/**
 * The home page's state: the catalogue, whether a call is in flight, and the last
 * error and confirmation. The API client resolves outside Angular, so every result
 * lands in a signal.
 */
@Injectable()
export class HomeState {
  private readonly api = inject(PetsApi);
  private readonly catalogue = signal<Catalogue>({ pets: [], etag: null });
  private readonly inFlight = signal(0);

  readonly loaded = signal(false);
  readonly busy = computed(() => this.inFlight() > 0);
  readonly error = signal<string | null>(null);
  readonly status = signal<string | null>(null);
  readonly pets = computed(() => this.catalogue().pets);
  readonly forSale = computed(() => this.pets().filter((p) => !p.isSold));
  readonly sold = computed(() => this.pets().filter((p) => p.isSold));

  load(): Promise<boolean> {
    return this.run(async () => {
      this.catalogue.set(await this.api.list());
      this.loaded.set(true);
    });
  }

  buy(pet: Pet): Promise<boolean> {
    const what = `the ${pet.type} for ${formatPrice(pet.price)}`;
    return this.run(async () => {
      try {
        this.catalogue.set(await this.api.purchase(pet.id));
        this.status.set(`You bought ${what}.`);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
          await this.refetch();
          throw new ApiError(
            error.status,
            `Sorry, ${what} is no longer available: someone else bought it or it was removed. The list has been refreshed.`,
          );
        }
        throw error;
      }
    });
  }

  add(type: string, price: number): Promise<boolean> {
    const label = `the ${type} for ${formatPrice(price)}`;
    return this.edit(
      (pets) => [...pets, { id: Math.max(0, ...pets.map((p) => p.id)) + 1, type, price }],
      `Added ${label}.`,
    );
  }

  remove(pet: Pet): Promise<boolean> {
    const label = `the ${pet.type} for ${formatPrice(pet.price)}`;
    return this.edit((pets) => {
      const current = pets.find((p) => p.id === pet.id);
      if (!current) return `The catalogue had changed: ${label} had already been removed.`;
      if (current.isSold) {
        return `The catalogue had changed: ${label} was sold in the meantime, so it stays in the list.`;
      }
      return pets.filter((p) => p.id !== pet.id);
    }, `Removed ${label}.`);
  }

  /**
   * Posts the whole list with the last ETag. On 409 the catalogue changed in
   * between: refetch, re-apply the same edit once to the fresh list, and tell the
   * user; a second conflict is left for the user to retry.
   */
  private edit(change: Edit, done: string): Promise<boolean> {
    return this.run(async () => {
      const attempt = async () => {
        const { pets, etag } = this.catalogue();
        const next = change(pets);
        if (typeof next === 'string') throw new EditSkipped(next);
        this.catalogue.set(await this.api.save(next, etag));
      };
      try {
        await attempt();
        this.status.set(done);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        await this.refetch();
        try {
          await attempt();
        } catch (again) {
          if (again instanceof ApiError && again.status === 409) {
            await this.refetch();
            throw new ApiError(
              409,
              'The catalogue changed again while your change was being saved, so it was not saved. The list has been refreshed; please try again.',
            );
          }
          throw again;
        }
        this.status.set(
          `The catalogue had changed meanwhile; it was refreshed and your change applied. ${done}`,
        );
      }
    });
  }

  private async refetch(): Promise<void> {
    try {
      this.catalogue.set(await this.api.list());
    } catch {
      // keep the old list; the original error is what the user needs to read
    }
  }

  private async run(task: () => Promise<void>): Promise<boolean> {
    this.inFlight.update((n) => n + 1);
    this.error.set(null);
    this.status.set(null);
    try {
      await task();
      return true;
    } catch (error) {
      this.error.set(describeError(error));
      return false;
    } finally {
      this.inFlight.update((n) => n - 1);
    }
  }
}
