import sharp, { type Sharp } from 'sharp';
import { photoRejections, photoRules } from '../../api/photos';
import { PhotoRejectedError } from './photo-rejected';

/** One web image of a photo. */
export interface WebImage {
  width: number;
  height: number;
  body: Buffer;
}

/** WebP quality: 80 keeps a camera photo's 320 px image near 11 kB with no visible loss (bench/README.md). */
const quality = 80;

/**
 * The WebP images of an upload, one per width of photoRules.widths that the photo
 * reaches (never enlarged; a smaller photo gives one image at its own size), largest
 * last. sharp decodes at most photoRules.maxPixels and refuses a truncated or damaged
 * file rather than filling it with grey; the picture is turned upright from its EXIF
 * orientation. Every output is re-encoded from pixels alone, so no metadata (EXIF
 * with GPS, XMP, ICC, comments) reaches it.
 */
export async function webImagesOf(bytes: Uint8Array): Promise<WebImage[]> {
  const largest = photoRules.widths[photoRules.widths.length - 1]!;
  // Decoded once, at the largest size: the smaller ones are made from these pixels.
  const { data, info } = await refuseUnreadable(() =>
    open(bytes)
      .rotate()
      .resize({ width: largest, height: largest, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  );
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const longSide = Math.max(info.width, info.height);
  const widths = photoRules.widths.filter((w) => w < longSide);
  const images: WebImage[] = [];
  for (const width of [...widths, longSide]) {
    const pipeline = sharp(data, { raw }).resize({
      width,
      height: width,
      fit: 'inside',
      withoutEnlargement: true,
    });
    const out = await pipeline.webp({ quality }).toBuffer({ resolveWithObject: true });
    images.push({ width: out.info.width, height: out.info.height, body: out.data });
  }
  return images;
}

function open(bytes: Uint8Array): Sharp {
  // failOn 'truncated': a cut-off upload is refused, as is anything libvips cannot decode.
  return sharp(bytes, { limitInputPixels: photoRules.maxPixels, failOn: 'truncated' });
}

/** sharp's failures as the reasons the admin sees. */
async function refuseUnreadable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/pixel limit/i.test(message)) throw new PhotoRejectedError(photoRejections.tooManyPixels);
    throw new PhotoRejectedError(photoRejections.unreadable);
  }
}
