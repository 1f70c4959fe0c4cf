// A store front whose first page shows a photo in every row, for the page bench: each
// pet of the first page given a photo the way an admin gives one, through the running
// local cloud:
// signed in over HTTP, the signed `POST /pets/{id}/photo` for an upload form, the
// JPEG posted to the local S3 as multipart/form-data, and the real processPhoto
// Lambda, started by S3's event, making the web images and setting the pet's
// `photo`. The real path rather than writing the images and the attribute directly
// with lambda/photos/'s functions: it is what a store's photos go through, and 50
// uploads take about 20 s on two cores (making the JPEGs included).
import type { Pet } from '../api/pet';
import { photoLike } from '../lambda/photos/test-images';
import { signIn, signedFetch, type Caller, type Endpoints } from './http-caller';

/**
 * The rows of the store front's first page: the app's PAGE_SIZE
 * (src/app/pet-list/cursor-pages.ts), newest first (`defaultView` in
 * src/app/home/pet-pages.ts). The bench's check of the rendered list fails if the
 * app shows more rows than this, so the two cannot drift apart unseen.
 */
export const firstPageSize = 50;
const firstPageQuery = `pets?limit=${firstPageSize}&sort=-id`;

export interface PhotoStore {
  /** The pets of the store front's first page, each with its photo. */
  pets: Pet[];
  /** The uploads' sizes in bytes. */
  uploadBytes: number[];
  /** From the first upload form to the last photo seen in the list. */
  seconds: number;
}

/** Gives every pet of the first page a photo; `at` names the cloud's site, IdP and AWS edge. */
export async function giveFirstPagePhotos(at: Endpoints): Promise<PhotoStore> {
  const api = `${at.aws}/test`;
  const pets = (await (await fetch(`${api}/${firstPageQuery}`)).json()) as Pet[];
  if (pets.length !== firstPageSize) throw new Error(`the first page holds ${pets.length} pets`);
  const admin = await signIn(at, { email: 'admin@example.com', password: 'Pets-admin-1' }, 'admin');
  const started = performance.now();
  const uploadBytes: number[] = [];
  // Four at a time, as a few admins' browsers would: processPhoto runs in the
  // background of each, so more would only queue on the two cores.
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < pets.length) {
        const i = next++;
        const jpeg = await petJpeg(i);
        await uploadPhoto(api, admin, pets[i]!.id, jpeg);
        uploadBytes.push(jpeg.length);
      }
    }),
  );
  const shown = await firstPageWithPhotos(api, admin);
  return { pets: shown, uploadBytes, seconds: (performance.now() - started) / 1000 };
}

/**
 * The i-th pet's photo: a photo-like JPEG (lambda/photos/test-images.ts) of its own
 * size, orientation and colours, 0.75 to 1.9 megapixels, as a phone's picture scaled
 * down for the web would be: each pet's row looks different and compresses as a
 * photo does.
 */
async function petJpeg(i: number): Promise<Buffer> {
  const long = 1000 + ((i * 97) % 7) * 100;
  const [width, height] = i % 5 === 4 ? [(long * 3) / 4, long] : [long, (long * 3) / 4];
  return (await photoLike(width, height))
    .modulate({ hue: (i * 47) % 360, saturation: 0.7 + ((i * 13) % 7) / 10 })
    .jpeg({ quality: 80 + (i % 3) * 5, mozjpeg: true })
    .toBuffer();
}

/** One upload as the pet page makes it: the upload form, then the form and file to S3. */
async function uploadPhoto(api: string, admin: Caller, petId: number, jpeg: Buffer) {
  const formAnswer = await signedFetch(admin, 'POST', `${api}/pets/${petId}/photo`, {
    contentType: 'image/jpeg',
  });
  if (formAnswer.status !== 200) {
    throw new Error(`POST /pets/${petId}/photo: ${formAnswer.status} ${await formAnswer.text()}`);
  }
  const form = (await formAnswer.json()) as { url: string; fields: Record<string, string> };
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), `${petId}.jpg`);
  const posted = await fetch(form.url, { method: 'POST', body });
  if (!posted.ok) throw new Error(`S3 refused pet ${petId}'s photo: ${await posted.text()}`);
}

/**
 * The first page once processPhoto has given each of its pets a photo (the uploads'
 * events run after S3 answered), read from the API itself, not the CDN; a refused
 * upload's reason, from the admin's `GET /pets/{id}/photo`, if one never comes.
 */
async function firstPageWithPhotos(api: string, admin: Caller): Promise<Pet[]> {
  let pets: Pet[] = [];
  for (let attempt = 0; attempt < 300; attempt++) {
    pets = (await (await fetch(`${api}/${firstPageQuery}`)).json()) as Pet[];
    if (pets.every((pet) => pet.photo)) return pets;
    await new Promise((done) => setTimeout(done, 200));
  }
  const missing = pets.filter((pet) => !pet.photo);
  const states = await Promise.all(
    missing.map(async (pet) => {
      const state = await signedFetch(admin, 'GET', `${api}/pets/${pet.id}/photo`);
      return `${pet.id}: ${await state.text()}`;
    }),
  );
  throw new Error(`no photo after 60 s for ${missing.length} pets:\n${states.join('\n')}`);
}
