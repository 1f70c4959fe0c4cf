import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  isPetId,
  petIdOfText,
  petRules,
  priceProblem,
  typeProblem,
  type PetListing,
} from '../../api/pet';
import {
  pageLimit,
  petSorts,
  petStatuses,
  type PetSort,
  type PetStatus,
} from '../../api/pet-query';
import { replaceLimit } from '../store/catalogue-replace';
import type { Preconditions } from '../store/pet-writes';
import type { PageQuery } from './cursor';
import { BadRequestError, PayloadTooLargeError } from './errors';

export const limits = {
  /** Lambda's synchronous payload limit is 6 MB; stay clear of it with JSON overhead. */
  maxBodyBytes: 5 * 1024 * 1024,
  /** POST /pets replaces a store of at most one page with a list of at most one page. */
  maxPets: replaceLimit,
} as const;

/** A request header by name, whatever case the client (or the gateway) gave it. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

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
  const { id } = value;
  if (!isPetId(id)) throw new BadRequestError(`${at}.id must be a positive integer.`);
  return { id, ...parseTypeAndPrice(value, `${at}.`) };
}

/** `type` and `price` by the listing rules; `at` prefixes the field names in messages. */
function parseTypeAndPrice(value: Record<string, unknown>, at = ''): Omit<PetListing, 'id'> {
  const { type, price } = value;
  switch (typeProblem(type)) {
    case 'missing':
      throw new BadRequestError(`${at}type must be a string.`);
    case 'empty':
      throw new BadRequestError(`${at}type must not be empty.`);
    case 'tooLong':
      throw new BadRequestError(`${at}type must be at most ${petRules.maxTypeLength} characters.`);
    case 'notText':
      throw new BadRequestError(`${at}type must be text (it holds a lone UTF-16 surrogate).`);
  }
  switch (priceProblem(price)) {
    case 'missing':
    case 'notFinite':
      throw new BadRequestError(`${at}price must be a finite number.`);
    case 'negative':
    case 'tooHigh':
      throw new BadRequestError(
        `${at}price must be between ${petRules.minPrice} and ${petRules.maxPrice}.`,
      );
    case 'tooPrecise':
      throw new BadRequestError(
        `${at}price must have at most ${petRules.priceDecimals} decimals (whole cents).`,
      );
  }
  // isSold and soldTo are ignored on purpose: an admin's write cannot create, change or undo a sale.
  return { type: (type as string).trim(), price: price as number };
}

/** A PUT /pets/{id} body: `{ type, price }` by the listing rules; sale fields are ignored. */
export function parseListingBody(body: Record<string, unknown>): Omit<PetListing, 'id'> {
  return parseTypeAndPrice(body);
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
    throw new PayloadTooLargeError(
      `POST /pets takes at most ${limits.maxPets} pets: ` +
        'use PUT /pets/{id} and DELETE /pets/{id} to add, change and remove pets one by one.',
    );
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

/** The `{id}` of /pets/{id}: digits of a positive safe integer, nothing else. */
export function parsePathId(event: APIGatewayProxyEvent): number {
  const id = petIdOfText(event.pathParameters?.['id']);
  if (id === undefined) {
    throw new BadRequestError('The pet id in the path must be a positive integer.');
  }
  return id;
}

/** A listing tag as ETag carries it: quoted, perhaps weak (`W/"…"`), or bare. */
const ENTITY_TAG = /^(?:W\/)?"([\w-]{1,64})"$|^([\w-]{1,64})$/;

/**
 * If-Match (`*` or listing tags) and, when `noneMatch`, If-None-Match (`*` only: create
 * only). Anything else there is a 400, never silently an unconditional write.
 */
export function parsePreconditions(
  event: APIGatewayProxyEvent,
  options: { noneMatch: boolean },
): Preconditions {
  const pre: Preconditions = {};
  const ifMatch = header(event, 'If-Match')?.trim();
  if (ifMatch !== undefined) {
    if (ifMatch === '*') pre.ifMatch = '*';
    else {
      const tags = ifMatch.split(',').map((t) => ENTITY_TAG.exec(t.trim()));
      if (tags.length > 20 || tags.some((t) => t === null)) {
        throw new BadRequestError('If-Match must be * or the ETag of the pet, as it came.');
      }
      pre.ifMatch = tags.map((t) => t![1] ?? t![2]!);
    }
  }
  const ifNoneMatch = options.noneMatch ? header(event, 'If-None-Match')?.trim() : undefined;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*') {
      throw new BadRequestError('If-None-Match must be * (create the pet only if it is new).');
    }
    if (pre.ifMatch !== undefined) {
      throw new BadRequestError('Send If-Match or If-None-Match, not both.');
    }
    pre.ifNoneMatch = '*';
  }
  return pre;
}

export interface PetPageRequest {
  query: PageQuery;
  limit: number;
  cursor?: string;
  /** The query's parameters, normalised, for the next page's URL. */
  params: Record<string, string>;
}

/** A query string parameter by name; a repeated one is a 400. */
type QueryReader = (name: string) => string | undefined;

function queryReader(event: APIGatewayProxyEvent): QueryReader {
  const single = event.queryStringParameters ?? {};
  const multi = event.multiValueQueryStringParameters ?? {};
  return (name) => {
    if ((multi[name]?.length ?? 0) > 1) {
      throw new BadRequestError(`${name} is given more than once.`);
    }
    return multi[name]?.[0] ?? single[name] ?? undefined;
  };
}

/** `limit` (1–1000, default 1000) and `cursor`, the paging every listing takes. */
function parsePaging(param: QueryReader): {
  limit: number;
  cursor?: string;
  params: Record<string, string>;
} {
  const params: Record<string, string> = {};
  let limit: number = pageLimit.default;
  const rawLimit = param('limit');
  if (rawLimit !== undefined) {
    limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= pageLimit.min && limit <= pageLimit.max)) {
      throw new BadRequestError(
        `limit must be a whole number from ${pageLimit.min} to ${pageLimit.max}.`,
      );
    }
    params['limit'] = String(limit);
  }
  const cursor = param('cursor');
  return { limit, params, ...(cursor !== undefined && { cursor }) };
}

/** GET /pets's query string: `limit`, `cursor`, `status`, `type`, `sort`; others are ignored. */
export function parsePetQuery(event: APIGatewayProxyEvent): PetPageRequest {
  const param = queryReader(event);
  const { limit, cursor, params } = parsePaging(param);

  const query: PageQuery = { sort: 'id' };
  const status = param('status');
  if (status !== undefined) {
    if (!petStatuses.includes(status as PetStatus)) {
      throw new BadRequestError(`status must be ${petStatuses.join(' or ')}.`);
    }
    query.status = status as PetStatus;
    params['status'] = status;
  }
  const type = param('type');
  if (type !== undefined) {
    switch (typeProblem(type)) {
      case 'empty':
        throw new BadRequestError('type must not be empty.');
      case 'tooLong':
        throw new BadRequestError(`type must be at most ${petRules.maxTypeLength} characters.`);
      case 'notText':
        throw new BadRequestError('type must be text (it holds a lone UTF-16 surrogate).');
    }
    // Stored types are trimmed (the listing rules), so a filter is too.
    query.type = type.trim();
    params['type'] = query.type;
  }
  const sort = param('sort');
  if (sort !== undefined) {
    if (!petSorts.includes(sort as PetSort)) {
      throw new BadRequestError(`sort must be one of ${petSorts.join(', ')}.`);
    }
    query.sort = sort as PetSort;
    params['sort'] = sort;
  }
  return { query, limit, params, ...(cursor !== undefined && { cursor }) };
}

/** A page of a sold-pets view: how many, after which cursor, and the next URL's query. */
export interface SoldPageParams {
  limit: number;
  cursor?: string;
  params: Record<string, string>;
}

/**
 * The query string of GET /pets/sales and POST /pets/mine: `limit` and `cursor` as for
 * GET /pets. Other parameters are ignored as GET /pets ignores its unknown ones,
 * except GET /pets's own filters and order (`status`, `type`, `sort`): these views
 * have one order and no filter, and a 200 that silently ignored `sort=price` would
 * answer another question than the one asked, so they are a 400.
 */
export function parseSoldPageQuery(event: APIGatewayProxyEvent, route: string): SoldPageParams {
  const param = queryReader(event);
  for (const name of ['status', 'type', 'sort']) {
    if (param(name) !== undefined) {
      throw new BadRequestError(
        `${route} takes no ${name}: it lists sold pets, newest (highest id) first, ` +
          'paged by limit and cursor only.',
      );
    }
  }
  return parsePaging(param);
}
