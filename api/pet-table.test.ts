import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { petItem, priceKeyOf } from './pet-table';

describe('petItem', () => {
  it('derives every index attribute from the pet', () => {
    assert.deepEqual(petItem({ id: 42, type: 'dog', price: 249.99 }), {
      id: 42,
      type: 'dog',
      price: 249.99,
      status: 'available',
      typeStatus: 'dog#available',
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
        status: 'sold',
        typeStatus: 'a#b#sold',
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
