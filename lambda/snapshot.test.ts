import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pet } from '../api/pet';
import { CatalogueSnapshot } from './snapshot';
import { catalogueTag } from './pet-table';

// The snapshot's own logic, over a catalogue held in an array (the DynamoDB side of
// it is covered by handlers.test.ts and the bench).
const dog: Pet = { id: 1, type: 'dog', price: 249.99 };
const cat: Pet = { id: 2, type: 'cat', price: 124.99 };
const sold = (p: Pet, to: string): Pet => ({ ...p, isSold: true, soldTo: to });

describe('CatalogueSnapshot', () => {
  it('answers every pet with the sale overlaid, and the catalogue token', async () => {
    let loads = 0;
    const s = new CatalogueSnapshot(async () => (loads++, [dog, cat]), 60_000);
    const first = await s.withSale(sold(cat, 'a@example.com'));
    assert.deepEqual(JSON.parse(first.body), [dog, sold(cat, 'a@example.com')]);
    assert.equal(first.tag, catalogueTag([dog, cat]));
    const second = await s.withSale(sold(dog, 'b@example.com'));
    assert.deepEqual(JSON.parse(second.body), [
      sold(dog, 'b@example.com'),
      sold(cat, 'a@example.com'),
    ]);
    assert.equal(loads, 1, 'a fresh snapshot was read again');
  });

  it('keeps chunk boundaries right for large catalogues', async () => {
    const pets = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, type: 't', price: i }));
    const s = new CatalogueSnapshot(async () => pets, 60_000);
    for (const id of [1, 128, 129, 1000]) {
      const body = JSON.parse((await s.withSale(sold(pets[id - 1]!, `${id}@x.y`))).body) as Pet[];
      assert.equal(body.length, 1000);
      assert.deepEqual(body[id - 1], sold(pets[id - 1]!, `${id}@x.y`));
    }
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
    assert.deepEqual(body, [sold(dog, 'a@example.com'), sold(cat, 'b@example.com')]);
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
    assert.deepEqual(body[1], sold(cat, 'b@example.com'));
  });
});
