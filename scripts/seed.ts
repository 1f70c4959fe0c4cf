/**
 * `npm run seed -- --pets N`: fills the local cloud's store with synthetic pets until
 * it holds N, through the pets' data model (api/pet-table.ts), so the indexes
 * and keys are exactly what the handlers write. Works whether or not `npm start` is
 * running: with the local cloud up it writes through its DynamoDB port; otherwise
 * it opens the same data folder itself.
 *
 *   npm run seed -- --pets 1000000 [--data-dir .local-cloud]
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Pet } from '../api/pet';
import { petItem } from '../api/pet-table';
import { ensureTable } from '../local/ensure-table';
import { startDynamoDB } from '../local/dynamodb';
import { serviceCredentials } from '../local/aws/service-credentials';
import { aws, tableName, urls } from '../local/settings';

/** Pet types of the synthetic store: enough that a type filter narrows it. */
const types = [
  'dog',
  'cat',
  'fish',
  'parrot',
  'hamster',
  'rabbit',
  'turtle',
  'canary',
  'guinea pig',
  'ferret',
  'gecko',
  'snake',
  'goldfish',
  'budgie',
  'chinchilla',
  'hedgehog',
  'axolotl',
  'tarantula',
  'pony',
  'iguana',
];

/** About one pet in ten of a synthetic store is sold, to one of a thousand buyers. */
const soldShare = 0.1;

/** Deterministic per id, so two seeds of the same size hold the same pets. */
export function syntheticPet(id: number): Pet & { soldAt?: string } {
  const r = (salt: number) => {
    // xorshift-style mix of id and salt: cheap, well spread, reproducible.
    let x = Math.imul(id ^ (salt * 0x9e3779b9), 0x85ebca6b) >>> 0;
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
    return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
  };
  const pet: Pet & { soldAt?: string } = {
    id,
    type: types[Math.floor(r(1) * types.length)]!,
    price: Math.round((5 + r(2) * 2000) * 100) / 100,
  };
  if (r(3) < soldShare) {
    pet.isSold = true;
    pet.soldTo = `buyer-${1 + Math.floor(r(4) * 1000)}@example.com`;
    pet.soldAt = new Date(Date.UTC(2026, 0, 1) + id * 1000).toISOString();
  }
  return pet;
}

export interface SeedOptions {
  /** How many pets the store should hold. */
  pets: number;
  /** A DynamoDB endpoint already serving the store (the running local cloud). */
  endpoint: string;
  onProgress?: (done: number, total: number) => void;
}

/** Tops the store up to `pets` pets; returns how many it wrote. */
export async function seedStore(
  options: SeedOptions,
): Promise<{ before: number; written: number }> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: aws.region,
    credentials: serviceCredentials,
  });
  const db = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    await ensureTable(client, tableName);
    const { count, maxId } = await census(db);
    const missing = Math.max(0, options.pets - count);
    let next = maxId + 1;
    const last = maxId + missing;
    let written = 0;
    if (missing > 0) options.onProgress?.(0, missing);
    // Eight batches in flight: dynalite is one JavaScript thread, and more only queue.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next <= last) {
          const from = next;
          const to = Math.min(last, from + 24);
          next = to + 1;
          let requests = [];
          for (let id = from; id <= to; id++) {
            const { soldAt, ...pet } = syntheticPet(id);
            requests.push({ PutRequest: { Item: petItem(pet, soldAt) } });
          }
          for (let attempt = 0; requests.length > 0; attempt++) {
            const answer = await db.send(
              new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
            );
            requests = (answer.UnprocessedItems?.[tableName] ?? []) as typeof requests;
            if (requests.length > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
          }
          written += to - from + 1;
          options.onProgress?.(written, missing);
        }
      }),
    );
    return { before: count, written };
  } finally {
    client.destroy();
  }
}

/** How many pets there are and the highest id (one pass over the keys only). */
async function census(db: DynamoDBDocumentClient): Promise<{ count: number; maxId: number }> {
  let count = 0;
  let maxId = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: 'id',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      count++;
      maxId = Math.max(maxId, Number(item['id']));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { count, maxId };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Whether a DynamoDB answers at `endpoint` (the local cloud is running). */
async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: aws.region,
    credentials: serviceCredentials,
    maxAttempts: 1,
  });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    // Any DynamoDB answer (even "no such table") means a server is there.
    return (
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined
    );
  } finally {
    client.destroy();
  }
}

/**
 * A one-line progress bar on a terminal, a line per 10 % otherwise (CI logs). Written
 * here rather than taken from a library: it is a dozen lines and one call site.
 */
function progressBar(started: number) {
  let lastDecile = -1;
  return (done: number, total: number) => {
    const share = total === 0 ? 1 : done / total;
    const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const text = `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} pets, ${Math.round(rate).toLocaleString('en-US')}/s, ${eta} s left`;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${text}   `,
      );
      if (done === total) process.stderr.write('\n');
    } else if (Math.floor(share * 10) > lastDecile) {
      lastDecile = Math.floor(share * 10);
      process.stderr.write(`${Math.floor(share * 100)}% ${text}\n`);
    }
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { pets: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const pets = Number(values.pets);
  if (!values.pets || !Number.isSafeInteger(pets) || pets < 0) {
    console.error('Usage: npm run seed -- --pets <how many pets the store should hold>');
    process.exit(2);
  }
  const dataDir = resolve(
    values['data-dir'] ??
      process.env['PETS_DATA_DIR'] ??
      join(import.meta.dirname, '../.local-cloud'),
  );
  const started = Date.now();
  let endpoint = urls.dynamodb;
  let stop: () => Promise<void> = async () => undefined;
  if (await answers(endpoint)) {
    console.error(`Writing through the running local cloud's DynamoDB at ${endpoint}.`);
  } else {
    const server = await startDynamoDB({ path: join(dataDir, 'dynamodb'), port: 0 });
    endpoint = server.endpoint;
    stop = () => server.close();
    console.error(`Opened the store in ${dataDir} (the local cloud is not running).`);
  }
  try {
    const { before, written } = await seedStore({
      pets,
      endpoint,
      onProgress: progressBar(started),
    });
    const seconds = (Date.now() - started) / 1000;
    console.error(
      written === 0
        ? `The store already holds ${before.toLocaleString('en-US')} pets: nothing to add.`
        : `Added ${written.toLocaleString('en-US')} pets (now ${(before + written).toLocaleString('en-US')}) in ${seconds.toFixed(1)} s.`,
    );
  } finally {
    await stop();
  }
}

// Run as a script (npm run seed), not when imported (the benchmark and the e2e tests).
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) await main();
