import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pet } from '../../api/pet';
import { CatalogueSnapshot, LARGE_STORE_REFRESH_FACTOR } from './purchase-snapshot';
import { catalogueTag } from './catalogue-tag';

// The snapshot's own logic, over a catalogue held in an array (the DynamoDB side of
// it is covered by handlers/tutorial-routes.test.ts and bench/purchase.bench.ts).
const dog: Pet = { id: 1, type: 'dog', price: 249.99 };
const cat: Pet = { id: 2, type: 'cat', price: 124.99 };
const sold = (p: Pet, to: string): Pet => ({ ...p, isSold: true, soldTo: to });
/** A sold pet as any answer but its own purchase's shows it: no buyer. */
const soldEarlier = (p: Pet): Pet => ({ ...p, isSold: true });

describe('CatalogueSnapshot', () => {
  it('answers every pet with the sale overlaid, and the catalogue token', async () => {
    let loads = 0;
    const s = new CatalogueSnapshot(async () => (loads++, [dog, cat]), 60_000);
    const first = await s.withSale(sold(cat, 'a@example.com'));
    assert.deepEqual(JSON.parse(first.body), [dog, sold(cat, 'a@example.com')]);
    assert.equal(first.tag, catalogueTag([dog, cat]));
    const second = await s.withSale(sold(dog, 'b@example.com'));
    // The cat's buyer was a's: b's answer shows the cat sold, not who bought it.
    assert.deepEqual(JSON.parse(second.body), [sold(dog, 'b@example.com'), soldEarlier(cat)]);
    assert.equal(loads, 1, 'a fresh snapshot was read again');
  });

  it('keeps chunk boundaries right for large catalogues', async () => {
    const pets = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, type: 't', price: i }));
    const s = new CatalogueSnapshot(async () => pets, 60_000);
    const earlier: number[] = [];
    for (const id of [1, 128, 129, 1000]) {
      const body = JSON.parse((await s.withSale(sold(pets[id - 1]!, `${id}@x.y`))).body) as Pet[];
      assert.equal(body.length, 1000);
      assert.deepEqual(body[id - 1], sold(pets[id - 1]!, `${id}@x.y`));
      for (const e of earlier) assert.deepEqual(body[e - 1], soldEarlier(pets[e - 1]!));
      // One buyer in the whole answer: the caller's.
      assert.equal(JSON.stringify(body).split('@').length, 2);
      earlier.push(id);
    }
  });

  it('never holds a buyer, whatever it is loaded or installed with', async () => {
    const leaky = [sold(dog, 'a@example.com'), sold(cat, 'b@example.com')];
    const loaded = new CatalogueSnapshot(async () => leaky, 60_000);
    const third: Pet = { id: 3, type: 'fish', price: 1 };
    loaded.install([...leaky, third]);
    const body = (await loaded.withSale(sold(third, 'c@example.com'))).body;
    assert.deepEqual(JSON.parse(body), [
      soldEarlier(dog),
      soldEarlier(cat),
      sold(third, 'c@example.com'),
    ]);
    // A pet that is not the caller's purchase, given with extra fields, is rebuilt too.
    const odd = { ...third, id: 4, soldAt: '2026-01-01T00:00:00Z', email: 'x@y.z' } as Pet;
    loaded.install([dog, odd]);
    const again = JSON.parse((await loaded.withSale(sold(dog, 'd@example.com'))).body) as Pet[];
    assert.deepEqual(again, [sold(dog, 'd@example.com'), { id: 4, type: 'fish', price: 1 }]);
  });

  it('reads again for a pet newer than the copy, past a refresh that began before it', async () => {
    let table: Pet[] = [sold(dog, 'a@example.com')];
    const reads: ((pets: Pet[]) => void)[] = [];
    const s = new CatalogueSnapshot(
      () => new Promise<Pet[]>((resolve) => reads.push(resolve)),
      0,
      60_000,
    );
    s.install([dog], Date.now() - 1);
    // The dog is sold; its purchase starts a background refresh that reads the table now.
    const dogSale = s.withSale(sold(dog, 'a@example.com'));
    const staleRead = [...table];
    // Then the cat is added and sold; its purchase finds no cat in the copy.
    table = [...table, sold(cat, 'b@example.com')];
    const catSale = s.withSale(sold(cat, 'b@example.com'));
    reads.shift()!(staleRead); // the refresh that read before the cat existed lands
    await dogSale;
    await new Promise((r) => setImmediate(r));
    reads.shift()!(table); // the refresh after it sees the cat
    const body = JSON.parse((await catSale).body) as Pet[];
    // The table's read held the dog's buyer: the copy keeps it out all the same.
    assert.deepEqual(body, [soldEarlier(dog), sold(cat, 'b@example.com')]);
  });

  it('checks a store larger than a page less often, and answers the bought pet alone', async () => {
    let loads = 0;
    let table: Pet[] | null = null; // larger than a page
    const ttlMs = 1000;
    const s = new CatalogueSnapshot(async () => (loads++, table), ttlMs);
    const at = (ago: number, pets: Pet[] | null) => s.install(pets, Date.now() - ago);

    // Past the TTL but within the large store's interval: no read, the pet alone.
    at(ttlMs * 2, null);
    assert.deepEqual(JSON.parse((await s.withSale(sold(dog, 'a@example.com'))).body), [
      sold(dog, 'a@example.com'),
    ]);
    assert.equal(loads, 0);

    // A copy of a store that fits a page reads again past the TTL, as before.
    at(ttlMs * 2, [dog, cat]);
    await s.withSale(sold(cat, 'b@example.com'));
    await s.idle();
    assert.equal(loads, 1);

    // Past the longer interval the large store is checked, and admins' removals that
    // brought it down to a page show: the whole list again.
    at(ttlMs * LARGE_STORE_REFRESH_FACTOR * 11, null);
    table = [dog, cat];
    const body = JSON.parse((await s.withSale(sold(cat, 'c@example.com'))).body) as Pet[];
    assert.equal(loads, 2);
    assert.deepEqual(body, [dog, sold(cat, 'c@example.com')]);
  });

  it('re-applies sales made while a refresh was reading', async () => {
    const reads: ((pets: Pet[]) => void)[] = [];
    const s = new CatalogueSnapshot(
      () => new Promise<Pet[]>((resolve) => reads.push(resolve)),
      0,
      60_000,
    );
    s.install([dog, cat], Date.now() - 1);
    await s.withSale(sold(dog, 'a@example.com')); // starts a refresh, answers from the copy
    await s.withSale(sold(cat, 'b@example.com')); // made while that refresh reads
    reads.shift()!([sold(dog, 'a@example.com'), cat]); // the read missed the cat's sale
    await s.idle();
    const body = JSON.parse((await s.withSale(sold(dog, 'a@example.com'))).body) as Pet[];
    assert.deepEqual(body[1], soldEarlier(cat));
  });
});
