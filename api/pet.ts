/**
 * A pet and the rules for what an admin may list: one copy, read by the add form
 * (src/) and by the Lambdas (lambda/), so the browser never accepts what the API
 * refuses, nor the reverse.
 */

/** A pet as the HTTP API carries it (docs/design.md). */
export interface Pet {
  id: number;
  type: string;
  price: number;
  isSold?: boolean;
  soldTo?: string;
  /** The pet's photo, once an admin uploaded one that processPhoto accepted. */
  photo?: PetPhoto;
}

/**
 * A pet's photo as every view carries it: `url` is the largest web image (at most
 * 1280 px on its long side, site-relative, so `img-src 'self'` holds), `width` and
 * `height` its size (the page reserves the box), `srcset` every size with its width.
 */
export interface PetPhoto {
  url: string;
  width: number;
  height: number;
  srcset: string;
}

/** What an admin controls about a pet: sale state is the server's alone. */
export type PetListing = Pick<Pet, 'id' | 'type' | 'price'>;

/**
 * A pet as the public sees it: a sold pet is `isSold: true`, its buyer is not there.
 * `soldTo?: never` makes a full `Pet` (whose soldTo is a string) fail to type-check
 * where a public pet is expected, and toPublicPet builds one field by field.
 */
export type PublicPet = Omit<Pet, 'soldTo'> & { soldTo?: never };

/**
 * The attributes of a PublicPet: all that a public answer may carry. `soldTo` is not
 * among them, so a public read need not even fetch the buyers it must not show
 * (docs/design.md "Buyers' privacy").
 */
export const publicAttributes = ['id', 'type', 'price', 'isSold', 'photo'] as const;

/**
 * The public form of a pet, a stored item or an index entry: the one rule for what
 * the public sees, read by the Lambdas' public answers and by the app wherever it
 * shows a pet to everyone. Built from publicAttributes alone, never by copying and
 * deleting, so a field added to the item later (a buyer's detail) cannot leak through.
 */
export function toPublicPet(source: object): PublicPet {
  const item = source as Record<string, unknown>;
  const pet: PublicPet = {
    id: Number(item['id']),
    type: String(item['type']),
    price: Number(item['price']),
  };
  if (item['isSold'] === true) pet.isSold = true;
  const photo = photoOf(item['photo']);
  if (photo) pet.photo = photo;
  return pet;
}

/** A stored photo, field by field (nothing else it may hold is copied), or undefined. */
export function photoOf(value: unknown): PetPhoto | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { url, width, height, srcset } = value as Record<string, unknown>;
  if (typeof url !== 'string' || typeof srcset !== 'string') return undefined;
  if (typeof width !== 'number' || typeof height !== 'number') return undefined;
  return { url, width, height, srcset };
}

/**
 * The listing rules. A type is well-formed Unicode text (no lone surrogate). A
 * price of 0 is allowed: a free adoption is a real listing, and the API has always
 * accepted it, so stored catalogues may hold one that a
 * tutorial-style client sends back in `POST /pets`. Prices are US dollars, so at
 * most two decimals: 0.999 would be shown as $1.00 and charged as something else.
 */
export const petRules = {
  maxTypeLength: 40,
  minPrice: 0,
  maxPrice: 1_000_000_000,
  priceDecimals: 2,
} as const;

export type TypeProblem = 'missing' | 'empty' | 'tooLong' | 'notText';
export type PriceProblem = 'missing' | 'notFinite' | 'negative' | 'tooHigh' | 'tooPrecise';

export function isPetId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * A pet id written in a path (`/pets/{id}`, in the API and in the app's address):
 * the plain decimal digits of a positive safe integer, no sign, no leading zero, no
 * exponent or other base; undefined for anything else.
 */
export function petIdOfText(text: string | null | undefined): number | undefined {
  const id = typeof text === 'string' && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  return isPetId(id) ? id : undefined;
}

/**
 * Well-formed UTF-16: every surrogate in a pair. JSON and query strings can carry a
 * lone one (`"cat\ud800"`), which no page can show (it becomes U+FFFD) and which
 * differs from what a UTF-8 store or client reads back. Written out rather than
 * `String.prototype.isWellFormed` (ES2024), which the app's TypeScript lib (ES2022)
 * and some of the browsers Angular builds for (Firefox before 119) lack.
 */
const wellFormed = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** What is wrong with a type (after trimming), or null. */
export function typeProblem(value: unknown): TypeProblem | null {
  if (typeof value !== 'string') return 'missing';
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'empty';
  if (trimmed.length > petRules.maxTypeLength) return 'tooLong';
  if (!wellFormed.test(trimmed)) return 'notText';
  return null;
}

/** What is wrong with a price, or null. */
export function priceProblem(value: unknown): PriceProblem | null {
  if (typeof value !== 'number') return 'missing';
  if (!Number.isFinite(value)) return 'notFinite';
  if (value < petRules.minPrice) return 'negative';
  if (value > petRules.maxPrice) return 'tooHigh';
  const cents = value * 10 ** petRules.priceDecimals;
  // Binary floating point: 249.99 * 100 is 24998.999999999996, which is whole cents.
  if (Math.abs(cents - Math.round(cents)) > 1e-6 * Math.max(1, cents)) return 'tooPrecise';
  return null;
}

/**
 * A pet listing's concurrency token: the `ETag` of `PUT /pets/{id}` and what
 * `If-Match` sends back. A digest of what an admin controls (FNV-1a, 2 x 32 bits):
 * the app computes it for a pet it shows, the Lambda for the pet it reads, and the
 * write itself is still conditional on the values read, so a collision could only
 * let a write through that the condition then refuses.
 */
export function listingTag(pet: PetListing): string {
  const text = `${pet.id}\t${pet.type}\t${pet.price}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(36).padStart(7, '0') + b.toString(36).padStart(7, '0');
}
