import { Injectable, computed, inject } from '@angular/core';
import type { Pet } from '../../../api/pet';
import { ApiError, type PetPage, PetsApi } from '../api/pets-api';
import { PetPages } from '../home/pet-pages';

/**
 * The one pet of a pet page (`GET /pets/{id}`), in the shape of the home page's
 * catalogue, so that the home's actions (HomeState: buy, remove, their messages) run
 * on it unchanged: a purchase puts the sold pet here, a removal or a 404 empties it.
 * Its "page" is the pet, or nothing when the store has no such pet.
 */
@Injectable()
export class OnePet extends PetPages {
  private readonly petsApi = inject(PetsApi);
  /** The pet's id, from the page's address (set before the first load). */
  id = 0;
  /** The pet, once loaded; null while loading, when it failed, or when there is none. */
  readonly pet = computed<Pet | null>(() => this.pets()[0] ?? null);
  /** Loaded, and the store has no such pet (any more). */
  readonly missing = computed(() => this.loaded() && this.pets().length === 0);

  protected override async load(): Promise<PetPage> {
    try {
      return { pets: [await this.petsApi.pet(this.id)], etag: null };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { pets: [], etag: null };
      throw error;
    }
  }
}
