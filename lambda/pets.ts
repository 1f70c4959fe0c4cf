import { isPetId, petRules, priceProblem, typeProblem, type PetListing } from '../api/pet';
import { BadRequestError } from './errors';

export const limits = {
  /** Lambda's synchronous payload limit is 6 MB; stay clear of it with JSON overhead. */
  maxBodyBytes: 5 * 1024 * 1024,
  maxPets: 60_000,
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON request body, refusing empty, oversized and malformed ones. */
export function parseJsonBody(
  body: string | null,
  isBase64Encoded = false,
): Record<string, unknown> {
  if (body === null || body === '') throw new BadRequestError('The request body is empty.');
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > limits.maxBodyBytes) {
    throw new BadRequestError(`The request body is larger than ${limits.maxBodyBytes} bytes.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError('The request body is not valid JSON.');
  }
  if (!isRecord(value)) throw new BadRequestError('The request body must be a JSON object.');
  return value;
}

function parseListing(value: unknown, index: number): PetListing {
  const at = `pets[${index}]`;
  if (!isRecord(value)) throw new BadRequestError(`${at} must be an object.`);
  const { id, type, price } = value;
  if (!isPetId(id)) throw new BadRequestError(`${at}.id must be a positive integer.`);
  switch (typeProblem(type)) {
    case 'missing':
      throw new BadRequestError(`${at}.type must be a string.`);
    case 'empty':
      throw new BadRequestError(`${at}.type must not be empty.`);
    case 'tooLong':
      throw new BadRequestError(`${at}.type must be at most ${petRules.maxTypeLength} characters.`);
  }
  switch (priceProblem(price)) {
    case 'missing':
    case 'notFinite':
      throw new BadRequestError(`${at}.price must be a finite number.`);
    case 'negative':
    case 'tooHigh':
      throw new BadRequestError(
        `${at}.price must be between ${petRules.minPrice} and ${petRules.maxPrice}.`,
      );
    case 'tooPrecise':
      throw new BadRequestError(
        `${at}.price must have at most ${petRules.priceDecimals} decimals (whole cents).`,
      );
  }
  // isSold and soldTo are ignored on purpose: POST /pets cannot create, change or undo a sale.
  return { id, type: (type as string).trim(), price: price as number };
}

export interface UpdateRequest {
  pets: PetListing[];
  /** The catalogue token the admin's list was based on, if the client sent one. */
  etag?: string;
}

/** Validates a POST /pets body: `{ pets: Pet[], etag?: string }`. */
export function parseUpdateRequest(body: Record<string, unknown>): UpdateRequest {
  const { pets, etag } = body;
  if (!Array.isArray(pets)) throw new BadRequestError('pets must be an array of pets.');
  if (pets.length > limits.maxPets) {
    throw new BadRequestError(`pets must hold at most ${limits.maxPets} pets.`);
  }
  const listings = pets.map(parseListing);
  const seen = new Set<number>();
  for (const { id } of listings) {
    if (seen.has(id)) throw new BadRequestError(`pets has more than one pet with id ${id}.`);
    seen.add(id);
  }
  if (etag !== undefined && (typeof etag !== 'string' || etag.length === 0 || etag.length > 200)) {
    throw new BadRequestError('etag must be the string from the ETag header of GET /pets.');
  }
  return { pets: listings, etag: etag === undefined ? undefined : unquote(etag) };
}

/** Accepts the ETag header's value as sent (`"abc"`, `W/"abc"`) or bare (`abc`). */
export function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** Validates a POST /pets/purchase body's petId (authToken is checked first, elsewhere). */
export function parsePetId(body: Record<string, unknown>): number {
  const { petId } = body;
  if (petId === undefined) throw new BadRequestError('petId is required.');
  if (!isPetId(petId)) throw new BadRequestError('petId must be a positive integer.');
  return petId;
}
