import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { petItem, petShards, priceKeyOf, shardOf } from './pet-table';

describe('petItem', () => {
  it('derives every index attribute from the pet', () => {
    assert.deepEqual(petItem({ id: 42, type: 'dog', price: 249.99 }), {
      id: 42,
      type: 'dog',
      price: 249.99,
      shard: 12,
      status: 'available',
      typeStatus: 'dog#available',
      statusShard: 'available#12',
      typeShard: 'dog#available#12',
      priceKey: '000000024999#0000000000000042',
    });
    assert.deepEqual(
      petItem({ id: 7, type: 'a#b', price: 0, isSold: true, soldTo: 'x@y.z' }, 'when'),
      {
        id: 7,
        type: 'a#b',
        price: 0,
        isSold: true,
        soldTo: 'x@y.z',
        soldAt: 'when',
        shard: 4,
        status: 'sold',
        typeStatus: 'a#b#sold',
        statusShard: 'sold#04',
        typeShard: 'a#b#sold#04',
        priceKey: '000000000000#0000000000000007',
      },
    );
  });

  it('orders priceKeys as prices, then ids, at the extremes of both', () => {
    const pets: [number, number][] = [
      [1e9, Number.MAX_SAFE_INTEGER],
      [1e9, 1],
      [0.1 + 0.2, 5], // 0.30000000000000004: 30 cents
      [0.3, 4],
      [249.99, 1],
      [0, 2],
    ];
    const keys = pets.map(([price, id]) => priceKeyOf(price, id));
    assert.deepEqual([...keys].sort(), [keys[5], keys[3], keys[2], keys[4], keys[1], keys[0]]);
    assert.equal(keys[0], '100000000000#9007199254740991');
  });
});

describe('shardOf', () => {
  it('is fixed: a pet stays in the shard its stored keys name', () => {
    // Changing these moves every stored pet: a new layout and a migration.
    assert.deepEqual(
      [42, 7, 1, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER].map(shardOf),
      [12, 4, 7, 20, 6],
    );
  });

  it('spreads ids evenly, patterned ones too', () => {
    for (const step of [1, 2, 32, 1000]) {
      const counts = new Array<number>(petShards).fill(0);
      for (let i = 1; i <= 100_000; i++) counts[shardOf(i * step)]!++;
      // An even share is 4,167 (σ ≈ 63 for a fair hash): within 4σ of it.
      const fair = Math.max(...counts) < 4_420 && Math.min(...counts) > 3_915;
      assert.ok(fair, `step ${step}: ${counts}`);
    }
  });
});
