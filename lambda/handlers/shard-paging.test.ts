import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { Pet } from '../../api/pet';
import { nextCursor, type PetSort } from '../../api/pet-query';
import { priceKeyOf } from '../../api/pet-table';
import { PetWrites } from '../store/pet-writes';
import { apiEvent, loadHandlers, makePets, startBackend } from '../../node-testing/backend';

/*
 * Paging across shards while pets are sold: a sale moves a pet from an 'available'
 * shard to a 'sold' one (of another status, perhaps another number), under the same
 * sort key. A cursor holds one key for every shard, so a listing of both statuses
 * shows every pet exactly once, in order, whatever sells between and during its
 * pages; a listing of one status never shows a pet twice nor out of order, shows
 * every pet that stayed in it, and none that had left it before the walk began.
 */

const backend = await startBackend();
const handlers = await loadHandlers();
after(() => backend.close());

const COUNT = 400;
const store = makePets(COUNT);
const writes = new PetWrites(backend.tableName);

/** Sells `n` pets not yet sold, chosen by a fixed walk over the ids. */
let cursorOfSales = 0;
const sold = new Set<number>();

// Every walk starts from a store with 40 pets sold (putting the items back unsold).
beforeEach(async () => {
  await backend.seed(store);
  sold.clear();
  await sell(40);
});
async function sell(n: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < n && sold.size < COUNT) {
    cursorOfSales = (cursorOfSales + 137) % COUNT;
    const id = cursorOfSales + 1;
    if (sold.has(id)) continue;
    sold.add(id);
    ids.push(id);
  }
  await Promise.all(ids.map((id) => writes.purchase(id, `buyer-${id}@example.com`)));
  return ids;
}

function keyOf(sort: PetSort, pet: Pet): string {
  return sort.endsWith('id') ? String(pet.id).padStart(16, '0') : priceKeyOf(pet.price, pet.id);
}

/** Walks a listing page by page, selling pets between pages and while each is read. */
async function walkWhileSelling(query: Record<string, string>): Promise<Pet[]> {
  const seen: Pet[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 500; pages++) {
    const [res] = await Promise.all([
      handlers.getPets(
        apiEvent('GET', '/pets', undefined, {
          query: { ...query, limit: '9', ...(cursor && { cursor }) },
        }),
      ),
      sell(3),
    ]);
    assert.equal(res.statusCode, 200, res.body);
    seen.push(...(JSON.parse(res.body) as Pet[]));
    await sell(2);
    cursor = nextCursor(res.headers?.['Link'] as string | undefined);
    if (!cursor) return seen;
  }
  assert.fail('more than 500 pages');
}

function assertInOrderOnce(sort: PetSort, pets: Pet[], what: string): void {
  const keys = pets.map((p) => keyOf(sort, p));
  const descending = sort.startsWith('-');
  for (let i = 1; i < keys.length; i++) {
    const ordered = descending ? keys[i - 1]! > keys[i]! : keys[i - 1]! < keys[i]!;
    assert.ok(ordered, `${what}: ${keys[i - 1]} then ${keys[i]} (a repeat or out of order)`);
  }
}

describe('paging across shards while pets are sold', () => {
  for (const sort of ['id', '-id', 'price', '-price'] as const) {
    it(`shows every pet once, in order, without a status: sort=${sort}`, async () => {
      const pets = await walkWhileSelling({ sort });
      assertInOrderOnce(sort, pets, sort);
      assert.deepEqual(
        pets.map((p) => p.id).sort((a, b) => a - b),
        store.map((p) => p.id),
        'no gap',
      );
    });
  }

  it('shows each pet of a type once, in order, while they sell', async () => {
    const pets = await walkWhileSelling({ sort: 'price', type: 'dog' });
    assertInOrderOnce('price', pets, 'dog');
    assert.deepEqual(
      pets.map((p) => p.id).sort((a, b) => a - b),
      store.filter((p) => p.type === 'dog').map((p) => p.id),
    );
  });

  it('keeps the unsold pets of status=available, once each, none sold before', async () => {
    const before = new Set(sold);
    const pets = await walkWhileSelling({ sort: '-id', status: 'available' });
    assertInOrderOnce('-id', pets, 'available');
    const shown = new Set(pets.map((p) => p.id));
    for (const pet of store) {
      if (before.has(pet.id)) assert.ok(!shown.has(pet.id), `${pet.id} was sold before`);
      else if (!sold.has(pet.id)) assert.ok(shown.has(pet.id), `${pet.id} stayed unsold: a gap`);
    }
  });

  it('keeps every pet sold before status=sold began, once each', async () => {
    const before = new Set(sold);
    const pets = await walkWhileSelling({ sort: 'price', status: 'sold' });
    assertInOrderOnce('price', pets, 'sold');
    const shown = new Set(pets.map((p) => p.id));
    for (const id of before) assert.ok(shown.has(id), `${id} was sold before: a gap`);
    assert.ok(pets.every((p) => p.isSold));
  });
});
