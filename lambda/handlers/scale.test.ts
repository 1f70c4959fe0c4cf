import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../../api/pet';
import { nextCursor, petSorts } from '../../api/pet-query';
import { petShards } from '../../api/pet-table';
import { PetReads } from '../store/pet-reads';
import { apiEvent, loadHandlers, makePets, startBackend } from '../../node-testing/backend';
import { capturableLogs, captureLogs } from '../../node-testing/logs';
import { countReads } from '../../node-testing/read-counter';

// Captured logs need Powertools' dev mode from the start (node-testing/logs.ts).
const backend = await startBackend({ env: capturableLogs });
const handlers = await loadHandlers();
after(() => backend.close());

// 50,000 pets: far past what one 400 KB item holds (the tutorial's design overflows at
// 14,476), half sold, with the longest sale state a real buyer would have. The last
// thousand are the largest pets the rules allow (40-character type, 254-character
// buyer), to bound a page's size.
const COUNT = 50_000;
const LARGEST = 1000;
const bigType = 'a-forty-character-type-of-pet-0123456789';
const longest = (id: number) =>
  `${'b'.repeat(254 - `.${id}@example.com`.length)}.${id}@example.com`;

before(async () => {
  const pets = makePets(COUNT).map((p): Pet => {
    if (p.id > COUNT - LARGEST) {
      return {
        id: p.id,
        type: bigType,
        price: 999_999_999.99,
        isSold: true,
        soldTo: longest(p.id),
      };
    }
    return p.id % 2
      ? p
      : { ...p, isSold: true, soldTo: `a.rather.long.buyer.name.${p.id}@example.com` };
  });
  await backend.seed(pets);
});

const get = (query: Record<string, string> = {}) =>
  handlers.getPets(apiEvent('GET', '/pets', undefined, { query }));
/** As the runtime sends it: the JSON-encoded result. */
const bytes = (res: unknown) => Buffer.byteLength(JSON.stringify(res));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('a store of 50,000 pets', { timeout: 600_000 }, () => {
  it('is paged by GET /pets: every pet once, in order, each page under 1 MB', async (t) => {
    const ids: number[] = [];
    const ms: number[] = [];
    let largest = 0;
    let cursor: string | undefined;
    do {
      const started = performance.now();
      const res = await get(cursor ? { cursor } : {});
      ms.push(performance.now() - started);
      assert.equal(res.statusCode, 200, res.body);
      assert.doesNotMatch(res.body, /@/, 'a public page carries a buyer');
      largest = Math.max(largest, bytes(res));
      ids.push(...(JSON.parse(res.body) as Pet[]).map((p) => p.id));
      cursor = nextCursor(res.headers?.['Link'] as string | undefined);
    } while (cursor);
    assert.deepEqual(
      ids,
      Array.from({ length: COUNT }, (_, i) => i + 1),
    );
    assert.ok(largest < 1024 * 1024, `a page is ${largest} bytes`);
    t.diagnostic(
      `${ms.length} pages of 1000: median ${median(ms).toFixed(1)} ms, first ${ms[0]!.toFixed(1)} ms, largest ${largest} bytes`,
    );
  });

  it('keeps the largest pets a page can hold under 1 MB', async (t) => {
    const res = await get({ type: bigType, sort: '-price' });
    assert.equal(res.statusCode, 200);
    assert.equal((JSON.parse(res.body) as Pet[]).length, LARGEST);
    assert.ok(bytes(res) < 1024 * 1024, `${bytes(res)} bytes`);
    t.diagnostic(`a page of the ${LARGEST} largest pets: ${bytes(res)} bytes`);
  });

  it('reads at most limit + 1 entries per partition, however deep the page', async (t) => {
    const counter = countReads(DynamoDBDocumentClient.from(backend.client));
    const table = new PetReads(backend.tableName, counter.db);
    const lines: string[] = [];
    for (const sort of petSorts) {
      for (const query of [{}, { status: 'sold' as const }, { type: 'dog' }]) {
        let after: number | string | undefined;
        for (let page = 0; page < 3; page++) {
          const started = performance.now();
          counter.reset();
          const res = await table.page({ sort, ...query, limit: 1000, after });
          assert.ok(counter.mostFromOnePartition() <= 1001, `${sort} ${JSON.stringify(query)}`);
          // Every shard of the index, of both statuses for a type alone.
          const partitions = 'type' in query ? 2 * petShards : petShards;
          assert.ok(res.read <= partitions * 1001, `${sort} ${JSON.stringify(query)}: ${res.read}`);
          assert.equal(res.pets.length, 1000);
          if (page === 2) {
            lines.push(
              `${sort} ${JSON.stringify(query)}: read ${res.read}, ${(performance.now() - started).toFixed(1)} ms`,
            );
          }
          after = res.next;
        }
      }
    }
    t.diagnostic(lines.join('; '));
  });

  it('pages GET /pets/sales through every sale, newest first, reading at most limit + 1 per shard', async (t) => {
    const ids: number[] = [];
    let largest = 0;
    let pages = 0;
    let cursor: string | undefined;
    const logs = captureLogs(t);
    try {
      do {
        const res = await handlers.listSales(
          apiEvent('GET', '/pets/sales', undefined, { query: cursor ? { cursor } : {} }),
        );
        assert.equal(res.statusCode, 200, res.body);
        largest = Math.max(largest, bytes(res));
        const page = JSON.parse(res.body) as Pet[];
        assert.ok(page.every((p) => p.isSold && p.soldTo?.endsWith(`.${p.id}@example.com`)));
        ids.push(...page.map((p) => p.id));
        cursor = nextCursor(res.headers?.['Link'] as string | undefined);
        pages++;
      } while (cursor);
    } finally {
      logs.stop();
    }
    const sold = Array.from({ length: COUNT }, (_, i) => COUNT - i).filter(
      (id) => id % 2 === 0 || id > COUNT - LARGEST,
    );
    assert.deepEqual(ids, sold);
    assert.ok(largest < 1024 * 1024, `a page is ${largest} bytes`);
    const reads = logs
      .records()
      .filter((r) => r['route'] === 'listSales')
      .map((r) => r['read'] as number);
    assert.equal(reads.length, pages);
    // The sales are the sold shards of the status index, each read for ≤ limit + 1.
    assert.ok(Math.max(...reads) <= petShards * 1001, `read ${Math.max(...reads)}`);
    t.diagnostic(`${pages} pages of sales, largest ${largest} bytes`);
  });

  it('answers GET /pets/{id} anywhere in the store with one GetItem and no buyer', async (t) => {
    const send = mock.method(DynamoDBDocumentClient.prototype, 'send');
    const ms: number[] = [];
    try {
      for (const id of [1, 2, COUNT / 2, COUNT - LARGEST, COUNT]) {
        const started = performance.now();
        const res = await handlers.getPetById(
          apiEvent('GET', `/pets/${id}`, undefined, { pathParameters: { id: String(id) } }),
        );
        ms.push(performance.now() - started);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal((JSON.parse(res.body) as Pet).id, id);
        assert.doesNotMatch(res.body, /@/, 'a public pet carries its buyer');
      }
      const missing = await handlers.getPetById(
        apiEvent('GET', `/pets/${COUNT * 2}`, undefined, {
          pathParameters: { id: String(COUNT * 2) },
        }),
      );
      assert.equal(missing.statusCode, 404);
      const commands = send.mock.calls.map((c) => (c.arguments[0] as object).constructor.name);
      assert.deepEqual(commands, Array(6).fill('GetCommand'));
    } finally {
      send.mock.restore();
    }
    t.diagnostic(`GET /pets/{id}: median ${median(ms).toFixed(1)} ms, one GetItem each`);
  });

  it('takes an admin edit of one pet by PUT, and refuses the whole list with 413', async () => {
    const edit = await handlers.putPet(
      apiEvent('PUT', '/pets/1', { type: 'dog', price: 1.5 }, { pathParameters: { id: '1' } }),
    );
    assert.equal(edit.statusCode, 200, edit.body);
    assert.deepEqual(JSON.parse(edit.body), { id: 1, type: 'dog', price: 1.5 });
    const added = await handlers.putPet(
      apiEvent(
        'PUT',
        `/pets/${COUNT + 1}`,
        { type: 'axolotl', price: 42 },
        {
          pathParameters: { id: String(COUNT + 1) },
        },
      ),
    );
    assert.equal(added.statusCode, 201, added.body);
    const whole = await handlers.updatePets(apiEvent('POST', '/pets', { pets: makePets(COUNT) }));
    assert.equal(whole.statusCode, 413);
    const first = JSON.parse((await get({ limit: '2' })).body) as Pet[];
    assert.deepEqual(first[0], { id: 1, type: 'dog', price: 1.5 });
    assert.equal(first[1]!.isSold, true, 'a sale was lost');
  });

  it('sells a pet and answers it', async () => {
    const res = await handlers.purchasePet(
      apiEvent('POST', '/pets/purchase', { petId: COUNT + 1, authToken: await backend.token() }),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(JSON.parse(res.body), [
      { id: COUNT + 1, type: 'axolotl', price: 42, isSold: true, soldTo: 'buyer@example.com' },
    ]);
  });
});
