import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaEnv } from '../../api/handlers';
import { corsHeaders } from '../../api/http-api';
import type { Pet } from '../../api/pet';
import {
  apiEvent,
  loadHandlers,
  seedIfEmpty,
  seedPets,
  startBackend,
} from '../../node-testing/backend';
import { withoutTable } from '../../node-testing/without-table';

// The environment first: the handlers read it once, as in a Lambda container. Each
// test starts from a fresh store, which the purchase function's copy of the catalogue
// would show only after its TTL: at 0, every purchase reads the catalogue afresh.
const backend = await startBackend({ env: { [lambdaEnv.snapshotTtlMs]: '0' } });
const handlers = await loadHandlers();
after(() => backend.close());

const get = () => handlers.getPets(apiEvent('GET', '/pets'));
const update = (body: unknown) => handlers.updatePets(apiEvent('POST', '/pets', body));
const purchase = (body: unknown) => handlers.purchasePet(apiEvent('POST', '/pets/purchase', body));
/** The admin's view of the sales (GET /pets/sales): where a buyer is shown. */
const sales = async () => parse((await handlers.listSales(apiEvent('GET', '/pets/sales'))).body);
const parse = (body: string) => JSON.parse(body) as Pet[] & { message?: string };
const etagOf = (res: { headers?: Record<string, unknown> }) => String(res.headers?.['ETag']);

async function clear(): Promise<void> {
  const doc = DynamoDBDocumentClient.from(backend.client);
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: backend.tableName }));
  for (const item of Items) {
    await doc.send(new DeleteCommand({ TableName: backend.tableName, Key: { id: item['id'] } }));
  }
}

beforeEach(async () => {
  await clear();
  await seedIfEmpty(backend.client, backend.tableName);
});

function assertCors(res: { headers?: Record<string, unknown> }) {
  for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v, k);
}

describe('GET /pets', () => {
  it('answers the seeded pets by id, with CORS and a quoted ETag', async () => {
    const res = await get();
    assert.equal(res.statusCode, 200);
    assertCors(res);
    assert.deepEqual(parse(res.body), seedPets);
    assert.match(etagOf(res), /^"[\w-]{22}"$/);
  });

  it('answers 500 without a stack when the table is missing', async () => {
    const res = await withoutTable(get);
    assert.equal(res.statusCode, 500);
    assertCors(res);
    assert.deepEqual(JSON.parse(res.body), { message: 'Internal server error' });
  });
});

describe('POST /pets', () => {
  it('adds, re-prices and removes pets and answers the new list with a new ETag', async () => {
    const before = await get();
    const res = await update({
      pets: [
        { id: 1, type: 'dog', price: 199.5 },
        { id: 3, type: 'fish', price: 0.99 },
        { id: 4, type: 'parrot', price: 80 },
      ],
      etag: etagOf(before),
    });
    assert.equal(res.statusCode, 200, res.body);
    assertCors(res);
    const expected = [
      { id: 1, type: 'dog', price: 199.5 },
      { id: 3, type: 'fish', price: 0.99 },
      { id: 4, type: 'parrot', price: 80 },
    ];
    assert.deepEqual(parse(res.body), expected);
    const after = await get();
    assert.deepEqual(parse(after.body), expected);
    assert.equal(etagOf(after), etagOf(res));
    assert.notEqual(etagOf(after), etagOf(before));
  });

  it('works without a token, like the tutorial client', async () => {
    const res = await update({ pets: [{ id: 9, type: 'cat', price: 1 }] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(parse((await get()).body), [{ id: 9, type: 'cat', price: 1 }]);
  });

  it('accepts the ETag bare or quoted', async () => {
    const tag = etagOf(await get());
    const bare = await update({ pets: seedPets, etag: tag.slice(1, -1) });
    assert.equal(bare.statusCode, 200, bare.body);
  });

  it('refuses a stale token with 409 and writes nothing', async () => {
    const stale = etagOf(await get());
    assert.equal(
      (await update({ pets: [...seedPets, { id: 4, type: 'owl', price: 5 }] })).statusCode,
      200,
    );
    const res = await update({ pets: [{ id: 1, type: 'dog', price: 1 }], etag: stale });
    assert.equal(res.statusCode, 409);
    assertCors(res);
    assert.match(JSON.parse(res.body).message, /changed since you loaded/);
    assert.equal(parse((await get()).body).length, 4);
  });

  it('keeps a purchase from changing the token', async () => {
    const tag = etagOf(await get());
    assert.equal((await purchase({ petId: 2, authToken: await backend.token() })).statusCode, 200);
    assert.equal(etagOf(await get()), tag);
  });

  it('cannot create, change or undo a sale', async () => {
    assert.equal((await purchase({ petId: 2, authToken: await backend.token() })).statusCode, 200);
    const tag = etagOf(await get());
    // isSold/soldTo in the body are ignored both ways.
    const res = await update({
      pets: [
        { id: 1, type: 'dog', price: 249.99, isSold: true, soldTo: 'mallory@example.com' },
        { id: 2, type: 'cat', price: 124.99, isSold: false },
        { id: 3, type: 'fish', price: 0.99 },
      ],
      etag: tag,
    });
    assert.equal(res.statusCode, 200, res.body);
    const pets = parse((await get()).body);
    assert.deepEqual(pets[0], { id: 1, type: 'dog', price: 249.99 });
    // The public list shows the sale, not the buyer (docs/design.md "Buyers' privacy").
    assert.deepEqual(pets[1], { id: 2, type: 'cat', price: 124.99, isSold: true });
    assert.deepEqual(await sales(), [
      { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'buyer@example.com' },
    ]);

    const reprice = await update({
      pets: [seedPets[0], { ...seedPets[1], price: 1 }, seedPets[2]],
      etag: tag,
    });
    assert.equal(reprice.statusCode, 409);
    assert.match(JSON.parse(reprice.body).message, /Pet 2 has been sold/);
    const remove = await update({ pets: [seedPets[0], seedPets[2]] });
    assert.equal(remove.statusCode, 409);
    assert.match(JSON.parse(remove.body).message, /Pet 2 has been sold and cannot be removed/);
    assert.deepEqual(parse((await get()).body), pets);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['malformed JSON', '{"pets": [', /not valid JSON/],
    ['an empty body', '', /empty/],
    ['an array body', '[]', /JSON object/],
    ['missing pets', {}, /pets must be an array/],
    ['pets not an array', { pets: 'dog' }, /pets must be an array/],
    ['a pet that is not an object', { pets: [1] }, /pets\[0\] must be an object/],
    ['a missing id', { pets: [{ type: 'dog', price: 1 }] }, /pets\[0\]\.id/],
    ['a string id', { pets: [{ id: '1', type: 'dog', price: 1 }] }, /pets\[0\]\.id/],
    ['a zero id', { pets: [{ id: 0, type: 'dog', price: 1 }] }, /positive integer/],
    ['a fractional id', { pets: [{ id: 1.5, type: 'dog', price: 1 }] }, /positive integer/],
    ['a missing type', { pets: [{ id: 1, price: 1 }] }, /type must be a string/],
    ['an empty type', { pets: [{ id: 1, type: '  ', price: 1 }] }, /must not be empty/],
    ['an over-long type', { pets: [{ id: 1, type: 'x'.repeat(41), price: 1 }] }, /at most 40/],
    [
      'a type with a lone surrogate',
      { pets: [...seedPets, { id: 9, type: 'cat\ud800', price: 1 }] },
      /pets\[3\]\.type must be text/,
    ],
    ['a string price', { pets: [{ id: 1, type: 'dog', price: '1' }] }, /finite number/],
    ['a missing price', { pets: [{ id: 1, type: 'dog' }] }, /finite number/],
    ['a negative price', { pets: [{ id: 1, type: 'dog', price: -1 }] }, /between 0/],
    ['a fraction of a cent', { pets: [{ id: 1, type: 'dog', price: 0.999 }] }, /whole cents/],
    ['a non-finite price', '{"pets":[{"id":1,"type":"dog","price":1e999}]}', /finite number/],
    ['duplicate ids', { pets: [seedPets[0], seedPets[0]] }, /more than one pet with id 1/],
    ['a non-string etag', { pets: seedPets, etag: 5 }, /etag must be/],
    [
      'an oversized body',
      JSON.stringify({ pets: [], pad: 'x'.repeat(5 * 1024 * 1024) }),
      /larger than/,
    ],
  ];
  for (const [what, body, message] of invalid) {
    it(`answers 400 to ${what} and writes nothing`, async () => {
      const res = await update(body);
      assert.equal(res.statusCode, 400, res.body);
      assertCors(res);
      assert.match(JSON.parse(res.body).message, message);
      assert.deepEqual(parse((await get()).body), seedPets);
    });
  }
});

describe('POST /pets/purchase', () => {
  it('sells the pet to the token email, whatever the body says, and answers every pet', async () => {
    const token = await backend.token({ email: 'alice@example.com' });
    const res = await purchase({
      petId: 1,
      authToken: token,
      soldTo: 'mallory@example.com',
      email: 'm@x',
    });
    assert.equal(res.statusCode, 200, res.body);
    assertCors(res);
    assert.match(etagOf(res), /^"[\w-]{22}"$/);
    const sold = { ...seedPets[0], isSold: true, soldTo: 'alice@example.com' };
    assert.deepEqual(parse(res.body), [sold, seedPets[1], seedPets[2]]);
    // Public: sold, no buyer; the admin's view: the token's email.
    assert.deepEqual(parse((await get()).body)[0], { ...seedPets[0], isSold: true });
    assert.deepEqual(await sales(), [sold]);
  });

  it('answers 409 "not available" for a sold pet and keeps the first buyer', async () => {
    await purchase({ petId: 3, authToken: await backend.token({ email: 'first@example.com' }) });
    const res = await purchase({
      petId: 3,
      authToken: await backend.token({ email: 'second@example.com' }),
    });
    assert.equal(res.statusCode, 409);
    assertCors(res);
    assert.match(JSON.parse(res.body).message, /That pet is not available/);
    assert.equal((await sales()).find((p) => p.id === 3)?.soldTo, 'first@example.com');
  });

  it('answers 404 "not available" for a missing pet and creates nothing', async () => {
    const res = await purchase({ petId: 99, authToken: await backend.token() });
    assert.equal(res.statusCode, 404);
    assert.match(JSON.parse(res.body).message, /That pet is not available/);
    assert.deepEqual(parse((await get()).body), seedPets);
  });

  it('shows a pet added after its snapshot was taken', async () => {
    await purchase({ petId: 1, authToken: await backend.token() });
    await update({ pets: [...seedPets, { id: 7, type: 'owl', price: 3 }] });
    const res = await purchase({ petId: 7, authToken: await backend.token() });
    assert.equal(res.statusCode, 200, res.body);
    // The earlier sale (same buyer, even) shows no buyer: only the pet just bought does.
    assert.deepEqual(parse(res.body)[0], { ...seedPets[0], isSold: true });
    assert.deepEqual(parse(res.body).at(-1), {
      id: 7,
      type: 'owl',
      price: 3,
      isSold: true,
      soldTo: 'buyer@example.com',
    });
  });

  const invalid: [string, unknown, number, RegExp][] = [
    ['malformed JSON', '{"petId":', 400, /not valid JSON/],
    ['an empty body', '', 400, /empty/],
    ['no authToken', { petId: 1 }, 401, /authToken is required/],
    ['a non-string authToken', { petId: 1, authToken: 42 }, 401, /authToken is required/],
  ];
  for (const [what, body, status, message] of invalid) {
    it(`answers ${status} to ${what}`, async () => {
      const res = await purchase(body);
      assert.equal(res.statusCode, status, res.body);
      assertCors(res);
      assert.match(JSON.parse(res.body).message, message);
      assert.deepEqual(parse((await get()).body), seedPets);
    });
  }

  for (const [what, petId] of [
    ['a missing petId', undefined],
    ['a string petId', '1'],
    ['a negative petId', -1],
    ['a fractional petId', 1.5],
  ] as const) {
    it(`answers 400 to ${what} (after checking the token)`, async () => {
      const res = await purchase({ petId, authToken: await backend.token() });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(JSON.parse(res.body).message, /petId/);
      assert.deepEqual(parse((await get()).body), seedPets);
    });
  }
});
