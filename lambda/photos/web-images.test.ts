import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { photoRejections } from '../../api/photos';
import { imageTypeOf } from './image-type';
import { PhotoRejectedError } from './photo-rejected';
import { phoneJpeg, photoLike, pixelBomb, svgImage, textFile, truncatedJpeg } from './test-images';
import { webImagesOf } from './web-images';

const refusedWith = (reason: string) => (err: unknown) =>
  err instanceof PhotoRejectedError && err.reason === reason;

describe('the web images of an upload', () => {
  it('strips every metadata block: no EXIF (GPS), XMP, ICC or comment survives', async () => {
    const upload = await phoneJpeg();
    const before = await sharp(upload).metadata();
    // The upload does carry them: EXIF with its GPS IFD pointer (tag 0x8825), XMP, ICC.
    assert.ok(before.exif?.toString('latin1').includes('PetCam'));
    assert.ok(
      before.exif?.includes(Buffer.from([0x88, 0x25])) ||
        before.exif?.includes(Buffer.from([0x25, 0x88])),
    );
    assert.ok(before.xmp && before.icc);
    assert.ok(upload.toString('latin1').includes('Hidden Lane'));

    for (const image of await webImagesOf(upload)) {
      const after = await sharp(image.body).metadata();
      assert.equal(after.format, 'webp');
      assert.equal(after.exif, undefined);
      assert.equal(after.xmp, undefined);
      assert.equal(after.icc, undefined);
      assert.equal(after.comments, undefined);
      assert.equal(after.orientation, undefined);
      const bytes = image.body.toString('latin1');
      for (const secret of ['PetCam', 'Secret', 'Hidden Lane', 'EXIF', 'XMP ', 'ICCP']) {
        assert.ok(!bytes.includes(secret), `${secret} in the ${image.width} px image`);
      }
    }
  });

  it('turns the picture upright from its EXIF orientation', async () => {
    // 400x300 stored, orientation 6 (rotate 90° clockwise to view): 300x400 upright.
    const images = await webImagesOf(await phoneJpeg(400, 300));
    assert.deepEqual(
      images.map((i) => [i.width, i.height]),
      [
        [240, 320],
        [300, 400],
      ],
    );
  });

  it('makes 320, 640 and 1280 px on the long side, largest last', async () => {
    const upload = await (await photoLike(2000, 1500)).jpeg().toBuffer();
    const images = await webImagesOf(upload);
    assert.deepEqual(
      images.map((i) => [i.width, i.height]),
      [
        [320, 240],
        [640, 480],
        [1280, 960],
      ],
    );
    for (const image of images) {
      const meta = await sharp(image.body).metadata();
      assert.deepEqual([meta.width, meta.height], [image.width, image.height]);
    }
  });

  it('never enlarges: a small photo is one image at its own size', async () => {
    const upload = await (await photoLike(200, 120)).png().toBuffer();
    const images = await webImagesOf(upload);
    assert.deepEqual(
      images.map((i) => [i.width, i.height]),
      [[200, 120]],
    );
  });

  it('refuses a 50-megapixel PNG that is a few kB on disk', async () => {
    const bomb = await pixelBomb();
    assert.ok(bomb.length < 20_000, `${bomb.length} bytes`);
    assert.equal(await imageTypeOf(bomb), 'image/png');
    await assert.rejects(webImagesOf(bomb), refusedWith(photoRejections.tooManyPixels));
  });

  it('refuses a truncated JPEG rather than showing it half grey', async () => {
    const cut = await truncatedJpeg();
    assert.equal(await imageTypeOf(cut), 'image/jpeg');
    await assert.rejects(webImagesOf(cut), refusedWith(photoRejections.unreadable));
  });
});

describe('the real type of an upload', () => {
  it('is read from the bytes: JPEG, PNG, WebP and AVIF pass', async () => {
    const picture = await photoLike(64, 48);
    assert.equal(await imageTypeOf(await picture.clone().jpeg().toBuffer()), 'image/jpeg');
    assert.equal(await imageTypeOf(await picture.clone().png().toBuffer()), 'image/png');
    assert.equal(await imageTypeOf(await picture.clone().webp().toBuffer()), 'image/webp');
    assert.equal(await imageTypeOf(await picture.clone().avif().toBuffer()), 'image/avif');
  });

  it('refuses text, SVG, GIF and an empty file whatever they were declared as', async () => {
    const gif = await (await photoLike(16, 16)).gif().toBuffer();
    for (const bytes of [textFile, svgImage, gif, Buffer.alloc(0)]) {
      await assert.rejects(imageTypeOf(bytes), refusedWith(photoRejections.notAnImage));
    }
  });
});
