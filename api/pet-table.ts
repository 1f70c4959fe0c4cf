import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../api/pet';
import type { PetStatus } from '../api/pet-query';

/*
 * The data model, one source of truth for the Lambdas, the local table, the seed CLI
 * and the CDK stack (which adds PAY_PER_REQUEST). One item per pet keyed by its id, so
 * a purchase or an admin's edit touches one item whatever the store's size. Every read
 * of many pets is a keyset-paged Query on one of the indexes below; none is a Scan, so
 * a page costs the same in a store of ten pets or of a million.
 */

/** What a GSI page carries besides its keys: everything the API shows of a pet. */
const shown = ['type', 'price', 'isSold', 'soldTo'] as const;

/**
 * The indexes, by what they answer. The partition key is what a query filters on
 * (a status, or a type and a status), the sort key what it orders by; the price
 * order's key is `priceKey`, unique per pet, so "after this key" is exact even among
 * pets of the same price.
 */
export const petIndexes = {
  /** GET /pets by id (the default), with or without a status; POST /pets's read. */
  byStatusId: { partition: 'status', sort: 'id' },
  /** GET /pets by price, with or without a status. */
  byStatusPrice: { partition: 'status', sort: 'priceKey' },
  /** GET /pets?type= by id. */
  byTypeStatusId: { partition: 'typeStatus', sort: 'id' },
  /** GET /pets?type= by price. */
  byTypeStatusPrice: { partition: 'typeStatus', sort: 'priceKey' },
  /** A buyer's purchases (sparse: only sold pets have `soldTo`). */
  byBuyer: { partition: 'soldTo', sort: 'id' },
} as const;
export type PetIndexName = keyof typeof petIndexes;

const keyTypes = { id: 'N', status: 'S', priceKey: 'S', typeStatus: 'S', soldTo: 'S' } as const;

/** The key design, read by the CDK stack (infra/lib/table.ts) and by ensureTable. */
export const tableSchema = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: Object.entries(keyTypes).map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  })),
  GlobalSecondaryIndexes: Object.entries(petIndexes).map(([IndexName, { partition, sort }]) => ({
    IndexName,
    KeySchema: [
      { AttributeName: partition, KeyType: 'HASH' },
      { AttributeName: sort, KeyType: 'RANGE' },
    ],
    // INCLUDE, not ALL: soldAt and the other index keys stay out of every index.
    // An index's own keys are projected anyway and may not be listed again.
    Projection: {
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: shown.filter((a: string) => a !== partition && a !== sort),
    },
  })),
} satisfies Pick<
  CreateTableCommandInput,
  'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'
>;

/** A pet as stored: the API's fields plus the index attributes derived from them. */
export interface PetItem {
  id: number;
  type: string;
  price: number;
  isSold?: true;
  soldTo?: string;
  /** ISO time of the sale; never shown by the API. */
  soldAt?: string;
  status: PetStatus;
  /** `${type}#${status}`: the status is a known suffix, so a `#` in a type is harmless. */
  typeStatus: string;
  /** Zero-padded cents and id: sorts by price, then id, and is unique per pet. */
  priceKey: string;
}

export const statusOf = (sold: boolean): PetStatus => (sold ? 'sold' : 'available');
export const typeStatusOf = (type: string, status: PetStatus) => `${type}#${status}`;

/**
 * The sort key of the price indexes. Prices are whole cents up to 1e9 dollars (12
 * digits of cents), ids safe integers (16 digits), so fixed widths order as numbers do.
 */
export function priceKeyOf(price: number, id: number): string {
  const cents = Math.round(price * 100);
  return `${String(cents).padStart(12, '0')}#${String(id).padStart(16, '0')}`;
}

/** The pattern every priceKey matches (a cursor's `after` is checked against it). */
export const priceKeyPattern = /^\d{12}#\d{16}$/;

/**
 * The stored item of a pet: the one function every writer (Lambdas, seed, migration)
 * uses, so the index attributes can never disagree with the pet.
 */
export function petItem(pet: Pet, soldAt?: string): PetItem {
  const sold = pet.isSold === true;
  const status = statusOf(sold);
  const item: PetItem = {
    id: pet.id,
    type: pet.type,
    price: pet.price,
    status,
    typeStatus: typeStatusOf(pet.type, status),
    priceKey: priceKeyOf(pet.price, pet.id),
  };
  if (sold) {
    item.isSold = true;
    // An empty string cannot be an index key; a sale without a buyer stays out of byBuyer.
    if (pet.soldTo) item.soldTo = pet.soldTo;
    if (soldAt) item.soldAt = soldAt;
  }
  return item;
}

/** The tutorial's pets, for a new local table. */
export const seedPets: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
  { id: 3, type: 'fish', price: 0.99 },
];

type Log = (line: string) => void;

/**
 * Makes `tableName` exist with `tableSchema` and be ACTIVE (the local cloud, the seed
 * CLI and the tests call it; in AWS the stack owns the table). A table of the old,
 * index-less schema (the local cloud's store before the indexes) is migrated: its
 * items are copied aside into `<table>-migrating`, the table is recreated, and they
 * are written back with their index attributes. The copy is dropped last, so a
 * migration stopped half-way is finished by the next call instead of losing pets.
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
    log(`Migrating table ${tableName} (${items.length} pets) to the indexed schema.`);
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
    items.map((item) => petItem(toPet(item), stringOrUndefined(item['soldAt']))),
  );
  await dropTable(client, aside);
  log(`Table ${tableName} holds ${items.length} migrated pets.`);
}

/** The copy's schema: the table's key alone, so items of any version fit. */
const asideSchema = {
  KeySchema: tableSchema.KeySchema,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' as const }],
};

/** Puts `pets` (the seed by default) into an empty table; a table with any item is left alone. */
export async function seedIfEmpty(
  client: DynamoDBClient,
  tableName: string,
  pets: readonly Pet[] = seedPets,
): Promise<void> {
  const db = DynamoDBDocumentClient.from(client);
  const { Count } = await db.send(
    new ScanCommand({ TableName: tableName, Limit: 1, Select: 'COUNT' }),
  );
  if (Count) return;
  await Promise.all(
    pets.map((pet) =>
      db
        .send(
          new PutCommand({
            TableName: tableName,
            Item: { ...petItem(pet) },
            // Two processes seeding one new table at once must not undo each other's work.
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
        .catch((err: unknown) => {
          if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
        }),
    ),
  );
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A pet with its buyer, from an item of any schema version or an index entry: sale
 * time and index keys are dropped. Only for those who may see the buyer: the
 * migration (which writes it back), the buyer's own purchase, GET /pets/sales (admin)
 * and POST /pets/mine (the buyer). Public answers use toPublicPet.
 */
export function toPet(item: Record<string, unknown>): Pet {
  const pet: Pet = {
    id: Number(item['id']),
    type: String(item['type']),
    price: Number(item['price']),
  };
  if (item['isSold'] === true) {
    pet.isSold = true;
    const soldTo = stringOrUndefined(item['soldTo']);
    if (soldTo) pet.soldTo = soldTo;
  }
  return pet;
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
