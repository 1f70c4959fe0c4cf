// Buyers' privacy (docs/design.md): the public GET /pets never carries `soldTo`, a purchase
// answer only on the pet just bought, and the two signed views show it to those who
// may see it: GET /pets/sales (admin, every sale) and POST /pets/mine (the buyer, their
// own, by the verified ID token's email).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from 'jose';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { corsHeaders } from '../../api/http-api';
import { idTokenMaxAgeSeconds } from '../../api/id-token';
import type { Pet } from '../../api/pet';
import { nextCursor, petSorts } from '../../api/pet-query';
import { encodeCursor, encodePosition } from '../http/cursor';
import { petShards } from '../../api/pet-table';
import { PetReads } from '../store/pet-reads';
import {
  apiDomain,
  apiEvent,
  loadHandlers,
  makePets,
  startBackend,
} from '../../node-testing/backend';
import { capturableLogs, captureLogs } from '../../node-testing/logs';
import { withoutTable } from '../../node-testing/without-table';
import { countReads } from '../../node-testing/read-counter';

// Captured logs need Powertools' dev mode from the start (node-testing/logs.ts).
const backend = await startBackend({ env: capturableLogs });
const handlers = await loadHandlers();
after(() => backend.close());

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** Seeded sales (as if bought earlier): every third pet of 1..30, alternately Alice's and Bob's. */
const store: Pet[] = makePets(30).map((p) =>
  p.id % 3 === 0 ? { ...p, isSold: true, soldTo: p.id % 2 ? ALICE : BOB } : p,
);

before(async () => {
  await backend.seed(store);
});

type Query = Record<string, string | string[]>;
const body = (res: APIGatewayProxyResult) => JSON.parse(res.body) as Pet[] & { message?: string };
const getPets = (query: Query = {}) =>
  handlers.getPets(apiEvent('GET', '/pets', undefined, { query }));
const sales = (query: Query = {}) =>
  handlers.listSales(apiEvent('GET', '/pets/sales', undefined, { query }));
const mine = (requestBody: unknown, query: Query = {}) =>
  handlers.listMine(apiEvent('POST', '/pets/mine', requestBody, { query }));
const tokenOf = (email: string) =>
  backend.token({ email, sub: `amazon|${email.split('@')[0]}`, email_verified: true });
const buy = async (petId: number, email: string) =>
  handlers.purchasePet(
    apiEvent('POST', '/pets/purchase', { petId, authToken: await tokenOf(email) }),
  );

function assertCors(res: APIGatewayProxyResult) {
  for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v, k);
}

/**
 * Follows Link from `first` to the last page; returns every pet, the pages' sizes and
 * bodies. The views of buyers must not be stored by caches (`no-store`); GET /pets is
 * public and says nothing.
 */
async function walk(
  first: APIGatewayProxyResult,
  next: (cursor: string) => Promise<APIGatewayProxyResult>,
  path: string,
): Promise<{ pets: Pet[]; sizes: number[]; bodies: string[] }> {
  const pets: Pet[] = [];
  const sizes: number[] = [];
  const bodies: string[] = [];
  for (let res = first; ;) {
    assert.equal(res.statusCode, 200, res.body);
    assertCors(res);
    assert.equal(res.headers?.['Cache-Control'], path === '/pets' ? undefined : 'no-store');
    const page = body(res);
    pets.push(...page);
    sizes.push(page.length);
    bodies.push(res.body);
    const link = res.headers?.['Link'] as string | undefined;
    const cursor = nextCursor(link);
    if (!cursor) return { pets, sizes, bodies };
    const url = new URL(/^<([^>]+)>; rel="next"$/.exec(link!)![1]!);
    assert.equal(url.origin, `https://${apiDomain}`);
    assert.equal(url.pathname, `/test${path}`);
    assert.ok(sizes.length < 2000, 'a Link chain that does not end');
    res = await next(cursor);
  }
}

/** Every sold pet of the table, with its buyer, as the views show them (highest id first). */
async function soldNow(): Promise<Pet[]> {
  const all: Pet[] = [];
  for (let after: number | undefined; ;) {
    const page = await new PetReads(backend.tableName).sales({ limit: 1000, after });
    all.push(...page.pets);
    if (page.next === undefined) return all;
    after = page.next as number;
  }
}

describe('public answers never carry a buyer', () => {
  before(async () => {
    // Real purchases by both buyers, on top of the seeded sales.
    for (const [id, email] of [
      [1, ALICE],
      [2, BOB],
      [4, ALICE],
    ] as const) {
      assert.equal((await buy(id, email)).statusCode, 200);
    }
  });

  it('has no email address in any GET /pets page, for every sort, filter and page size', async () => {
    let pages = 0;
    for (const sort of petSorts) {
      const filters: Query[] = [{}, { status: 'sold' }, { status: 'available' }, { type: 'cat' }];
      for (const filter of filters) {
        for (const limit of ['1', '4', '1000']) {
          const query: Query = { sort, limit, ...filter };
          const { pets, bodies } = await walk(
            await getPets(query),
            (cursor) => getPets({ ...query, cursor }),
            '/pets',
          );
          pages += bodies.length;
          for (const page of bodies) assert.doesNotMatch(page, /@/, JSON.stringify(query));
          for (const pet of pets) {
            const fields = pet.isSold ? ['id', 'isSold', 'price', 'type'] : ['id', 'price', 'type'];
            assert.deepEqual(Object.keys(pet).sort(), fields);
          }
          if (!('status' in filter) && !('type' in filter)) {
            assert.equal(pets.filter((p) => p.isSold).length, (await soldNow()).length);
          }
        }
      }
    }
    assert.ok(pages > 100, `${pages} pages`);
  });

  it('answers a purchase with the whole list, the buyer shown on the bought pet alone', async () => {
    const res = await buy(5, ALICE);
    assert.equal(res.statusCode, 200, res.body);
    const list = body(res);
    assert.equal(list.length, 30);
    assert.deepEqual(list[4], { ...store[4], isSold: true, soldTo: ALICE });
    // Other pets sold to others, and earlier to the same buyer, show no buyer.
    assert.ok(list.filter((p) => p.isSold).length > 10);
    assert.deepEqual(
      list.filter((p) => p.soldTo !== undefined).map((p) => p.id),
      [5],
    );
    assert.equal(res.body.split('@').length, 2, 'one email in the whole answer');
  });

  it("answers POST /pets (the admin's whole list) without buyers", async () => {
    const current = body(await getPets());
    const res = await handlers.updatePets(
      apiEvent('POST', '/pets', {
        pets: current.map(({ id, type, price }) => ({ id, type, price })),
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.doesNotMatch(res.body, /@/);
    assert.deepEqual(body(res), current);
  });
});

describe('GET /pets/sales', () => {
  it('lists every sold pet with its buyer, highest id first, in Link chains of any limit', async () => {
    const want = await soldNow();
    assert.ok(want.length > 10);
    assert.ok(want.every((p) => p.isSold === true && (p.soldTo === ALICE || p.soldTo === BOB)));
    assert.deepEqual(
      want.map((p) => p.id),
      [...want.map((p) => p.id)].sort((a, b) => b - a),
    );
    for (const limit of [1, 3, 7, 1000]) {
      const first = await sales({ limit: String(limit) });
      const { pets, sizes } = await walk(
        first,
        (cursor) => sales({ limit: String(limit), cursor }),
        '/pets/sales',
      );
      assert.deepEqual(pets, want, `limit ${limit}`);
      assert.equal(sizes.length, Math.ceil(want.length / limit), `limit ${limit}`);
      assert.ok(
        sizes.slice(0, -1).every((n) => n === limit),
        'a page before the last is full',
      );
    }
    // Default: up to 1000, one page here.
    const all = await sales();
    assert.deepEqual(body(all), want);
    assert.equal(all.headers?.['Link'], undefined);
  });

  it("keeps limit and cursor in the next page's URL, and ignores unknown parameters", async () => {
    const res = await sales({ limit: '2', utm: 'x' });
    assert.equal(res.statusCode, 200, res.body);
    const url = new URL(/^<([^>]+)>/.exec(String(res.headers?.['Link']))![1]!);
    assert.deepEqual([...url.searchParams.keys()], ['limit', 'cursor']);
    assert.equal(url.searchParams.get('limit'), '2');
  });

  it('shows a new sale, and a chain started before it still visits each sale once', async () => {
    const first = await sales({ limit: '2' });
    assert.equal((await buy(7, BOB)).statusCode, 200);
    const { pets } = await walk(first, (cursor) => sales({ limit: '2', cursor }), '/pets/sales');
    const ids = pets.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'a sale visited twice');
    assert.deepEqual(
      body(await sales()).find((p) => p.id === 7),
      {
        ...store[6],
        isSold: true,
        soldTo: BOB,
      },
    );
  });

  it('reads at most limit + 1 index entries per partition of a page', async () => {
    // The sales are the sold shards of the status index (api/pet-table.ts petShards).
    const counter = countReads(DynamoDBDocumentClient.from(backend.client));
    const table = new PetReads(backend.tableName, counter.db);
    for (const limit of [1, 2, 5]) {
      let after: number | undefined;
      do {
        counter.reset();
        const page = await table.sales({ limit, after });
        const most = counter.mostFromOnePartition();
        assert.ok(most <= limit + 1, `limit ${limit}: ${most} from one partition`);
        assert.ok(counter.perPartition().size <= petShards, `limit ${limit}: partitions`);
        assert.ok(page.read <= petShards * (limit + 1), `limit ${limit}: read ${page.read}`);
        after = page.next as number | undefined;
      } while (after !== undefined);
    }
  });

  const key = () => backend.secrets.cursorKey;
  const cases: [string, () => Query, RegExp][] = [
    ['limit 0', () => ({ limit: '0' }), /limit must be a whole number from 1 to 1000/],
    ['limit 1001', () => ({ limit: '1001' }), /limit must be a whole number from 1 to 1000/],
    ['limit abc', () => ({ limit: 'abc' }), /limit must be/],
    ['limit 1.5', () => ({ limit: '1.5' }), /limit must be/],
    ['an empty limit', () => ({ limit: '' }), /limit must be/],
    ['two limits', () => ({ limit: ['1', '2'] }), /limit is given more than once/],
    ['two cursors', () => ({ cursor: ['a', 'b'] }), /cursor is given more than once/],
    ['an empty cursor', () => ({ cursor: '' }), /cursor is not valid/],
    ['a garbage cursor', () => ({ cursor: 'hello.world' }), /cursor is not valid/],
    [
      'a tampered cursor',
      () => {
        const c = encodeCursor({ sort: '-id', status: 'sold', after: 9 }, key(), 'sales');
        return { cursor: `${c.slice(0, 3)}${c[3] === 'x' ? 'y' : 'x'}${c.slice(4)}` };
      },
      /cursor is not valid/,
    ],
    [
      'a cursor made with another key',
      () => ({
        cursor: encodeCursor(
          { sort: '-id', status: 'sold', after: 9 },
          new Uint8Array(randomBytes(32)),
          'sales',
        ),
      }),
      /cursor is not valid/,
    ],
    [
      'a GET /pets cursor of the very same index, partition and order (sort=-id&status=sold)',
      () => ({ cursor: encodeCursor({ sort: '-id', status: 'sold', after: 9 }, key()) }),
      /cursor belongs to another listing \(GET \/pets\); page GET \/pets\/sales with/,
    ],
    [
      'a POST /pets/mine cursor',
      () => ({ cursor: encodePosition(9) }),
      /cursor belongs to another listing \(POST \/pets\/mine\)/,
    ],
    [
      'a sales cursor made for another shard layout',
      () => ({
        cursor: encodeCursor({ sort: '-id', status: 'sold', after: 9 }, key(), 'sales', 'm3x32'),
      }),
      /cursor was made for another layout of the store's indexes; start again without a cursor/,
    ],
    [
      'a sales cursor of version 1 (one partition per status)',
      () => {
        const text = Buffer.from(
          JSON.stringify({ v: 1, w: 'sales', s: '-id', st: 'sold', a: 9 }),
        ).toString('base64url');
        const tag = createHmac('sha256', key()).update(`pets-cursor.${text}`).digest();
        return { cursor: `${text}.${tag.subarray(0, 16).toString('base64url')}` };
      },
      /cursor was made for an earlier layout of the store's indexes; start again without a cursor/,
    ],
    ['a status', () => ({ status: 'sold' }), /GET \/pets\/sales takes no status/],
    ['a type', () => ({ type: 'dog' }), /takes no type/],
    ['a sort, even its own', () => ({ sort: '-id' }), /takes no sort/],
  ];
  for (const [what, query, message] of cases) {
    it(`answers 400 to ${what}, reading nothing`, async () => {
      const res = await withoutTable(() => sales(query()));
      assert.equal(res.statusCode, 400, res.body);
      assertCors(res);
      assert.match(body(res).message ?? '', message);
    });
  }

  it('refuses its own cursor at GET /pets', async () => {
    const link = String((await sales({ limit: '1' })).headers?.['Link']);
    const cursor = nextCursor(link)!;
    const res = await getPets({ sort: '-id', status: 'sold', cursor });
    assert.equal(res.statusCode, 400);
    assert.match(body(res).message ?? '', /another listing \(GET \/pets\/sales\)/);
  });
});

describe('POST /pets/mine', () => {
  it("answers the caller's own purchases only, each with their email, highest id first", async () => {
    const sold = await soldNow();
    for (const email of [ALICE, BOB]) {
      const res = await mine({ authToken: await tokenOf(email) });
      assert.equal(res.statusCode, 200, res.body);
      assertCors(res);
      assert.equal(res.headers?.['Cache-Control'], 'no-store');
      assert.equal(res.headers?.['Link'], undefined);
      const own = body(res);
      assert.ok(own.length > 3);
      assert.deepEqual(
        own,
        sold.filter((p) => p.soldTo === email),
      );
      assert.equal(res.body.split('@').length - 1, own.length, 'only the caller’s own email');
      assert.ok(!res.body.includes(email === ALICE ? BOB : ALICE));
    }
  });

  it('takes the identity from the token alone: body email and soldTo are ignored', async () => {
    const res = await mine({ authToken: await tokenOf(ALICE), email: BOB, soldTo: BOB });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(body(res).length > 0);
    assert.ok(body(res).every((p) => p.soldTo === ALICE));
  });

  it('answers an empty list to a buyer who bought nothing', async () => {
    const res = await mine({ authToken: await tokenOf('nobody@example.com') });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body(res), []);
  });

  const refusals: [string, () => Promise<unknown>, string][] = [
    ['no authToken', async () => ({}), 'authToken is required.'],
    ['a non-string authToken', async () => ({ authToken: 42 }), 'authToken is required.'],
    [
      'a garbage authToken',
      async () => ({ authToken: 'not.a.jwt' }),
      'authToken is not a valid ID token.',
    ],
    [
      'an expired token',
      async () => ({
        authToken: await backend.token(
          { email: ALICE },
          { expiresIn: Math.floor(Date.now() / 1000) - 120 },
        ),
      }),
      'authToken has expired.',
    ],
    [
      'a token of another audience (another application of the tenant)',
      async () => ({ authToken: await backend.token({ email: ALICE }, { audience: 'other-app' }) }),
      'authToken is not a valid ID token.',
    ],
    [
      'a token of another issuer',
      async () => ({
        authToken: await backend.token({ email: ALICE }, { issuer: 'https://evil.example/' }),
      }),
      'authToken is not a valid ID token.',
    ],
    [
      'a token signed by a key the issuer does not publish',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return { authToken: await backend.token({ email: ALICE }, { key: privateKey }) };
      },
      'authToken is not a valid ID token.',
    ],
    [
      'a token without email, whatever the body says',
      async () => ({ authToken: await backend.token({ email: undefined }), email: ALICE }),
      'authToken carries no email.',
    ],
    [
      'a token whose email is not verified',
      async () => ({ authToken: await backend.token({ email: ALICE, email_verified: false }) }),
      'authToken carries an unverified email.',
    ],
    [
      'a token that does not say the email is verified',
      async () => ({
        authToken: await backend.token({ email: ALICE, email_verified: undefined }),
      }),
      'authToken carries an unverified email.',
    ],
    [
      'a token older than the maximum age, though unexpired',
      async () => ({
        authToken: await backend.token(
          { email: ALICE },
          { issuedAt: Math.floor(Date.now() / 1000) - idTokenMaxAgeSeconds - 60 },
        ),
      }),
      `authToken is older than ${idTokenMaxAgeSeconds} seconds. Sign in again for a fresh one.`,
    ],
  ];
  for (const [what, requestBody, message] of refusals) {
    it(`answers 401 to ${what}, reading nothing`, async () => {
      const payload = await requestBody();
      // A bad limit too: the token is judged first.
      const res = await withoutTable(() => mine(payload, { limit: '0' }));
      assert.equal(res.statusCode, 401, res.body);
      assertCors(res);
      assert.equal(body(res).message, message);
    });
  }

  const invalid: [string, () => Promise<{ body: unknown; query?: Query }>, RegExp][] = [
    ['malformed JSON', async () => ({ body: '{"authToken":' }), /not valid JSON/],
    ['an empty body', async () => ({ body: '' }), /empty/],
    ['an array body', async () => ({ body: '[]' }), /JSON object/],
    [
      'a bad limit',
      async () => ({ body: { authToken: await tokenOf(ALICE) }, query: { limit: '1001' } }),
      /limit must be a whole number from 1 to 1000/,
    ],
    [
      'a garbage cursor',
      async () => ({ body: { authToken: await tokenOf(ALICE) }, query: { cursor: 'eyJ2IjoxfQ' } }),
      /cursor is not valid/,
    ],
    [
      'a GET /pets cursor',
      async () => ({
        body: { authToken: await tokenOf(ALICE) },
        query: {
          cursor: encodeCursor({ sort: '-id', after: 9 }, backend.secrets.cursorKey),
        },
      }),
      /cursor belongs to another listing \(GET \/pets\); page POST \/pets\/mine with/,
    ],
    [
      'a GET /pets/sales cursor',
      async () => ({
        body: { authToken: await tokenOf(ALICE) },
        query: {
          cursor: encodeCursor(
            { sort: '-id', status: 'sold', after: 9 },
            backend.secrets.cursorKey,
            'sales',
          ),
        },
      }),
      /cursor belongs to another listing \(GET \/pets\/sales\)/,
    ],
    [
      'a sort',
      async () => ({ body: { authToken: await tokenOf(ALICE) }, query: { sort: 'price' } }),
      /POST \/pets\/mine takes no sort/,
    ],
  ];
  for (const [what, request, message] of invalid) {
    it(`answers 400 to ${what}, reading nothing`, async () => {
      const { body: requestBody, query } = await request();
      const res = await withoutTable(() => mine(requestBody, query));
      assert.equal(res.statusCode, 400, res.body);
      assertCors(res);
      assert.match(body(res).message ?? '', message);
    });
  }

  it('refuses its cursors at GET /pets and GET /pets/sales', async () => {
    const res = await mine({ authToken: await tokenOf(ALICE) }, { limit: '1' });
    const cursor = nextCursor(String(res.headers?.['Link']))!;
    assert.ok(cursor);
    for (const other of [getPets({ sort: '-id', cursor }), sales({ cursor })]) {
      const refused = await other;
      assert.equal(refused.statusCode, 400);
      assert.match(body(refused).message ?? '', /another listing \(POST \/pets\/mine\)/);
    }
  });

  it('pages a buyer of many pets by Link, newest first, at most 1000 an answer', async (t) => {
    // 1,100 pets sold to Carol beforehand, and more bought now through the handler.
    const carol = 'carol@example.com';
    const many = makePets(1100, 1001).map((p) => ({ ...p, isSold: true, soldTo: carol }));
    await backend.seed(many);
    await backend.seed(makePets(5, 3001));
    for (const id of [3001, 3002, 3003, 3004, 3005]) {
      assert.equal((await buy(id, carol)).statusCode, 200);
    }
    const want = [3005, 3004, 3003, 3002, 3001, ...many.map((p) => p.id).reverse()];
    const authToken = await tokenOf(carol);

    const logs = captureLogs(t);
    let pages = 0;
    try {
      for (const limit of [undefined, 250, 7]) {
        const query: Query = limit === undefined ? {} : { limit: String(limit) };
        const { pets, sizes } = await walk(
          await mine({ authToken }, query),
          (cursor) => mine({ authToken }, { ...query, cursor }),
          '/pets/mine',
        );
        assert.deepEqual(
          pets.map((p) => p.id),
          want,
          `limit ${limit}`,
        );
        assert.ok(pets.every((p) => p.soldTo === carol && p.isSold === true));
        assert.equal(sizes[0], limit ?? 1000);
        assert.equal(sizes.length, Math.ceil(want.length / (limit ?? 1000)));
        pages += sizes.length;
      }
    } finally {
      logs.stop();
    }
    const reads = logs.records().filter((r) => r['route'] === 'listMine') as {
      read: number;
      pets: number;
    }[];
    assert.equal(reads.length, pages);
    assert.ok(reads.every((r) => r.read <= r.pets + 1 && r.pets <= 1000));
    // Alice's and Bob's views are unchanged by Carol's purchases.
    const alice = body(await mine({ authToken: await tokenOf(ALICE) }));
    assert.ok(alice.every((p) => p.soldTo === ALICE));
  });
});

describe('logs', () => {
  it('hold no email and no token, for purchases and both views, nor do the metrics', async (t) => {
    const logs = captureLogs(t);
    const token = await tokenOf('quiet@example.com');
    try {
      await handlers.purchasePet(
        apiEvent('POST', '/pets/purchase', { petId: 8, authToken: token }),
      );
      await handlers.purchasePet(
        apiEvent('POST', '/pets/purchase', { petId: 8, authToken: token }),
      );
      await mine({ authToken: token });
      await mine({ authToken: `${token}x` });
      await mine({ authToken: token }, { limit: 'x' });
      await sales({ limit: '1' });
      await sales({ cursor: 'bad' });
      // A 500 logs its stack: still no buyer in it.
      await withoutTable(() => mine({ authToken: token }));
    } finally {
      logs.stop();
    }
    const { lines } = logs;
    assert.ok(logs.records().length >= 8, lines.join('\n'));
    assert.ok(logs.metrics().length >= 8, 'a Requests count per request, and PetsSold');
    const signature = token.split('.')[2]!;
    // An address, not the `@` of a stack's node_modules/@aws-sdk paths.
    const email = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
    for (const line of lines) {
      assert.doesNotMatch(line, email, line);
      assert.ok(!line.includes('quiet@example.com'), line);
      assert.ok(!line.includes(signature), line);
    }
    assert.ok(
      logs.records().some((r) => r['message'] === 'sold' && r['buyerSub'] === 'amazon|quiet'),
    );
  });
});
