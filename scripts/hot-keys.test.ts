import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pet } from '../api/pet';
import { indexSpread } from '../api/index-spread';
import { petItem } from '../api/pet-table';
import { syntheticPet } from './seed';

/*
 * The "no hot key" rule (docs/design.md): at 100,000 pets no partition-key value of
 * any index holds more than 5% of that index's items. Measured on the keys the data
 * model writes (petItem, as every writer and the seed use it): dynalite has no
 * partitions, and in DynamoDB an entry lives under its partition key's value, so the
 * counts per value are the honest measure. The seeded store, then the worst stores
 * for the shared keys: every pet of one type and one status.
 */

const PETS = 100_000;
const LIMIT = 0.05;

function storeOf(pet: (id: number) => Pet & { soldAt?: string }): Record<string, unknown>[] {
  return Array.from({ length: PETS }, (_, i) => {
    const { soldAt, ...rest } = pet(i + 1);
    return petItem(rest, soldAt) as unknown as Record<string, unknown>;
  });
}

function assertNoHotKey(items: Record<string, unknown>[], what: string): string {
  const lines: string[] = [];
  for (const spread of indexSpread(items)) {
    if (spread.items === 0) continue;
    lines.push(
      `${spread.index}: ${spread.partitions} keys, largest ${spread.largestKey} ` +
        `${(100 * spread.largestShare).toFixed(2)}%`,
    );
    assert.ok(
      spread.largestShare <= LIMIT,
      `${what}: ${spread.index}'s key ${spread.largestKey} holds ${spread.largestItems} of ${spread.items}`,
    );
  }
  return lines.join('; ');
}

describe('no partition-key value holds more than 5% of an index at 100,000 pets', () => {
  it('in the seeded store (20 types, one pet in ten sold to 1,000 buyers)', (t) => {
    t.diagnostic(assertNoHotKey(storeOf(syntheticPet), 'seeded'));
  });

  it('in a store of one type, all unsold', (t) => {
    t.diagnostic(
      assertNoHotKey(
        storeOf((id) => ({ id, type: 'dog', price: 10 })),
        'unsold',
      ),
    );
  });

  it('in a store of one type, all sold', (t) => {
    const sold = (id: number) => ({
      id,
      type: 'dog',
      price: 10,
      isSold: true as const,
      soldTo: `buyer-${id}@example.com`,
    });
    t.diagnostic(assertNoHotKey(storeOf(sold), 'sold'));
  });
});
