import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { petRules } from '../../api/pet';
import { petSorts, petStatuses, type PetSort, type PetStatus } from '../../api/pet-query';
import { priceKeyPattern, shardLayout } from '../../api/pet-table';
import { EnvironmentError } from '../config';
import { BadRequestError } from './errors';

/*
 * The `cursor` of GET /pets: where the previous page ended, for the query it was made
 * for. Opaque and tamper-proof: a base64url JSON payload and an HMAC-SHA256 tag over
 * it, keyed by a secret only the Lambdas can read. A client cannot make a cursor that
 * starts a read anywhere but where one of our pages ended, nor reuse one for another
 * query (another index or partition, where its key would mean something else).
 *
 * One sort key is the position in every shard a page merges (lambda/store/
 * shard-merge.ts says why that holds while pets move between shards), so a cursor
 * needs no position per shard; it names the shard layout instead, since that key
 * would mean another page in another layout.
 *
 * GET /pets/sales pages with the same cursors, bound to that view: its payload says
 * `w: 'sales'` (a GET /pets cursor has no `w`), so a
 * cursor of one listing is refused by the other even where the index, partition and
 * order are the same (GET /pets?status=sold&sort=-id reads what the sales view reads).
 *
 * POST /pets/mine's cursor (`encodePosition`) is different on purpose: unsigned. Its
 * Lambda holds no cursor key (api/handlers.ts gives it the table and the identity
 * provider only), and needs none: what it reads is the partition of the verified
 * token's email, so a made-up position can only start the caller's own purchases at
 * another id. It is still bound to its view: each format is refused by the others.
 */

/** What a page was asked for: the part of a query a cursor is bound to. */
export interface PageQuery {
  sort: PetSort;
  status?: PetStatus;
  type?: string;
}

/** The signed listings: GET /pets (public) and GET /pets/sales (admin). */
export type CursorView = 'pets' | 'sales';

/** What each view is called in messages. */
const viewNames: Record<CursorView | 'mine', string> = {
  pets: 'GET /pets',
  sales: 'GET /pets/sales',
  mine: 'POST /pets/mine',
};

/** A cursor's content: the query it belongs to, and the sort key of its page's last pet. */
export interface CursorState extends PageQuery {
  /** An id for the id sorts, a priceKey for the price sorts. */
  after: number | string;
}

/**
 * The signed format. Version 2 names the index layout (`l`): a position in one layout
 * of shards would mean something else in another, so a cursor of another layout, or
 * of version 1 (one partition per status), is refused with a 400 of its own.
 */
const VERSION = 2;
/** POST /pets/mine's unsigned format: the byBuyer index it reads has no shards. */
const POSITION_VERSION = 1;
/** 128 bits of tag: forging one is 2^128 guesses; the full 256 would only lengthen URLs. */
const TAG_BYTES = 16;
/** Far past any cursor we make (a 40-character type is the longest part), short of abuse. */
const MAX_CURSOR_LENGTH = 512;
/** Too short a key would make tags guessable offline from the cursors we hand out. */
const MIN_KEY_BYTES = 32;
/** How long a container keeps the key before asking Secrets Manager again. */
const KEY_MAX_AGE_SECONDS = 300;

interface Payload {
  v: number;
  /** The shard layout of the indexes (api/pet-table.ts `shardLayout`); signed cursors only. */
  l?: string;
  /** The view; absent for GET /pets. */
  w?: CursorView | 'mine';
  s: PetSort;
  st?: PetStatus;
  t?: string;
  a: number | string;
}

function tagOf(payload: string, key: Uint8Array): Buffer {
  // The prefix keeps these tags apart from any other use the key might ever get.
  return createHmac('sha256', key).update(`pets-cursor.${payload}`).digest().subarray(0, TAG_BYTES);
}

export function encodeCursor(
  state: CursorState,
  key: Uint8Array,
  view: CursorView = 'pets',
  layout: string = shardLayout,
): string {
  const payload: Payload = { v: VERSION, l: layout, s: state.sort, a: state.after };
  if (view !== 'pets') payload.w = view;
  if (state.status !== undefined) payload.st = state.status;
  if (state.type !== undefined) payload.t = state.type;
  const text = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${text}.${tagOf(text, key).toString('base64url')}`;
}

const INVALID = 'cursor is not valid: pass the cursor of a Link header exactly as it came.';
const OUTDATED =
  "cursor was made for an earlier layout of the store's indexes; start again without a cursor.";
const OTHER_LAYOUT =
  "cursor was made for another layout of the store's indexes; start again without a cursor.";

/**
 * The state of a cursor made for `query` with `key`; 400 for one that is malformed,
 * was not made with the key (tampered, forged, truncated, or from before a key
 * rotation), or belongs to another view or query. Nothing is read before this passes.
 */
export function decodeCursor(
  cursor: string,
  query: PageQuery,
  key: Uint8Array,
  view: CursorView = 'pets',
): CursorState {
  const parts = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
  const [text, tag] = parts;
  if (parts.length === 1 && positionOf(cursor) !== undefined) throw otherView('mine', view);
  if (parts.length !== 2 || !isBase64url(text!) || !isBase64url(tag!)) {
    throw new BadRequestError(INVALID);
  }
  // Compared as text: base64url's last character has spare bits, so two tags that
  // decode alike would otherwise both pass, and a changed cursor must never pass.
  const given = Buffer.from(tag!);
  const expected = Buffer.from(tagOf(text!, key).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BadRequestError(INVALID);
  }
  // Signed by us, so well-formed unless our own format changed: still checked, as a
  // cursor from an older version must be refused, not misread.
  const json = Buffer.from(text!, 'base64url').toString('utf8');
  const made = madeFor(json);
  if (made === 'version 1') throw new BadRequestError(OUTDATED);
  if (made && made.layout !== shardLayout) throw new BadRequestError(OTHER_LAYOUT);
  const state = parsePayload(json);
  if (!state) throw new BadRequestError(INVALID);
  const madeView = viewOf(json);
  if (madeView !== view) throw otherView(madeView, view);
  if (state.sort !== query.sort || state.status !== query.status || state.type !== query.type) {
    throw new BadRequestError(
      `cursor belongs to another query (${describeQuery(state)}); ` +
        `repeat that query's sort, status and type with it, or start again without a cursor.`,
    );
  }
  return state;
}

function otherView(made: CursorView | 'mine', wanted: CursorView | 'mine'): BadRequestError {
  return new BadRequestError(
    `cursor belongs to another listing (${viewNames[made]}); ` +
      `page ${viewNames[wanted]} with the cursors of its own Link headers, or start again without one.`,
  );
}

/**
 * What a signed payload was made for: version 1 (before the layout was named), a
 * layout of this version, or undefined when it is neither (parsePayload refuses it).
 */
function madeFor(json: string): 'version 1' | { layout: string } | undefined {
  let p: unknown;
  try {
    p = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof p !== 'object' || p === null) return undefined;
  const { v, l } = p as Partial<Payload>;
  if (v === 1) return 'version 1';
  return v === VERSION && typeof l === 'string' ? { layout: l } : undefined;
}

/** The view of a signed payload already checked by parsePayload. */
function viewOf(json: string): CursorView {
  return (JSON.parse(json) as Payload).w === 'sales' ? 'sales' : 'pets';
}

function isBase64url(text: string): boolean {
  return text.length > 0 && /^[\w-]+$/.test(text);
}

function parsePayload(json: string): CursorState | undefined {
  let p: Partial<Payload>;
  try {
    p = JSON.parse(json) as Partial<Payload>;
  } catch {
    return undefined;
  }
  if (typeof p !== 'object' || p === null || p.v !== VERSION) return undefined;
  if (p.l !== shardLayout) return undefined;
  if (p.w !== undefined && p.w !== 'sales') return undefined;
  if (!petSorts.includes(p.s as PetSort)) return undefined;
  if (p.st !== undefined && !petStatuses.includes(p.st)) return undefined;
  if (p.t !== undefined && (typeof p.t !== 'string' || p.t.length > petRules.maxTypeLength)) {
    return undefined;
  }
  const byId = p.s === 'id' || p.s === '-id';
  const afterOk = byId
    ? Number.isSafeInteger(p.a) && (p.a as number) > 0
    : typeof p.a === 'string' && priceKeyPattern.test(p.a);
  if (!afterOk) return undefined;
  const state: CursorState = { sort: p.s!, after: p.a! };
  if (p.st !== undefined) state.status = p.st;
  if (p.t !== undefined) state.type = p.t;
  return state;
}

function describeQuery(q: PageQuery): string {
  return [
    `sort=${q.sort}`,
    `status=${q.status ?? '(any)'}`,
    `type=${q.type === undefined ? '(any)' : JSON.stringify(q.type)}`,
  ].join(', ');
}

/**
 * POST /pets/mine's cursor: the id of the page's last pet, as base64url JSON with no
 * tag (see the top of this file for why it needs none). One part, where a signed
 * cursor has two, so neither kind passes for the other.
 */
export function encodePosition(after: number): string {
  const payload: Payload = { v: POSITION_VERSION, w: 'mine', s: '-id', a: after };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The id a POST /pets/mine cursor starts after; 400 for anything else. */
export function decodePosition(cursor: string): number {
  const after = positionOf(cursor);
  if (after !== undefined) return after;
  // A signed cursor (its tag unchecked: this Lambda has no key) only gets a clearer 400.
  const parts = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
  if (parts.length === 2 && isBase64url(parts[0]!)) {
    const json = Buffer.from(parts[0]!, 'base64url').toString('utf8');
    if (parsePayload(json)) throw otherView(viewOf(json), 'mine');
  }
  throw new BadRequestError(INVALID);
}

function positionOf(cursor: string): number | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !isBase64url(cursor)) return undefined;
  let p: Partial<Payload>;
  try {
    p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return undefined;
  }
  const ok =
    typeof p === 'object' &&
    p !== null &&
    p.v === POSITION_VERSION &&
    p.w === 'mine' &&
    p.s === '-id' &&
    Number.isSafeInteger(p.a) &&
    (p.a as number) > 0;
  return ok ? (p.a as number) : undefined;
}

/**
 * The cursor key: the secret CURSOR_SECRET_ID names, its SecretString's bytes (or its
 * SecretBinary), at least 32 bytes. Powertools caches it per container for five
 * minutes, so a page costs no Secrets Manager call; a rotated key takes effect
 * within that, and cursors made with the old one are then refused with 400.
 */
export async function cursorKey(secretId: string): Promise<Uint8Array> {
  const value: unknown = await getSecret(secretId, {
    maxAge: KEY_MAX_AGE_SECONDS,
    throwOnMissing: true,
  });
  const key =
    typeof value === 'string'
      ? new Uint8Array(Buffer.from(value, 'utf8'))
      : value instanceof Uint8Array
        ? value
        : undefined;
  if (!key || key.length < MIN_KEY_BYTES) {
    throw new EnvironmentError(
      `The secret ${secretId} must hold at least ${MIN_KEY_BYTES} bytes to key cursors`,
    );
  }
  return key;
}
