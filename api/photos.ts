/**
 * Pet photos (docs/design.md "Pet photos"): what an upload may be, where its bytes and
 * the web images made from it live in the photos bucket, and how the site serves them.
 * The upload form's Lambda, processPhoto, the stack (bucket, notification, CloudFront
 * behavior) and the local S3 all read these, so a key or a limit is decided once; the
 * bucket's prefixes themselves are photo-bucket.ts's.
 */
import { photoPrefix, photoUploadPrefix } from './photo-bucket';

/** The content types an admin may declare for an upload, and that the bytes must be. */
export const photoContentTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/avif'] as const;
export type PhotoContentType = (typeof photoContentTypes)[number];

export function isPhotoContentType(value: unknown): value is PhotoContentType {
  return typeof value === 'string' && (photoContentTypes as readonly string[]).includes(value);
}

export const photoRules = {
  /**
   * The largest upload S3 accepts (the form's content-length-range): 10 MiB, API
   * Gateway's own body limit, which the browser never meets since it posts to S3.
   */
  maxBytes: 10 * 1024 * 1024,
  /** How long an upload form is valid. */
  formSeconds: 300,
  /** The most pixels processPhoto decodes (sharp's limitInputPixels): a pixel bomb stops here. */
  maxPixels: 40_000_000,
  /** The web images' sizes, by their long side; an image smaller than one is not enlarged. */
  widths: [320, 640, 1280] as const,
} as const;

/** The key of one upload form, under the bucket's upload prefix: the pet's id, then a random token. */
export function uploadKey(petId: number, token: string): string {
  return `${photoUploadPrefix}${petId}/${token}`;
}

const uploadKeyPattern = new RegExp(`^${photoUploadPrefix}([1-9]\\d{0,15})/[A-Za-z0-9_-]{16,64}$`);

/** The pet an upload is for, or undefined when the key is not one uploadKey makes. */
export function petIdOfUpload(key: string): number | undefined {
  const match = uploadKeyPattern.exec(key);
  if (!match) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A web image's key: never rewritten, so it may be cached for a year. */
export function photoKey(petId: number, hash: string, width: number): string {
  return `${photoPrefix}${petId}/${hash}-${width}.webp`;
}

/** The site-relative URL a key is served at (CloudFront's `/photos/*` behavior). */
export function photoUrl(key: string): string {
  return `/${key}`;
}

/** The keys of a photo's images, from the URLs in its srcset. */
export function photoKeysOf(photo: { url: string; srcset: string }): string[] {
  const urls = [photo.url, ...photo.srcset.split(',').map((entry) => entry.trim().split(' ')[0])];
  return [
    ...new Set(
      urls
        .filter((u): u is string => !!u && u.startsWith(`/${photoPrefix}`))
        .map((u) => u.slice(1)),
    ),
  ];
}

/** What the web images are served with, from S3 and from the site. */
export const photoHeaders = {
  'Content-Type': 'image/webp',
  'Cache-Control': 'public, max-age=31536000, immutable',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** The reasons an upload is refused, as the admin's page shows them. */
export const photoRejections = {
  notAnImage: 'That file is not a JPEG, PNG, WebP or AVIF image.',
  tooManyPixels: `The photo is larger than ${photoRules.maxPixels / 1_000_000} megapixels.`,
  unreadable: 'The photo could not be read in full: the file is damaged or incomplete.',
  tooLarge: `The file is larger than ${photoRules.maxBytes / 1024 / 1024} MB.`,
} as const;
