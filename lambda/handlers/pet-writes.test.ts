import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { corsHeaders } from '../../api/http-api';
import { listingTag, type Pet } from '../../api/pet';
import { petItem } from '../../api/pet-table';
import { ConflictError } from '../http/errors';
import { PetWrites } from '../store/pet-writes';
import { apiEvent, loadHandlers, seedPets, startBackend } from '../../node-testing/backend';

const backend = await startBackend();
const handlers = await loadHandlers();
const doc = DynamoDBDocumentClient.from(backend.client);
after(() => backend.close());

beforeEach(async () => {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: backend.tableName }));
  await Promise.all(
    Items.map((i) =>
      doc.send(new DeleteCommand({ TableName: backend.tableName, Key: { id: i['id'] } })),
    ),
  );
  await backend.seed(seedPets);
});

const put = (id: string | number, body: unknown, headers: Record<string, string> = {}) =>
  handlers.putPet(
    apiEvent('PUT', `/pets/${id}`, body, { pathParameters: { id: String(id) }, headers }),
  );
const del = (id: string | number, headers: Record<string, string> = {}) =>
  handlers.deletePet(
    apiEvent('DELETE', `/pets/${id}`, undefined, { pathParameters: { id: String(id) }, headers }),
  );
const buy = async (petId: number, email = 'buyer@example.com') =>
  handlers.purchasePet(
    apiEvent('POST', '/pets/purchase', { petId, authToken: await backend.token({ email }) }),
  );
const list = async (query: Record<string, string> = {}) =>
  JSON.parse(
    (await handlers.getPets(apiEvent('GET', '/pets', undefined, { query }))).body,
  ) as Pet[];
const stored = async (id: number) =>
  (await doc.send(new GetCommand({ TableName: backend.tableName, Key: { id } }))).Item;
const message = (res: { body: string }) => (JSON.parse(res.body) as { message: string }).message;
const quoted = (pet: Pet) => `"${listingTag(pet)}"`;

function assertCors(res: { headers?: Record<string, unknown> }) {
  for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v, k);
}

describe('PUT /pets/{id}', () => {
  it('creates a pet: 201, the pet, its listing tag, and every index entry', async () => {
    const res = await put(42, { type: ' owl ', price: 12.5, isSold: true, soldTo: 'm@x.y' });
    assert.equal(res.statusCode, 201, res.body);
    assertCors(res);
    const owl = { id: 42, type: 'owl', price: 12.5 };
    assert.deepEqual(JSON.parse(res.body), owl);
    assert.equal(res.headers?.['ETag'], quoted(owl));
    assert.deepEqual(await stored(42), petItem(owl));
    assert.deepEqual(await list({ type: 'owl', status: 'available', sort: 'price' }), [owl]);
  });

  it('re-lists an unsold pet: 200, and it moves in the type and price indexes', async () => {
    const res = await put(1, { type: 'wolf', price: 0.5 });
    assert.equal(res.statusCode, 200, res.body);
    const wolf = { id: 1, type: 'wolf', price: 0.5 };
    assert.deepEqual(JSON.parse(res.body), wolf);
    assert.equal(res.headers?.['ETag'], quoted(wolf));
    assert.deepEqual(await stored(1), petItem(wolf));
    assert.deepEqual(await list({ type: 'dog' }), []);
    assert.deepEqual(await list({ type: 'wolf' }), [wolf]);
    assert.deepEqual(
      (await list({ sort: 'price' })).map((p) => p.id),
      [1, 3, 2],
    );
  });

  it('refuses to change a sold pet: 409, nothing written', async () => {
    assert.equal((await buy(2)).statusCode, 200);
    const before = await stored(2);
    const res = await put(2, { type: 'cat', price: 1 });
    assert.equal(res.statusCode, 409);
    assertCors(res);
    assert.match(message(res), /Pet 2 has been sold/);
    assert.deepEqual(await stored(2), before);
  });

  it('If-None-Match: * creates only', async () => {
    const taken = await put(1, { type: 'dog', price: 1 }, { 'If-None-Match': '*' });
    assert.equal(taken.statusCode, 409);
    assert.match(message(taken), /Pet 1 already exists/);
    assert.deepEqual(await stored(1), petItem(seedPets[0]!));
    const fresh = await put(9, { type: 'emu', price: 3 }, { 'if-none-match': '*' });
    assert.equal(fresh.statusCode, 201, fresh.body);
  });

  it('If-Match changes only the listing the admin saw', async () => {
    const seen = quoted(seedPets[0]!);
    const first = await put(1, { type: 'dog', price: 199 }, { 'If-Match': seen });
    assert.equal(first.statusCode, 200, first.body);
    const stale = await put(1, { type: 'dog', price: 150 }, { 'If-Match': seen });
    assert.equal(stale.statusCode, 409);
    assert.match(message(stale), /changed since you loaded it/);
    assert.equal((await stored(1))?.['price'], 199);
    // The new tag, also weak (a compressing proxy may weaken an ETag; the listing is
    // the same) or in a list, and `*` for "whatever it is now".
    const now = String(first.headers?.['ETag']);
    const weak = await put(1, { type: 'dog', price: 198 }, { 'If-Match': `W/${now}` });
    assert.equal(weak.statusCode, 200, weak.body);
    const newer = quoted({ id: 1, type: 'dog', price: 198 });
    const listed = await put(1, { type: 'dog', price: 197 }, { 'If-Match': `"x", ${newer}` });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal((await put(1, { type: 'dog', price: 196 }, { 'If-Match': '*' })).statusCode, 200);
    assert.equal((await stored(1))?.['price'], 196);
    // A pet that is not there matches nothing.
    const gone = await put(77, { type: 'dog', price: 1 }, { 'If-Match': '*' });
    assert.equal(gone.statusCode, 409);
    assert.equal(await stored(77), undefined);
  });

  const badIds = [
    '0',
    '-1',
    '1.5',
    'abc',
    '01',
    '1e3',
    ' 1',
    '9007199254740992',
    '99999999999999999',
  ];
  for (const id of badIds) {
    it(`answers 400 to the id ${JSON.stringify(id)}`, async () => {
      const res = await put(id, { type: 'dog', price: 1 });
      assert.equal(res.statusCode, 400, res.body);
      assertCors(res);
      assert.match(message(res), /pet id in the path must be a positive integer/);
    });
  }

  const badBodies: [string, unknown, RegExp][] = [
    ['malformed JSON', '{"type":', /not valid JSON/],
    ['an empty body', '', /empty/],
    ['an array', '[]', /JSON object/],
    ['no type', { price: 1 }, /^type must be a string/],
    ['an empty type', { type: ' ', price: 1 }, /^type must not be empty/],
    ['a long type', { type: 'x'.repeat(41), price: 1 }, /^type must be at most 40/],
    ['a type with a lone surrogate', { type: 'cat\ud800', price: 1 }, /^type must be text/],
    [
      'a type with a lone surrogate as JSON',
      '{"type":"\\udc00cat","price":1}',
      /^type must be text/,
    ],
    ['no price', { type: 'dog' }, /^price must be a finite number/],
    ['a string price', { type: 'dog', price: '1' }, /^price must be a finite number/],
    ['a negative price', { type: 'dog', price: -1 }, /^price must be between/],
    ['a fraction of a cent', { type: 'dog', price: 1.001 }, /whole cents/],
  ];
  for (const [what, body, pattern] of badBodies) {
    it(`answers 400 to ${what} and writes nothing`, async () => {
      const res = await put(1, body);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(message(res), pattern);
      assert.deepEqual(await stored(1), petItem(seedPets[0]!));
    });
  }

  const badHeaders: [string, Record<string, string>, RegExp][] = [
    ['an If-Match that is no tag', { 'If-Match': '"a b"' }, /If-Match must be/],
    ['an empty If-Match', { 'If-Match': '' }, /If-Match must be/],
    ['an If-None-Match with a tag', { 'If-None-Match': '"abc"' }, /If-None-Match must be \*/],
    ['both conditions', { 'If-Match': '*', 'If-None-Match': '*' }, /not both/],
  ];
  for (const [what, headers, pattern] of badHeaders) {
    it(`answers 400 to ${what}`, async () => {
      const res = await put(1, { type: 'dog', price: 5 }, headers);
      assert.equal(res.statusCode, 400, res.body);
      assert.match(message(res), pattern);
    });
  }
});

describe('DELETE /pets/{id}', () => {
  it('removes an unsold pet: 204, no body, gone from every index', async () => {
    const res = await del(3);
    assert.equal(res.statusCode, 204);
    assertCors(res);
    assert.equal(res.body, '');
    assert.equal(await stored(3), undefined);
    assert.deepEqual(await list({ type: 'fish' }), []);
    assert.deepEqual(
      (await list({ sort: '-price' })).map((p) => p.id),
      [1, 2],
    );
  });

  it('answers 404 for no such pet and 409 for a sold one', async () => {
    const missing = await del(99);
    assert.equal(missing.statusCode, 404);
    assertCors(missing);
    assert.match(message(missing), /no pet 99/);
    await buy(2);
    const sold = await del(2);
    assert.equal(sold.statusCode, 409);
    assert.match(message(sold), /Pet 2 has been sold and cannot be removed/);
    assert.equal((await stored(2))?.['isSold'], true);
  });

  it('honours If-Match', async () => {
    await put(1, { type: 'dog', price: 5 });
    const stale = await del(1, { 'If-Match': quoted(seedPets[0]!) });
    assert.equal(stale.statusCode, 409);
    assert.ok(await stored(1));
    const fresh = await del(1, { 'If-Match': quoted({ id: 1, type: 'dog', price: 5 }) });
    assert.equal(fresh.statusCode, 204);
    assert.equal((await del(1, { 'If-Match': '*' })).statusCode, 404);
    assert.equal((await del(2, { 'If-Match': 'no tag!' })).statusCode, 400);
  });

  for (const id of ['0', 'x', '2.0']) {
    it(`answers 400 to the id ${JSON.stringify(id)}`, async () => {
      const res = await del(id);
      assert.equal(res.statusCode, 400);
      assert.match(message(res), /positive integer/);
    });
  }
});

describe('POST /pets/purchase moves the pet to the sold indexes', () => {
  it('in the status, type and buyer partitions', async () => {
    assert.equal((await buy(2, 'cat.lover@example.com')).statusCode, 200);
    // Public pages show the sale without its buyer; the buyer's own view shows both.
    const cat = { ...seedPets[1]!, isSold: true };
    assert.deepEqual(await list({ status: 'sold' }), [cat]);
    assert.deepEqual(await list({ status: 'sold', type: 'cat', sort: 'price' }), [cat]);
    assert.deepEqual(await list({ status: 'available', type: 'cat' }), []);
    const mine = await handlers.listMine(
      apiEvent('POST', '/pets/mine', {
        authToken: await backend.token({ email: 'cat.lover@example.com' }),
      }),
    );
    assert.deepEqual(JSON.parse(mine.body), [{ ...cat, soldTo: 'cat.lover@example.com' }]);
    const item = await stored(2);
    assert.equal(item?.['status'], 'sold');
    assert.equal(item?.['typeStatus'], 'cat#sold');
    assert.match(String(item?.['soldAt']), /^\d{4}-\d\d-\d\dT/);
  });
});

describe('races', () => {
  it('lets one of two concurrent If-None-Match creates of an id win', async () => {
    for (let round = 0; round < 10; round++) {
      const id = 100 + round;
      const [a, b] = await Promise.all([
        put(id, { type: 'a', price: 1 }, { 'If-None-Match': '*' }),
        put(id, { type: 'b', price: 2 }, { 'If-None-Match': '*' }),
      ]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [201, 409], `${a.body} ${b.body}`);
      const winner = a.statusCode === 201 ? 'a' : 'b';
      assert.equal((await stored(id))?.['type'], winner);
    }
  });

  it('never lets a removal and a purchase of one pet both succeed', async () => {
    for (let round = 0; round < 10; round++) {
      const id = 200 + round;
      await put(id, { type: 'dog', price: 1 });
      const [removed, bought] =
        round % 2
          ? await Promise.all([del(id), buy(id)])
          : (await Promise.all([buy(id), del(id)])).reverse();
      const item = await stored(id);
      if (removed.statusCode === 204) {
        assert.equal(bought.statusCode, 404, bought.body);
        assert.equal(item, undefined);
      } else {
        assert.equal(removed.statusCode, 409, removed.body);
        assert.equal(bought.statusCode, 200, bought.body);
        assert.equal(item?.['isSold'], true);
      }
    }
  });

  it('never changes a sold pet when a re-listing races its purchase', async () => {
    for (let round = 0; round < 10; round++) {
      const id = 300 + round;
      await put(id, { type: 'dog', price: 1 });
      const [relisted, bought] =
        round % 2
          ? await Promise.all([put(id, { type: 'cat', price: 2 }), buy(id)])
          : (await Promise.all([buy(id), put(id, { type: 'cat', price: 2 })])).reverse();
      assert.equal(bought.statusCode, 200, bought.body);
      assert.ok([200, 409].includes(relisted.statusCode), relisted.body);
      // The pet as sold is the pet as it is now: nothing changed it after the sale.
      const sold = (JSON.parse(bought.body) as Pet[]).find((p) => p.id === id)!;
      const item = await stored(id);
      assert.deepEqual(
        { type: item?.['type'], price: item?.['price'], isSold: item?.['isSold'] },
        { type: sold.type, price: sold.price, isSold: true },
      );
      assert.deepEqual(item, {
        ...petItem(sold, String(item?.['soldAt'])),
      });
      if (relisted.statusCode === 409) assert.equal(sold.type, 'dog');
    }
  });

  /** A client that lets `meanwhile` run just before the first write of `kind` to pet 2. */
  function interleaved(
    kind: typeof UpdateCommand | typeof DeleteCommand,
    meanwhile: () => Promise<unknown>,
  ) {
    let done = false;
    return new Proxy(doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: unknown) => {
          if (!done && command instanceof kind && command.input.Key?.['id'] === 2) {
            done = true;
            await meanwhile();
          }
          return target.send(command as never);
        };
      },
    });
  }

  it('refuses a re-listing whose pet was sold between its read and its write', async () => {
    const sneaky = interleaved(UpdateCommand, () =>
      new PetWrites(backend.tableName, doc).purchase(2, 'sneaky@example.com'),
    );
    await assert.rejects(
      new PetWrites(backend.tableName, sneaky).put(2, { type: 'cat', price: 1 }),
      (err: unknown) => err instanceof ConflictError && /has been sold/.test(err.message),
    );
    const item = await stored(2);
    assert.deepEqual(
      [item?.['type'], item?.['price'], item?.['soldTo']],
      ['cat', 124.99, 'sneaky@example.com'],
    );
  });

  it('refuses a removal whose pet was sold between its read and its write', async () => {
    const sneaky = interleaved(DeleteCommand, () =>
      new PetWrites(backend.tableName, doc).purchase(2, 'sneaky@example.com'),
    );
    await assert.rejects(
      new PetWrites(backend.tableName, sneaky).remove(2),
      (err: unknown) => err instanceof ConflictError && /has been sold/.test(err.message),
    );
    assert.equal((await stored(2))?.['soldTo'], 'sneaky@example.com');
  });

  it('judges If-Match again when another admin re-lists between the read and the write', async () => {
    const sneaky = interleaved(UpdateCommand, () =>
      new PetWrites(backend.tableName, doc).put(2, { type: 'cat', price: 5 }),
    );
    await assert.rejects(
      new PetWrites(backend.tableName, sneaky).put(
        2,
        { type: 'cat', price: 1 },
        { ifMatch: [listingTag(seedPets[1]!)] },
      ),
      (err: unknown) =>
        err instanceof ConflictError && /changed since you loaded/.test(err.message),
    );
    assert.equal((await stored(2))?.['price'], 5);
  });

  it("sells the pet as it is when a re-type lands between a purchase's read and its sale", async () => {
    const sneaky = interleaved(UpdateCommand, () =>
      new PetWrites(backend.tableName, doc).put(2, { type: 'lynx', price: 5 }),
    );
    const sold = await new PetWrites(backend.tableName, sneaky).purchase(2, 'b@example.com');
    assert.deepEqual(sold, {
      id: 2,
      type: 'lynx',
      price: 5,
      isSold: true,
      soldTo: 'b@example.com',
    });
    assert.equal((await stored(2))?.['typeStatus'], 'lynx#sold');
  });
});
