import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { petItem, tableSchema, toPet } from '../api/pet-table';

/*
 * The local cloud's pets table (in AWS the stack owns it): created from the schema of
 * api/pet-table.ts, and migrated from any other schema (the index-less one, or
 * indexes with one partition per status).
 */

type Log = (line: string) => void;

/**
 * Makes `tableName` exist with `tableSchema` and be ACTIVE (the local cloud, the seed
 * CLI and the tests call it; in AWS the stack owns the table). A table whose indexes
 * are not the schema's (the index-less one, indexes with one partition per status) is
 * migrated: its items are copied aside into `<table>-migrating`, the table is
 * recreated, and they are written back with their index attributes (petItem). The
 * copy is dropped last, so a migration stopped half-way is finished by the next call
 * instead of losing pets.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  log: Log = (line) => console.log(line),
): Promise<void> {
  const aside = `${tableName}-migrating`;
  let table = await describe(client, tableName);
  if (table && !isCurrent(table)) {
    const items = await scanAll(client, tableName);
    log(`Migrating table ${tableName} (${items.length} pets) to the current indexes.`);
    // A copy left by an earlier attempt is stale: the old table is still the truth.
    await dropTable(client, aside);
    await createTable(client, aside, asideSchema);
    await writeItems(client, aside, items);
    await dropTable(client, tableName);
    table = undefined;
  } else if (!(await describe(client, aside))) {
    if (!table) await createTable(client, tableName, tableSchema);
    else await waitActive(client, tableName);
    return;
  }
  // Here the copy aside holds every pet, and the table is missing, new or partly
  // written back: writing them all (again) finishes the migration.
  if (!table) await createTable(client, tableName, tableSchema);
  const items = await scanAll(client, aside);
  await writeItems(
    client,
    tableName,
    items.map((item) => petItem(toPet(item), soldAtOf(item))),
  );
  await dropTable(client, aside);
  log(`Table ${tableName} holds ${items.length} migrated pets.`);
}

/** The copy's schema: the table's key alone, so items of any version fit. */
const asideSchema = {
  KeySchema: tableSchema.KeySchema,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' as const }],
};

/** The sale time of an item of any schema version, if it has one. */
function soldAtOf(item: Record<string, unknown>): string | undefined {
  const soldAt = item['soldAt'];
  return typeof soldAt === 'string' && soldAt !== '' ? soldAt : undefined;
}

/** Whether a table has exactly the schema's indexes, keys and projections. */
function isCurrent(table: TableDescription): boolean {
  const have = (table.GlobalSecondaryIndexes ?? []).map(indexShape).sort();
  const want = tableSchema.GlobalSecondaryIndexes.map(indexShape).sort();
  return JSON.stringify(have) === JSON.stringify(want);
}

function indexShape(index: {
  IndexName?: string;
  KeySchema?: readonly { AttributeName?: string; KeyType?: string }[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: readonly string[] };
}): string {
  const keys = (index.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`);
  const projected = [...(index.Projection?.NonKeyAttributes ?? [])].sort();
  return [index.IndexName, ...keys, index.Projection?.ProjectionType, ...projected].join(' ');
}

async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

async function createTable(
  client: DynamoDBClient,
  tableName: string,
  schema: Pick<
    CreateTableCommandInput,
    'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'
  >,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...schema }),
    );
  } catch (err) {
    // Another process created it between our describe and create: that is fine.
    if (!(err instanceof Error && err.name === 'ResourceInUseException')) throw err;
  }
  await waitActive(client, tableName);
}

/**
 * Polls until the table and its indexes are ACTIVE. dynalite answers CreateTable
 * before the table is usable (writes can get ResourceNotFoundException even with
 * createTableMs 0), and the SDK's waiter starts at a 20 s delay; polling is both.
 */
async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let delay = 5, waited = 0; ; waited += delay, delay = Math.min(delay * 2, 500)) {
    const table = await describe(client, tableName);
    const active =
      table?.TableStatus === 'ACTIVE' &&
      (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (active) return;
    if (waited > 60_000) throw new Error(`Table ${tableName} is not ACTIVE after 60 s`);
    await sleep(delay);
  }
}

/** Deletes a table if it exists and waits until it is gone. */
async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await describe(client, tableName))) return;
  await waitActive(client, tableName); // a table being created cannot be deleted
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  for (let delay = 5, waited = 0; await describe(client, tableName); waited += delay) {
    if (waited > 60_000) throw new Error(`Table ${tableName} is still there after 60 s`);
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
}

async function scanAll(
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const db = DynamoDBDocumentClient.from(client);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** BatchWrite in 25s, a few in flight, retrying what DynamoDB leaves unprocessed. */
async function writeItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly object[],
): Promise<void> {
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const batch = items.slice(next, next + 25);
        next += batch.length;
        let requests = batch.map((Item) => ({ PutRequest: { Item: { ...Item } } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          const res = await db.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
          );
          requests = (res.UnprocessedItems?.[tableName] ?? []) as typeof requests;
          if (requests.length > 0) await sleep(Math.min(1000, 10 * 2 ** attempt));
        }
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
