import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../../api/pet';
import { PetWrites } from '../store/pet-writes';
import { ConflictError } from '../http/errors';
import {
  apiEvent,
  loadHandlers,
  seedIfEmpty,
  seedPets,
  startBackend,
} from '../../node-testing/backend';

const backend = await startBackend();
const handlers = await loadHandlers();
const doc = DynamoDBDocumentClient.from(backend.client);
after(() => backend.close());
const { CatalogueReplace } = await import('../store/catalogue-replace');
const get = async () => {
  const res = await handlers.getPets(apiEvent('GET', '/pets'));
  return { pets: JSON.parse(res.body) as Pet[], etag: String(res.headers?.['ETag']) };
};
const update = (body: unknown) => handlers.updatePets(apiEvent('POST', '/pets', body));
/** Who bought a pet, as the admin's GET /pets/sales shows it (the public list does not). */
const buyerOf = async (id: number) =>
  (JSON.parse((await handlers.listSales(apiEvent('GET', '/pets/sales'))).body) as Pet[]).find(
    (p) => p.id === id,
  )?.soldTo;
const purchase = async (petId: number, email = 'buyer@example.com') =>
  handlers.purchasePet(
    apiEvent('POST', '/pets/purchase', { petId, authToken: await backend.token({ email }) }),
  );

beforeEach(async () => {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: backend.tableName }));
  await Promise.all(
    Items.map((i) =>
      doc.send(new DeleteCommand({ TableName: backend.tableName, Key: { id: i['id'] } })),
    ),
  );
  await seedIfEmpty(backend.client, backend.tableName);
});

describe('races', () => {
  it('sells one pet to exactly one of 50 concurrent buyers', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => backend.token({ email: `buyer${i}@example.com` })),
    );
    const results = await Promise.all(
      tokens.map((authToken) =>
        handlers.purchasePet(apiEvent('POST', '/pets/purchase', { petId: 2, authToken })),
      ),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    assert.equal(ok.length, 1);
    assert.equal(results.filter((r) => r.statusCode === 409).length, 49);
    const winner = (JSON.parse(ok[0]!.body) as Pet[]).find((p) => p.id === 2)!.soldTo;
    assert.match(winner ?? '', /^buyer\d+@example\.com$/);
    assert.equal((await get()).pets.find((p) => p.id === 2)!.isSold, true);
    assert.equal(await buyerOf(2), winner);
  });

  for (const [what, stale] of [
    ['re-prices', [seedPets[0], { ...seedPets[1], price: 1 }, seedPets[2]]],
    ['removes', [seedPets[0], seedPets[2]]],
    ['re-sends unchanged (isSold false)', seedPets.map((p) => ({ ...p, isSold: false }))],
  ] as const) {
    for (const withToken of [true, false]) {
      it(`keeps the sale when an admin's stale list that ${what} the pet races a purchase (${withToken ? 'with' : 'without'} token)`, async () => {
        for (let round = 0; round < 8; round++) {
          await doc.send(
            new UpdateCommand({
              TableName: backend.tableName,
              Key: { id: 2 },
              UpdateExpression: 'SET #t = :t, price = :p REMOVE isSold, soldTo, soldAt',
              ExpressionAttributeNames: { '#t': 'type' },
              ExpressionAttributeValues: { ':t': 'cat', ':p': 124.99 },
            }),
          );
          const { etag } = await get();
          // Alternate who starts first so both orders are exercised.
          const buy = () => purchase(2, `round${round}@example.com`);
          const edit = () => update(withToken ? { pets: stale, etag } : { pets: stale });
          const [bought, edited] =
            round % 2
              ? await Promise.all([buy(), edit()])
              : (await Promise.all([edit(), buy()])).reverse();
          const pet = (await get()).pets.find((p) => p.id === 2);
          if (bought.statusCode === 200) {
            assert.deepEqual(
              { isSold: pet?.isSold, soldTo: await buyerOf(2) },
              { isSold: true, soldTo: `round${round}@example.com` },
              'the sale was lost',
            );
            assert.ok([200, 409].includes(edited.statusCode), edited.body);
          } else {
            // The edit won: the pet is gone (404) — re-priced or unchanged pets stay buyable.
            assert.equal(what, 'removes');
            assert.equal(bought.statusCode, 404);
            assert.equal(edited.statusCode, 200);
            assert.equal(pet, undefined);
          }
        }
      });
    }
  }

  it('lets at most one of two admins with the same token change one pet', async () => {
    for (let round = 0; round < 8; round++) {
      const { etag } = await get();
      const a = [{ ...seedPets[0], price: 1000 + round }, seedPets[1], seedPets[2]];
      const b = [{ ...seedPets[0], price: 2000 + round }, seedPets[1], seedPets[2]];
      const [ra, rb] = await Promise.all([update({ pets: a, etag }), update({ pets: b, etag })]);
      const ok = [ra, rb].filter((r) => r.statusCode === 200);
      assert.equal(ok.length, 1, `${ra.statusCode} ${rb.statusCode}`);
      const won = ra.statusCode === 200 ? a : b;
      assert.equal((await get()).pets[0]!.price, won[0]!.price);
      await update({ pets: seedPets });
    }
  });

  it('never loses an edit of two admins racing with the same token on different pets', async () => {
    for (let round = 0; round < 8; round++) {
      await update({ pets: seedPets });
      const { etag } = await get();
      const [ra, rb] = await Promise.all([
        update({ pets: [...seedPets, { id: 10, type: 'owl', price: 1 }], etag }),
        update({ pets: [...seedPets, { id: 11, type: 'emu', price: 2 }], etag }),
      ]);
      assert.ok(ra.statusCode === 200 || rb.statusCode === 200);
      const ids = (await get()).pets.map((p) => p.id);
      if (ra.statusCode === 200) assert.ok(ids.includes(10), 'edit A was lost');
      else assert.equal(ra.statusCode, 409);
      if (rb.statusCode === 200) assert.ok(ids.includes(11), 'edit B was lost');
      else assert.equal(rb.statusCode, 409);
    }
  });

  it('undoes its other writes when a pet is sold between its read and its write', async () => {
    // A client that lets a buyer in just before the admin's write to pet 2.
    const sneaky = new Proxy(doc, {
      get(target, prop, receiver) {
        if (prop !== 'send') return Reflect.get(target, prop, receiver);
        return async (command: unknown) => {
          if (command instanceof UpdateCommand && command.input.Key?.['id'] === 2) {
            await new PetWrites(backend.tableName, doc).purchase(2, 'sneaky@example.com');
          }
          return target.send(command as never);
        };
      },
    });
    const edited = [
      { id: 1, type: 'dog', price: 1 },
      { id: 2, type: 'cat', price: 2 },
      { id: 3, type: 'fish', price: 3 },
      { id: 4, type: 'owl', price: 4 },
    ];
    await assert.rejects(
      new CatalogueReplace(backend.tableName, sneaky).replace(edited, undefined),
      ConflictError,
    );
    assert.deepEqual((await get()).pets, [
      seedPets[0],
      { ...seedPets[1], isSold: true },
      seedPets[2],
    ]);
    assert.equal(await buyerOf(2), 'sneaky@example.com');
  });
});
