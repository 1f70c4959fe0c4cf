import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pet } from '../api/pet';
import { apiEvent, type Backend, loadHandlers, makePets, startBackend } from '../testing/backend';

const handlers = await loadHandlers();

// 50,000 pets: far past what one 400 KB item holds (the tutorial's design overflows at
// 14,476), with the longest sale state a real buyer would have, to bound the response.
const COUNT = 50_000;
let backend: Backend;

before(async () => {
  backend = await startBackend();
  const pets = makePets(COUNT).map((p) =>
    p.id % 2 ? p : { ...p, isSold: true, soldTo: `a.rather.long.buyer.name.${p.id}@example.com` },
  );
  await backend.seed(pets);
});
after(() => backend.close());

describe('a catalogue of 50,000 pets', { timeout: 300_000 }, () => {
  let etag = '';

  it('is listed whole by GET /pets, well under the 6 MB response limit', async (t) => {
    const res = await handlers.getPets(apiEvent('GET', '/pets'));
    assert.equal(res.statusCode, 200);
    const bytes = Buffer.byteLength(JSON.stringify(res)); // as the runtime sends it
    assert.ok(bytes < 4.5 * 1024 * 1024, `response is ${bytes} bytes`);
    t.diagnostic(`GET /pets response: ${bytes} bytes`);
    const pets = JSON.parse(res.body) as Pet[];
    assert.equal(pets.length, COUNT);
    assert.deepEqual(
      pets.map((p) => p.id),
      Array.from({ length: COUNT }, (_, i) => i + 1),
    );
    etag = String(res.headers?.['ETag']);
  });

  it('takes an admin edit of one pet with the full list and the token', async () => {
    const pets = makePets(COUNT);
    pets[0] = { ...pets[0]!, price: 1.5 };
    pets.push({ id: COUNT + 1, type: 'axolotl', price: 42 });
    const res = await handlers.updatePets(apiEvent('POST', '/pets', { pets, etag }));
    assert.equal(res.statusCode, 200, res.body);
    const after = JSON.parse(res.body) as Pet[];
    assert.equal(after.length, COUNT + 1);
    assert.deepEqual(after[0], { id: 1, type: 'dog', price: 1.5 });
    assert.equal(after[1]!.isSold, true, 'a sale was lost');
    etag = String(res.headers?.['ETag']);
  });

  it('sells a pet and answers all of them', async () => {
    const res = await handlers.purchasePet(
      apiEvent('POST', '/pets/purchase', { petId: COUNT + 1, authToken: await backend.token() }),
    );
    assert.equal(res.statusCode, 200, res.body);
    const pets = JSON.parse(res.body) as Pet[];
    assert.equal(pets.length, COUNT + 1);
    assert.deepEqual(pets.at(-1), {
      id: COUNT + 1,
      type: 'axolotl',
      price: 42,
      isSold: true,
      soldTo: 'buyer@example.com',
    });
    assert.equal(res.headers?.['ETag'], etag, 'a purchase changed the catalogue token');
  });
});
