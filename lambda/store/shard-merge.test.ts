import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectShards, compareKeys, mergeShards, type Item, type ReadShard } from './shard-merge';

/*
 * The merge on its own, against shards held in memory that answer as a DynamoDB Query
 * does (at most `max` entries, a start key while more may follow), so every layout of
 * keys over shards can be tried quickly: even, skewed, empty, one shard holding all.
 */

/** Shards in memory, sorted by `k` in the listing's order; counts what each returned. */
function memoryShards(shards: Map<string, number[]>, descending = false) {
  const read = new Map<unknown, number>();
  const order = (a: number, b: number) => (descending ? b - a : a - b);
  const sorted = new Map([...shards].map(([p, keys]) => [p, [...keys].sort(order)]));
  const readShard: ReadShard = async (partition, max, start) => {
    await new Promise((r) => setImmediate(r));
    const keys = sorted.get(String(partition)) ?? [];
    const from = start === undefined ? 0 : (start['at'] as number);
    const items: Item[] = keys.slice(from, from + max).map((k) => ({ k }));
    read.set(partition, (read.get(partition) ?? 0) + items.length);
    const at = from + items.length;
    // DynamoDB gives a LastEvaluatedKey whenever it stopped at Limit, more or not.
    return { items, ...(items.length === max && { start: { at } }) };
  };
  return { readShard, read };
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return x / 2 ** 32;
  };
}

function layout(keys: number[], shards: number, pick: (k: number) => number) {
  const map = new Map<string, number[]>();
  for (let s = 0; s < shards; s++) map.set(`p${s}`, []);
  for (const k of keys) map.get(`p${pick(k) % shards}`)!.push(k);
  return map;
}

describe('mergeShards', () => {
  it('gives the first `want` keys in order, each once, for every layout and page size', async () => {
    const next = random(7);
    for (let trial = 0; trial < 200; trial++) {
      const count = Math.floor(next() * 300);
      const keys = [...new Set(Array.from({ length: count }, () => 1 + Math.floor(next() * 1e6)))];
      const shards = 1 + Math.floor(next() * 64);
      const skewed = next() < 0.3;
      const map = layout(keys, shards, (k) =>
        skewed ? (next() < 0.8 ? 0 : Math.floor(next() * shards)) : k * 2654435761,
      );
      const descending = next() < 0.5;
      const want = 1 + Math.floor(next() * 120);
      const { readShard, read } = memoryShards(map, descending);
      const merged = await mergeShards([...map.keys()], readShard, {
        want,
        sortKey: 'k',
        descending,
      });
      const expected = [...keys].sort((a, b) => (descending ? b - a : a - b)).slice(0, want);
      assert.deepEqual(
        merged.items.map((i) => i['k']),
        expected,
        `trial ${trial}`,
      );
      for (const [partition, n] of read) {
        assert.ok(n <= want, `trial ${trial}: ${n} from ${partition} for ${want}`);
      }
      assert.equal(
        merged.read,
        [...read.values()].reduce((a, b) => a + b, 0),
      );
    }
  });

  it('pages through every key exactly once, one key as every shard’s position', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => (i + 1) * 3);
    const map = layout(keys, 32, (k) => Math.imul(k, 2654435761) >>> 0);
    const seen: number[] = [];
    let after: number | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const remaining = new Map(
        [...map].map(([p, ks]) => [p, ks.filter((k) => after === undefined || k > after)]),
      );
      const { readShard } = memoryShards(remaining);
      const { items } = await mergeShards([...remaining.keys()], readShard, {
        want: 8,
        sortKey: 'k',
        descending: false,
      });
      seen.push(...items.slice(0, 7).map((i) => i['k'] as number));
      if (items.length <= 7) break;
      after = items[6]!['k'] as number;
    }
    assert.deepEqual(seen, keys);
  });

  it('reads about a page, not a page per shard, when keys spread evenly', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const map = layout(keys, 32, (k) => Math.imul(k, 2654435761) >>> 0);
    const { readShard } = memoryShards(map);
    const { read } = await mergeShards([...map.keys()], readShard, {
      want: 1001,
      sortKey: 'k',
      descending: false,
    });
    // Twice the page plus three per shard at first, and drained shards read again.
    assert.ok(read < 2.5 * 1001, `read ${read}`);
  });

  it('orders priceKeys as strings and ids as numbers', () => {
    assert.ok(compareKeys(9, 10) < 0);
    assert.ok(compareKeys('000000000010#0000000000000001', '000000000009#0000000000000002') > 0);
  });
});

describe('collectShards', () => {
  it('collects every entry within the budget, and says when there are more', async () => {
    const next = random(11);
    for (let trial = 0; trial < 100; trial++) {
      const count = Math.floor(next() * 200);
      const keys = Array.from({ length: count }, (_, i) => i + 1);
      const shards = 1 + Math.floor(next() * 64);
      const map = layout(keys, shards, (k) => (next() < 0.5 ? 0 : k));
      const budget = 1 + Math.floor(next() * 250);
      const { readShard, read } = memoryShards(map);
      const { items, complete } = await collectShards([...map.keys()], readShard, budget);
      const total = [...read.values()].reduce((a, b) => a + b, 0);
      assert.ok(total <= budget, `trial ${trial}: read ${total} of ${budget}`);
      if (count < budget) assert.ok(complete, `trial ${trial}: ${count} fit in ${budget}`);
      if (complete) {
        assert.deepEqual(
          items.map((i) => i['k']).sort((a, b) => (a as number) - (b as number)),
          keys,
        );
      } else {
        // Incomplete only when the budget ran out: the caller reads that as "more".
        assert.equal(items.length, budget, `trial ${trial}`);
        assert.ok(count >= budget, `trial ${trial}`);
      }
    }
  });
});
