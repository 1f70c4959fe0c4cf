import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHmac, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { corsHeaders } from '../../api/http-api';
import type { Pet } from '../../api/pet';
import { nextCursor, petSorts, type PetSort, type PetStatus } from '../../api/pet-query';
import { petShards, priceKeyOf } from '../../api/pet-table';
import { encodeCursor, encodePosition, type PageQuery } from '../http/cursor';
import { selfUrl } from '../http/responses';
import { catalogueTag } from '../store/catalogue-tag';
import { PetReads } from '../store/pet-reads';
import { apiDomain, apiEvent, loadHandlers, startBackend } from '../../node-testing/backend';
import { withoutTable } from '../../node-testing/without-table';
import { countReads } from '../../node-testing/read-counter';

const backend = await startBackend();
const handlers = await loadHandlers();

// 60 pets: three types (one with a `#` that looks like a status suffix), four prices
// (so many ties), every fifth sold.
const types = ['dog', 'cat', 'fish', 'cat#sold'];
const prices = [1, 2.5, 10, 99.99, 2.5];
const store: Pet[] = Array.from({ length: 60 }, (_, i) => {
  const id = i + 1;
  const pet: Pet = { id, type: types[id % 4]!, price: prices[id % 5]! };
  return id % 5 === 0 ? { ...pet, isSold: true, soldTo: `buyer${id}@example.com` } : pet;
});

before(async () => {
  await backend.seed(store);
});
after(() => backend.close());

type Query = Record<string, string | string[]>;
const get = (query: Query = {}, init: Partial<APIGatewayProxyEvent> = {}) =>
  handlers.getPets({ ...apiEvent('GET', '/pets', undefined, { query }), ...init });
const body = (res: { body: string }) => JSON.parse(res.body) as Pet[] & { message?: string };

/** A pet as GET /pets shows it: a sale, never its buyer (docs/design.md "Buyers' privacy"). */
const shown = ({ soldTo: _buyer, ...pet }: Pet): Pet => pet;

function expected(sort: PetSort, status?: PetStatus, type?: string): Pet[] {
  const key = (p: Pet) =>
    sort.endsWith('id') ? String(p.id).padStart(16, '0') : priceKeyOf(p.price, p.id);
  return store
    .filter((p) => !status || (status === 'sold') === (p.isSold === true))
    .filter((p) => type === undefined || p.type === type)
    .sort((a, b) => (key(a) < key(b) ? -1 : 1) * (sort.startsWith('-') ? -1 : 1))
    .map(shown);
}

/** Follows Link from the first page to the last; checks each page on the way. */
async function walk(query: Query, limit: number): Promise<{ pets: Pet[]; pages: number }> {
  const pets: Pet[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages < 200; pages++) {
    const res = await get({ ...query, limit: String(limit), ...(cursor && { cursor }) });
    assert.equal(res.statusCode, 200, res.body);
    // Every fifth pet is sold to an address with an '@': no page may carry one.
    assert.doesNotMatch(res.body, /@/, `an email in ${JSON.stringify(query)}`);
    const page = body(res);
    const link = res.headers?.['Link'] as string | undefined;
    cursor = nextCursor(link);
    if (link) {
      assert.equal(page.length, limit, 'a page before the last is full');
      const url = new URL(/^<([^>]+)>; rel="next"$/.exec(link)![1]!);
      assert.equal(url.origin, `https://${apiDomain}`);
      assert.equal(url.pathname, '/test/pets');
      const params = Object.fromEntries(url.searchParams);
      assert.deepEqual(params, { ...query, limit: String(limit), cursor });
    } else {
      assert.ok(page.length <= limit);
    }
    pets.push(...page);
    if (!cursor) return { pets, pages };
  }
  assert.fail('more than 200 pages');
}

describe('GET /pets paging', () => {
  for (const sort of petSorts) {
    for (const status of [undefined, 'available', 'sold'] as const) {
      for (const type of [undefined, 'dog', 'cat', 'cat#sold', 'none']) {
        const query: Query = { sort };
        if (status) query['status'] = status;
        if (type !== undefined) query['type'] = type;
        it(`visits every pet once, in order: ${new URLSearchParams(query as Record<string, string>)}`, async () => {
          const want = expected(sort, status, type);
          for (const limit of [1, 7, 1000]) {
            const { pets, pages } = await walk(query, limit);
            assert.deepEqual(pets, want, `limit ${limit}`);
            assert.equal(pages, Math.max(1, Math.ceil(want.length / limit)));
          }
        });
      }
    }
  }

  it('reads at most limit + 1 entries per index partition', async () => {
    // The partitions are the shards (api/pet-table.ts petShards): of the unfiltered
    // index, or of the status (or type and status), of both statuses for a type alone.
    const counter = countReads(DynamoDBDocumentClient.from(backend.client));
    const table = new PetReads(backend.tableName, counter.db);
    const measure = async (request: Parameters<PetReads['page']>[0], partitions: number) => {
      counter.reset();
      const page = await table.page(request);
      const what = JSON.stringify(request);
      assert.ok(counter.mostFromOnePartition() <= request.limit + 1, `${what}: one partition`);
      assert.ok(counter.perPartition().size <= partitions, `${what}: partitions`);
      assert.equal(page.read, counter.total(), `${what}: read as counted`);
      assert.ok(page.read <= partitions * (request.limit + 1), `${what}: ${page.read}`);
      return page;
    };
    for (const sort of petSorts) {
      for (const limit of [1, 3, 20]) {
        const all = await measure({ sort, limit }, petShards);
        await measure({ sort, limit, status: 'available', type: 'dog' }, petShards);
        await measure({ sort, limit, type: 'dog' }, 2 * petShards);
        await measure({ sort, limit, after: all.next }, petShards);
      }
    }
  });

  it('defaults to 1000 pets by id, the whole catalogue with its token as ETag', async () => {
    const res = await get();
    assert.equal(res.statusCode, 200);
    for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v);
    assert.deepEqual(body(res), expected('id'));
    assert.equal(res.headers?.['ETag'], `"${catalogueTag(store)}"`);
    assert.equal(res.headers?.['Link'], undefined);
    // Any order of the whole catalogue carries the same token.
    assert.equal((await get({ sort: '-price' })).headers?.['ETag'], `"${catalogueTag(store)}"`);
  });

  it('gives no ETag to a part of the catalogue', async () => {
    for (const query of [{ status: 'available' }, { type: 'dog' }, { limit: '10' }] as Query[]) {
      const res = await get(query);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers?.['ETag'], undefined, JSON.stringify(query));
    }
    const first = await get({ limit: '59' });
    const last = await get({ limit: '59', cursor: nextCursor(first.headers?.['Link'] as string)! });
    assert.equal(body(last).length, 1);
    assert.equal(last.headers?.['ETag'], undefined);
  });

  it('reads the cursor key from Secrets Manager once per container, through the SDK', async () => {
    const before = backend.secrets.calls();
    await walk({ sort: 'price' }, 5);
    await walk({ sort: 'id' }, 5);
    assert.ok(backend.secrets.calls() >= 1, 'the stand-in was never called');
    assert.ok(backend.secrets.calls() <= Math.max(1, before), 'the key is not cached');
  });
});

describe('GET /pets refuses malformed queries with 400, before reading anything', () => {
  const cursorOf = (query: PageQuery, after: number | string, k?: Uint8Array) =>
    encodeCursor({ ...query, after }, k ?? backend.secrets.cursorKey);

  /** A cursor with a payload of our choosing, tagged as cursor.ts tags (with the real key). */
  const signedPayload = (payload: object) => {
    const text = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const tag = createHmac('sha256', backend.secrets.cursorKey)
      .update(`pets-cursor.${text}`)
      .digest()
      .subarray(0, 16);
    return `${text}.${tag.toString('base64url')}`;
  };

  const cases: [string, () => Query, RegExp][] = [
    ['limit 0', () => ({ limit: '0' }), /limit must be a whole number from 1 to 1000/],
    ['limit 1001', () => ({ limit: '1001' }), /limit must be a whole number from 1 to 1000/],
    ['limit abc', () => ({ limit: 'abc' }), /limit must be/],
    ['limit -1', () => ({ limit: '-1' }), /limit must be/],
    ['limit 1.5', () => ({ limit: '1.5' }), /limit must be/],
    ['limit 1e3', () => ({ limit: '1e3' }), /limit must be/],
    ['an empty limit', () => ({ limit: '' }), /limit must be/],
    ['limit 00010000', () => ({ limit: '00010000' }), /limit must be/],
    ['two limits', () => ({ limit: ['1', '2'] }), /limit is given more than once/],
    ['status gone', () => ({ status: 'gone' }), /status must be available or sold/],
    ['status Available', () => ({ status: 'Available' }), /status must be available or sold/],
    ['sort name', () => ({ sort: 'name' }), /sort must be one of id, -id, price, -price/],
    ['sort +price', () => ({ sort: '+price' }), /sort must be one of/],
    ['an empty type', () => ({ type: ' ' }), /type must not be empty/],
    ['a type of 41 characters', () => ({ type: 'x'.repeat(41) }), /type must be at most 40/],
    ['a type with a lone surrogate', () => ({ type: 'cat\ud800' }), /^type must be text/],
    ['an empty cursor', () => ({ cursor: '' }), /cursor is not valid/],
    ['a garbage cursor', () => ({ cursor: 'hello' }), /cursor is not valid/],
    [
      'a tampered cursor',
      () => {
        const c = cursorOf({ sort: 'id' }, 5);
        return { cursor: `${c.slice(0, 3)}${c[3] === 'x' ? 'y' : 'x'}${c.slice(4)}` };
      },
      /cursor is not valid/,
    ],
    [
      'a forged cursor',
      () => {
        const [payload] = cursorOf({ sort: 'id' }, 5).split('.');
        return { cursor: `${payload}.${randomBytes(16).toString('base64url')}` };
      },
      /cursor is not valid/,
    ],
    [
      'a truncated cursor',
      () => ({ cursor: cursorOf({ sort: 'id' }, 5).slice(0, -2) }),
      /cursor is not valid/,
    ],
    [
      'a cursor made with another key',
      () => ({ cursor: cursorOf({ sort: 'id' }, 5, new Uint8Array(randomBytes(32))) }),
      /cursor is not valid/,
    ],
    [
      'a cursor of another sort',
      () => ({ sort: 'price', cursor: cursorOf({ sort: 'id' }, 5) }),
      /cursor belongs to another query \(sort=id/,
    ],
    [
      'a cursor of another status',
      () => ({ status: 'sold', cursor: cursorOf({ sort: 'id', status: 'available' }, 5) }),
      /cursor belongs to another query/,
    ],
    [
      'a cursor of another type',
      () => ({ type: 'cat', cursor: cursorOf({ sort: 'id', type: 'dog' }, 5) }),
      /cursor belongs to another query/,
    ],
    [
      'a cursor of GET /pets/sales, even for the same index, partition and order',
      () => ({
        sort: '-id',
        status: 'sold',
        cursor: encodeCursor(
          { sort: '-id', status: 'sold', after: 50 },
          backend.secrets.cursorKey,
          'sales',
        ),
      }),
      /cursor belongs to another listing \(GET \/pets\/sales\)/,
    ],
    [
      'a cursor of POST /pets/mine',
      () => ({ sort: '-id', cursor: encodePosition(50) }),
      /cursor belongs to another listing \(POST \/pets\/mine\)/,
    ],
    [
      'a cursor of version 1 (one partition per status)',
      () => ({ sort: 'id', cursor: signedPayload({ v: 1, s: 'id', a: 5 }) }),
      /cursor was made for an earlier layout of the store's indexes; start again without a cursor/,
    ],
    [
      'a cursor made for another shard layout',
      () => ({
        sort: 'id',
        cursor: encodeCursor({ sort: 'id', after: 5 }, backend.secrets.cursorKey, 'pets', 'm3x32'),
      }),
      /cursor was made for another layout of the store's indexes; start again without a cursor/,
    ],
    [
      'a filtered cursor without its filter',
      () => ({ cursor: cursorOf({ sort: 'id', type: 'dog' }, 5) }),
      /cursor belongs to another query/,
    ],
  ];
  for (const [what, query, message] of cases) {
    it(what, async () => {
      // As if the table did not exist: any read would be a 500, not a 400.
      const res = await withoutTable(() => get(query()));
      assert.equal(res.statusCode, 400, res.body);
      for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v);
      assert.match(body(res).message ?? '', message);
    });
  }

  it('never answers a 5xx to a fuzzed query string', async () => {
    let seed = 20260611;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const first = await get({ limit: '3', sort: 'price' });
    const valid = nextCursor(first.headers?.['Link'] as string)!;
    const keys = ['limit', 'cursor', 'status', 'type', 'sort', 'other'];
    const values = [
      '',
      '0',
      '1',
      '3',
      '1000',
      '1001',
      '-1',
      'abc',
      '1e3',
      ' 7',
      'available',
      'sold',
      'dog',
      'cat#sold',
      '#',
      '%',
      '%zz',
      '\u0000',
      '\u202e',
      'x'.repeat(60),
      '🐶',
      'id',
      '-id',
      'price',
      '-price',
      valid,
      valid.slice(1),
      `${valid}.x`,
      valid.toUpperCase(),
      '..',
      "'",
      '"',
      '<>',
      'null',
      '[]',
      '{}',
      ' ',
      '\n',
    ];
    for (let round = 0; round < 300; round++) {
      const query: Query = {};
      for (let n = random(5); n > 0; n--) {
        const k = keys[random(keys.length)]!;
        const v = values[random(values.length)]!;
        query[k] = random(8) === 0 ? [v, values[random(values.length)]!] : v;
      }
      const res = await get(query);
      assert.ok([200, 400].includes(res.statusCode), `${JSON.stringify(query)}: ${res.statusCode}`);
      const answer = body(res);
      if (res.statusCode === 200) {
        assert.ok(Array.isArray(answer) && answer.length <= 1000);
        assert.doesNotMatch(res.body, /@/);
      } else assert.equal(typeof answer.message, 'string');
    }
  });
});

describe("the next page's URL", () => {
  const event = (init: {
    headers?: Record<string, string>;
    domainName?: string;
    path?: string;
  }): APIGatewayProxyEvent => {
    const e = apiEvent('GET', '/pets');
    return {
      ...e,
      headers: init.headers ?? {},
      requestContext: {
        ...e.requestContext,
        domainName: init.domainName,
        path: init.path ?? '/test/pets',
      } as APIGatewayProxyEvent['requestContext'],
    };
  };

  it('is the URL the client called, with the stage or base path', () => {
    assert.equal(
      selfUrl(event({ domainName: apiDomain, headers: { 'X-Forwarded-Proto': 'https' } }), {
        sort: 'price',
        cursor: 'a.b',
      }),
      `https://${apiDomain}/test/pets?sort=price&cursor=a.b`,
    );
    assert.equal(
      selfUrl(event({ domainName: 'api.example.com', path: '/v1/pets' }), { type: 'a b&c' }),
      'https://api.example.com/v1/pets?type=a+b%26c',
    );
  });

  it("keeps the local gateway's scheme and port", () => {
    assert.equal(
      selfUrl(event({ headers: { host: 'localhost:4566', 'x-forwarded-proto': 'http' } }), {}),
      'http://localhost:4566/test/pets',
    );
    assert.equal(
      selfUrl(
        event({
          domainName: 'localhost',
          headers: { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '4566' },
        }),
        {},
      ),
      'http://localhost:4566/test/pets',
    );
    assert.equal(
      selfUrl(event({ domainName: apiDomain, headers: { 'X-Forwarded-Port': '443' } }), {}),
      `https://${apiDomain}/test/pets`,
    );
  });

  it('cannot be bent by request headers into another header or scheme', () => {
    const url = selfUrl(
      event({
        headers: {
          Host: 'evil.example>; rel="next", <https://x',
          'X-Forwarded-Proto': 'javascript',
        },
        path: '/test/pets>; rel=x',
      }),
      { type: '>"<' },
    );
    assert.equal(url, 'https://localhost/test/pets%3E;%20rel=x?type=%3E%22%3C');
  });
});
