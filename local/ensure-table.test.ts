import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../api/pet';
import { petItem, tableSchema } from '../api/pet-table';
import { PetReads } from '../lambda/store/pet-reads';
import { PetWrites } from '../lambda/store/pet-writes';
import { type Backend, startBackend } from '../node-testing/backend';
import { ensureTable } from './ensure-table';

let backend: Backend;
let doc: DynamoDBDocumentClient;
before(async () => {
  backend = await startBackend();
  doc = DynamoDBDocumentClient.from(backend.client);
});
after(() => backend.close());

/** A table as the local cloud made it before the indexes: the key and nothing else. */
async function oldTable(name: string, items: Record<string, unknown>[]): Promise<void> {
  await backend.client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
    }),
  );
  await ensureActive(name);
  await put(name, items);
}

async function ensureActive(name: string): Promise<void> {
  for (;;) {
    const { Table } = await backend.client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function put(name: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [name]: batch } }));
  }
}

async function scan(name: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: name }));
  return Items.sort((a, b) => Number(a['id']) - Number(b['id']));
}

async function exists(name: string): Promise<boolean> {
  try {
    await backend.client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

const oldItems = [
  { id: 1, type: 'dog', price: 249.99 },
  {
    id: 2,
    type: 'cat',
    price: 124.99,
    isSold: true,
    soldTo: 'a@example.com',
    soldAt: '2026-01-02T03:04:05.000Z',
  },
  { id: 3, type: 'fish', price: 0.99, isSold: false },
];
const migrated = [
  petItem({ id: 1, type: 'dog', price: 249.99 }),
  petItem(
    { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'a@example.com' },
    '2026-01-02T03:04:05.000Z',
  ),
  petItem({ id: 3, type: 'fish', price: 0.99 }),
];

describe('ensureTable', () => {
  it('creates a missing table with the indexes, ready for writes at once', async () => {
    const lines: string[] = [];
    await ensureTable(backend.client, 'Fresh', (l) => lines.push(l));
    const { Table } = await backend.client.send(new DescribeTableCommand({ TableName: 'Fresh' }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
    assert.deepEqual(
      Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(),
      tableSchema.GlobalSecondaryIndexes.map((i) => i.IndexName).sort(),
    );
    await new PetWrites('Fresh', doc).put(1, { type: 'dog', price: 1 });
    assert.equal(lines.length, 0, lines.join());
    // A second call leaves a current table alone.
    await ensureTable(backend.client, 'Fresh', (l) => lines.push(l));
    assert.equal((await scan('Fresh')).length, 1);
    assert.equal(lines.length, 0, lines.join());
  });

  it('migrates a table of the old schema, keeping every pet and sale', async () => {
    await oldTable('Old', oldItems);
    const lines: string[] = [];
    await ensureTable(backend.client, 'Old', (l) => lines.push(l));
    assert.deepEqual(await scan('Old'), migrated);
    assert.match(lines.join('\n'), /Migrating table Old \(3 pets\)/);
    assert.equal(await exists('Old-migrating'), false);
    const page = await new PetReads('Old', doc).page({ sort: 'price', limit: 10 });
    assert.deepEqual(
      page.pets.map((p) => p.id),
      [3, 2, 1],
    );
    const sold = await new PetReads('Old', doc).page({
      sort: 'id',
      type: 'cat',
      status: 'sold',
      limit: 10,
    });
    // The public page shows the sale; the buyer is kept for the views that may show it.
    assert.deepEqual(sold.pets, [{ id: 2, type: 'cat', price: 124.99, isSold: true }]);
    const withBuyer = [
      { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'a@example.com' },
    ];
    assert.deepEqual((await new PetReads('Old', doc).sales({ limit: 10 })).pets, withBuyer);
    assert.deepEqual(
      (await new PetReads('Old', doc).purchasesOf('a@example.com', { limit: 10 })).pets,
      withBuyer,
    );
  });

  it('finishes a migration stopped after the old table was dropped', async () => {
    await oldTable('Stopped-migrating', oldItems);
    await ensureTable(backend.client, 'Stopped', () => undefined); // a new, empty table
    await put('Stopped', [{ ...migrated[0] }]); // only part was written back
    await ensureTable(backend.client, 'Stopped', () => undefined);
    assert.deepEqual(await scan('Stopped'), migrated);
    assert.equal(await exists('Stopped-migrating'), false);
  });

  it('finishes a migration stopped before the table was recreated', async () => {
    await oldTable('Gone-migrating', oldItems);
    await ensureTable(backend.client, 'Gone', () => undefined);
    assert.deepEqual(await scan('Gone'), migrated);
    assert.equal(await exists('Gone-migrating'), false);
  });

  it('starts over when the copy aside was left half-made beside the old table', async () => {
    await oldTable('Half', oldItems);
    await oldTable('Half-migrating', [oldItems[0]!]);
    await ensureTable(backend.client, 'Half', () => undefined);
    assert.deepEqual(await scan('Half'), migrated);
    assert.equal(await exists('Half-migrating'), false);
  });

  it('migrates a table of the unsharded status indexes, keeping every pet and sale', async () => {
    // The schema before write sharding: one partition per status (and type and status).
    const unsharded = ['status', 'typeStatus'].flatMap((partition) =>
      ['id', 'priceKey'].map((sort) => ({
        IndexName: `by${partition === 'status' ? 'Status' : 'TypeStatus'}${sort === 'id' ? 'Id' : 'Price'}`,
        KeySchema: [
          { AttributeName: partition, KeyType: 'HASH' as const },
          { AttributeName: sort, KeyType: 'RANGE' as const },
        ],
        Projection: {
          ProjectionType: 'INCLUDE' as const,
          NonKeyAttributes: ['type', 'price', 'isSold', 'soldTo'],
        },
      })),
    );
    await backend.client.send(
      new CreateTableCommand({
        TableName: 'Unsharded',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'N' },
          { AttributeName: 'status', AttributeType: 'S' },
          { AttributeName: 'typeStatus', AttributeType: 'S' },
          { AttributeName: 'priceKey', AttributeType: 'S' },
          { AttributeName: 'soldTo', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          ...unsharded,
          {
            IndexName: 'byBuyer',
            KeySchema: [
              { AttributeName: 'soldTo', KeyType: 'HASH' },
              { AttributeName: 'id', KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: 'INCLUDE',
              NonKeyAttributes: ['type', 'price', 'isSold'],
            },
          },
        ],
      }),
    );
    await ensureActive('Unsharded');
    // Items as that schema's writers stored them: no shard attributes.
    await put(
      'Unsharded',
      migrated.map(({ shard: _s, statusShard: _ss, typeShard: _ts, ...item }) => ({ ...item })),
    );
    const lines: string[] = [];
    await ensureTable(backend.client, 'Unsharded', (l) => lines.push(l));
    assert.match(lines.join('\n'), /Migrating table Unsharded \(3 pets\)/);
    assert.deepEqual(await scan('Unsharded'), migrated);
    const { Table } = await backend.client.send(
      new DescribeTableCommand({ TableName: 'Unsharded' }),
    );
    assert.deepEqual(
      Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort(),
      tableSchema.GlobalSecondaryIndexes.map((i) => i.IndexName).sort(),
    );
    const reads = new PetReads('Unsharded', doc);
    assert.deepEqual(
      (await reads.page({ sort: '-price', limit: 10 })).pets.map((p) => p.id),
      [1, 2, 3],
    );
    assert.deepEqual((await reads.sales({ limit: 10 })).pets, [
      { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'a@example.com' },
    ]);
    // A second start leaves the migrated table alone.
    await ensureTable(backend.client, 'Unsharded', (l) => lines.push(l));
    assert.equal(lines.filter((l) => l.startsWith('Migrating')).length, 1);
  });

  it('migrates a few thousand pets', async () => {
    const many: Pet[] = Array.from({ length: 3000 }, (_, i) => ({
      id: i + 1,
      type: i % 2 ? 'dog' : 'cat',
      price: i,
    }));
    await oldTable('Many', many as unknown as Record<string, unknown>[]);
    await ensureTable(backend.client, 'Many', () => undefined);
    const page = await new PetReads('Many', doc).page({ sort: '-price', type: 'dog', limit: 2 });
    assert.deepEqual(
      page.pets.map((p) => p.id),
      [3000, 2998],
    );
  });
});
