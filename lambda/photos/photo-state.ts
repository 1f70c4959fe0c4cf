import { photoOf, type PetPhoto } from '../../api/pet';
import type { PetItem, PhotoError } from '../../api/pet-table';

/**
 * What an admin's page learns about a pet's photo after an upload: the photo it
 * carries now and, when processPhoto refused the latest upload it saw, why. The key
 * comes with the reason, so the page shows only the refusal of the upload it started.
 */
export interface PhotoState {
  photo?: PetPhoto;
  error?: PhotoError;
}

/** A stored pet's photo state, field by field (nothing else of the item is copied). */
export function photoStateOf(item: PetItem): PhotoState {
  const state: PhotoState = {};
  const photo = photoOf(item.photo);
  if (photo) state.photo = photo;
  const error = item.photoError as Partial<PhotoError> | undefined;
  if (
    typeof error?.key === 'string' &&
    typeof error.reason === 'string' &&
    typeof error.at === 'string'
  ) {
    state.error = { key: error.key, reason: error.reason, at: error.at };
  }
  return state;
}
