import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { photoRejections, photoRules } from '../api/photos';
import { phoneJpeg, textFile } from '../lambda/photos/test-images';
import {
  expect,
  filterByType,
  petItem,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

/** An admin adds a pet and opens its page from the list. */
async function openNewPet(adminPage: Page, type: string): Promise<void> {
  await stockPets(adminPage, [[type, '20.00']]);
  await petItem(adminPage, type).getByRole('link', { name: type }).click();
  await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText(type);
  await expect(adminPage.getByRole('img', { name: `No photo of the ${type} yet` })).toBeVisible();
}

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.getByLabel('Photo', { exact: true }).setInputFiles({ name, mimeType, buffer });
  await page.getByRole('button', { name: 'Upload photo' }).click();
}

test('an admin uploads a photo from the pet page; a buyer sees it in the list and on the page, with no EXIF or GPS', async ({
  page,
  person,
}) => {
  const type = uniqueType('photo');
  await openNewPet(page, type);

  // A phone's photo: 1600×1200, EXIF with GPS, XMP, an ICC profile and a comment.
  const jpeg = await phoneJpeg(1600, 1200);
  const original = await sharp(jpeg).metadata();
  expect(original.exif).toBeDefined();

  await upload(page, 'pet.jpg', 'image/jpeg', jpeg);
  await expect(page.getByRole('status').filter({ hasText: 'Photo updated.' })).toBeVisible({
    timeout: 20_000,
  });
  const photo = page.getByRole('img', { name: `Photo of the ${type}` });
  await expect(photo).toBeVisible();
  await expect(photo).toHaveAttribute(
    'srcset',
    /^\/photos\/\S+ 240w, \/photos\/\S+ 480w, \/photos\/\S+ 960w$/,
  );
  await expect(photo).toHaveAttribute('sizes', /.+/);
  await expect(photo).toHaveAttribute('decoding', 'async');
  // The phone's orientation tag turned it upright: 1200×1600 becomes 960×1280.
  await expect(photo).toHaveAttribute('width', '960');
  await expect(photo).toHaveAttribute('height', '1280');
  expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  // The served image: immutable, and nothing of the camera's metadata left.
  const src = (await photo.getAttribute('src'))!;
  expect(src).toMatch(/^\/photos\//);
  const served = await page.request.get(src);
  expect(served.status()).toBe(200);
  expect(served.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const bytes = await served.body();
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('webp');
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.icc).toBeUndefined();
  expect(bytes.includes(Buffer.from('Secret'))).toBe(false);
  expect(bytes.includes(Buffer.from('Exif'))).toBe(false);

  // A buyer, in another browser: the row's thumbnail and the page's photo.
  const buyer = await person();
  await signInAsBuyer(buyer, `photo-${Date.now()}@example.com`);
  await filterByType(buyer, type);
  const thumb = petItem(buyer, type).getByRole('img', { name: `Photo of the ${type}` });
  await expect(thumb).toBeVisible();
  await expect(thumb).toHaveAttribute('src', src);
  await expect(thumb).toHaveAttribute('loading', 'eager');
  await petItem(buyer, type).getByRole('link', { name: type }).click();
  await expect(buyer.getByRole('img', { name: `Photo of the ${type}` })).toHaveAttribute(
    'src',
    src,
  );
  await expect(buyer.getByLabel('Photo', { exact: true })).toHaveCount(0);
  await expect(buyer.getByRole('button', { name: 'Upload photo' })).toHaveCount(0);
});

test('a file that is not an image gets processPhoto’s reason, and the pet keeps no photo', async ({
  page,
}) => {
  const type = uniqueType('badphoto');
  await openNewPet(page, type);
  // Text named .jpg: the browser declares image/jpeg, S3 takes it, processing refuses it.
  await upload(page, 'not-a-photo.jpg', 'image/jpeg', textFile);
  await expect(page.getByRole('alert')).toHaveText(photoRejections.notAnImage, {
    timeout: 20_000,
  });
  await expect(page.getByRole('img', { name: `No photo of the ${type} yet` })).toBeVisible();
});

test('a file over 10 MB is refused by S3, in words', async ({ page }) => {
  const type = uniqueType('bigphoto');
  await openNewPet(page, type);
  const big = Buffer.alloc(photoRules.maxBytes + 1, 0xff);
  await upload(page, 'huge.jpg', 'image/jpeg', big);
  await expect(page.getByRole('alert')).toHaveText(
    'The photo is larger than 10 MB. Choose a smaller one.',
  );
  await expect(page.getByRole('img', { name: `No photo of the ${type} yet` })).toBeVisible();
});
