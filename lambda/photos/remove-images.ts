import type { PetPhoto } from '../../api/pet';
import { photoKeysOf } from '../../api/photos';
import { logger } from '../observability';
import { S3PhotoObjects, type PhotoObjects } from './photo-objects';

/**
 * Deletes the images of removed pets' photos. The pets are gone by then, so a failure
 * here does not fail the request (the client would retry a removal that happened):
 * it is a WARN naming the keys left behind.
 */
export async function removeImagesOf(
  photos: readonly PetPhoto[],
  objects: () => PhotoObjects = () => new S3PhotoObjects(),
): Promise<void> {
  const keys = photos.flatMap(photoKeysOf);
  if (!keys.length) return;
  try {
    await objects().delete(keys);
  } catch (error) {
    logger.warn('photo images not deleted', { keys, error });
  }
}
