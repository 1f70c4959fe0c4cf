import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decodeCursor,
  decodePosition,
  encodeCursor,
  encodePosition,
  type CursorState,
  type PageQuery,
} from '../http/cursor';
import { BadRequestError } from '../http/errors';
import { shardLayout } from '../../api/pet-table';

const key = new Uint8Array(randomBytes(32));
const otherKey = new Uint8Array(randomBytes(32));
const query: PageQuery = { sort: 'price', status: 'available', type: 'dog' };
const state: CursorState = { ...query, after: '000000024999#0000000000000042' };

function refused(cursor: string, q: PageQuery = query, k = key, message = /cursor is not valid/) {
  assert.throws(
    () => decodeCursor(cursor, q, k),
    (err: unknown) => err instanceof BadRequestError && message.test(err.message),
  );
}

/** A cursor with a payload of our choosing and a valid tag (cursor.ts's MAC, redone here). */
function signed(payload: unknown): string {
  const text = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const tag = createHmac('sha256', key).update(`pets-cursor.${text}`).digest().subarray(0, 16);
  return `${text}.${tag.toString('base64url')}`;
}

describe('cursor', () => {
  it('round-trips the state of every sort', () => {
    for (const s of [
      { sort: 'id', after: 42 },
      { sort: '-id', after: Number.MAX_SAFE_INTEGER },
      { sort: 'price', after: '000000000000#0000000000000001', type: 'a#b c' },
      { sort: '-price', after: '100000000000#9007199254740991', status: 'sold' },
    ] as CursorState[]) {
      const cursor = encodeCursor(s, key);
      assert.match(cursor, /^[\w-]+\.[\w-]+$/, 'URL-safe as it is');
      const { after, ...q } = s;
      assert.deepEqual(decodeCursor(cursor, q, key), s);
      void after;
    }
  });

  it('refuses a cursor made with another key', () => {
    refused(encodeCursor(state, otherKey));
  });

  it('refuses a tampered payload, even one re-encoded cleanly', () => {
    const cursor = encodeCursor(state, key);
    const [payload, tag] = cursor.split('.') as [string, string];
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    json['a'] = '000000000001#0000000000000001';
    refused(`${Buffer.from(JSON.stringify(json)).toString('base64url')}.${tag}`);
    // One character changed anywhere.
    for (const at of [0, payload.length - 1, payload.length + 1, cursor.length - 1]) {
      const c = cursor[at] === 'A' ? 'B' : 'A';
      refused(cursor.slice(0, at) + c + cursor.slice(at + 1));
    }
  });

  it('refuses a forged tag and a truncated cursor', () => {
    const cursor = encodeCursor(state, key);
    const [payload, tag] = cursor.split('.') as [string, string];
    refused(`${payload}.${Buffer.alloc(16).toString('base64url')}`);
    refused(`${payload}.${tag.slice(0, -1)}`);
    refused(`${payload}.${tag.slice(0, 8)}`);
    refused(cursor.slice(0, -3));
    refused(payload);
    refused(`${payload}.`);
    refused(`.${tag}`);
  });

  it('refuses malformed ones', () => {
    for (const junk of ['', '.', 'a.b.c', 'abc', 'ab=.cd', '!!!.???', 'x'.repeat(600), '%00.%00']) {
      refused(junk);
    }
  });

  it('refuses a validly tagged payload of another version or shape', () => {
    const good = { v: 2, l: shardLayout, s: 'price', st: 'available', t: 'dog', a: state.after };
    assert.deepEqual(decodeCursor(signed(good), query, key), state, 'the MAC above is right');
    for (const bad of [
      { ...good, v: 3 },
      { ...good, l: undefined },
      { ...good, l: 7 },
      { ...good, s: 'name' },
      { ...good, a: 42 },
      { ...good, a: '1#2' },
      { ...good, t: 'x'.repeat(41) },
      { ...good, st: 'gone' },
      { v: 2, l: shardLayout, s: 'id', a: 0 },
      { v: 2, l: shardLayout, s: 'id', a: 1.5 },
      { v: 2, l: shardLayout, s: 'id', a: '7' },
      [1],
      null,
      'text',
    ]) {
      refused(signed(bad), query, key);
    }
  });

  it('refuses a cursor of the earlier format (one partition per status) with its own 400', () => {
    // Version 1: the format of one partition per status, with no layout.
    const earlier = signed({ v: 1, s: 'price', st: 'available', t: 'dog', a: state.after });
    refused(earlier, query, key, /earlier layout of the store's indexes; start again without/);
    const sales = signed({ v: 1, w: 'sales', s: '-id', st: 'sold', a: 42 });
    assert.throws(
      () => decodeCursor(sales, { sort: '-id', status: 'sold' }, key, 'sales'),
      (err: unknown) => err instanceof BadRequestError && /earlier layout/.test(err.message),
    );
  });

  it('refuses a cursor made for another shard layout', () => {
    for (const layout of ['m3x16', 'm3x64', 'other']) {
      const cursor = encodeCursor(state, key, 'pets', layout);
      refused(cursor, query, key, /another layout of the store's indexes; start again without/);
    }
    assert.deepEqual(
      decodeCursor(encodeCursor(state, key, 'pets', shardLayout), query, key),
      state,
    );
  });

  it('refuses a cursor of another query, naming that query', () => {
    const cursor = encodeCursor(state, key);
    const another = /cursor belongs to another query \(sort=price, status=available, type="dog"\)/;
    refused(cursor, { ...query, sort: '-price' }, key, another);
    refused(cursor, { ...query, status: 'sold' }, key, another);
    refused(cursor, { sort: 'price', type: 'dog' }, key, another);
    refused(cursor, { ...query, type: 'cat' }, key, another);
    refused(cursor, { sort: 'price', status: 'available' }, key, another);
  });
});

describe('cursors of the sold-pets views', () => {
  const sold: PageQuery = { sort: '-id', status: 'sold' };
  const salesCursor = encodeCursor({ ...sold, after: 42 }, key, 'sales');
  const petsCursor = encodeCursor({ ...sold, after: 42 }, key);
  const decodes = (f: () => unknown, message: RegExp) =>
    assert.throws(f, (err: unknown) => err instanceof BadRequestError && message.test(err.message));

  it('binds a GET /pets/sales cursor to that view, though GET /pets reads the same keys', () => {
    assert.deepEqual(decodeCursor(salesCursor, sold, key, 'sales'), { ...sold, after: 42 });
    decodes(() => decodeCursor(salesCursor, sold, key), /another listing \(GET \/pets\/sales\)/);
    decodes(
      () => decodeCursor(petsCursor, sold, key, 'sales'),
      /another listing \(GET \/pets\); page GET \/pets\/sales/,
    );
    // A GET /pets cursor has no `w`, as before views existed: GET /pets's.
    const unnamed = { v: 2, l: shardLayout, s: '-id', st: 'sold', a: 42 };
    assert.deepEqual(decodeCursor(signed(unnamed), sold, key), {
      ...sold,
      after: 42,
    });
    // The view is signed: a tagged payload naming another view or none we know is refused.
    for (const w of ['mine', 'admin', 1]) {
      decodes(
        () => decodeCursor(signed({ ...unnamed, w }), sold, key, 'sales'),
        /cursor is not valid/,
      );
    }
  });

  it('round-trips a POST /pets/mine position, one part where signed cursors have two', () => {
    for (const after of [1, 42, Number.MAX_SAFE_INTEGER]) {
      const cursor = encodePosition(after);
      assert.match(cursor, /^[\w-]+$/);
      assert.equal(decodePosition(cursor), after);
      decodes(() => decodeCursor(cursor, sold, key), /another listing \(POST \/pets\/mine\)/);
      decodes(
        () => decodeCursor(cursor, sold, key, 'sales'),
        /another listing \(POST \/pets\/mine\)/,
      );
    }
    decodes(() => decodePosition(salesCursor), /another listing \(GET \/pets\/sales\)/);
    decodes(() => decodePosition(petsCursor), /another listing \(GET \/pets\)/);
    const raw = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    for (const junk of [
      '',
      'x'.repeat(600),
      raw({ v: 1, w: 'mine', s: '-id', a: 0 }),
      raw({ v: 1, w: 'mine', s: '-id', a: '7' }),
      raw({ v: 1, w: 'mine', s: 'id', a: 7 }),
      raw({ v: 2, w: 'mine', s: '-id', a: 7 }),
      raw({ v: 1, w: 'sales', s: '-id', a: 7 }),
      `${encodePosition(7)}.x`,
    ]) {
      decodes(() => decodePosition(junk), /cursor is not valid/);
    }
  });
});
