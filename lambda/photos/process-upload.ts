import { createHash } from 'node:crypto';
import type { PetPhoto } from '../../api/pet';
import {
  petIdOfUpload,
  photoKey,
  photoKeysOf,
  photoRejections,
  photoRules,
  photoUrl,
} from '../../api/photos';
import { imageTypeOf } from './image-type';
import type { PetPhotos } from './pet-photos';
import type { PhotoObjects } from './photo-objects';
import { PhotoRejectedError } from './photo-rejected';
import { webImagesOf, type WebImage } from './web-images';

/** An object S3 reported created: its key and when it was (the event's `eventTime`). */
export interface Upload {
  key: string;
  at: string;
}

export type UploadOutcome =
  | { outcome: 'photo set'; petId: number; photo: PetPhoto; replaced: boolean }
  | { outcome: 'refused'; petId: number; reason: string }
  | { outcome: 'no such pet' | 'a later upload won'; petId: number }
  | { outcome: 'not an upload' };

/** What an unexpected failure (S3, DynamoDB) tells the admin: trying again may work. */
export const processingFailed = 'The photo could not be processed. Please try again.';

/**
 * One upload, start to end: its web images, the pet's photo, then the upload deleted,
 * whatever happened. A refused upload records its reason on the pet and changes
 * nothing else; an upload that set no photo (refused, a pet removed meanwhile, a
 * later upload already shown) leaves none of its images behind, and a photo that
 * was replaced has its images deleted once the new one is set.
 */
export async function processUpload(
  upload: Upload,
  objects: PhotoObjects,
  pets: PetPhotos,
): Promise<UploadOutcome> {
  const petId = petIdOfUpload(upload.key);
  try {
    if (petId === undefined) return { outcome: 'not an upload' };
    try {
      return await makePhoto(petId, upload, objects, pets);
    } catch (err) {
      const reason = err instanceof PhotoRejectedError ? err.reason : processingFailed;
      await pets.refuse(petId, { key: upload.key, reason, at: upload.at });
      if (err instanceof PhotoRejectedError) return { outcome: 'refused', petId, reason };
      throw err;
    }
  } finally {
    await objects.delete([upload.key]);
  }
}

async function makePhoto(
  petId: number,
  upload: Upload,
  objects: PhotoObjects,
  pets: PetPhotos,
): Promise<UploadOutcome> {
  const bytes = await objects.get(upload.key, photoRules.maxBytes);
  if (!bytes) throw new PhotoRejectedError(photoRejections.tooLarge);
  await imageTypeOf(bytes);
  const images = await webImagesOf(bytes);
  const keys = imageKeys(petId, upload.key, images);
  const written: string[] = [];
  let result;
  try {
    for (const [i, image] of images.entries()) {
      await objects.putWebImage(keys[i]!, image.body);
      written.push(keys[i]!);
    }
    result = await pets.set(petId, photoOf(images, keys), upload.at);
  } catch (err) {
    await objects.delete(written);
    throw err;
  }
  if (!result.set) {
    await objects.delete(keys);
    return { outcome: result.why, petId };
  }
  if (result.previous) {
    await objects.delete(photoKeysOf(result.previous).filter((k) => !keys.includes(k)));
  }
  return { outcome: 'photo set', petId, photo: photoOf(images, keys), replaced: !!result.previous };
}

/**
 * The images' keys: a hash of the upload's key and the images' bytes, so a key is
 * written once with one content (CloudFront may cache it for a year) and two uploads
 * never share a file that one of them could delete.
 */
function imageKeys(petId: number, uploadKey: string, images: readonly WebImage[]): string[] {
  const hash = createHash('sha256').update(uploadKey);
  for (const image of images) hash.update(image.body);
  const digest = hash.digest('hex').slice(0, 16);
  return images.map((image) => photoKey(petId, digest, Math.max(image.width, image.height)));
}

function photoOf(images: readonly WebImage[], keys: readonly string[]): PetPhoto {
  const largest = images[images.length - 1]!;
  return {
    url: photoUrl(keys[keys.length - 1]!),
    width: largest.width,
    height: largest.height,
    srcset: images.map((image, i) => `${photoUrl(keys[i]!)} ${image.width}w`).join(', '),
  };
}
