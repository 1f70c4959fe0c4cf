// One measurement of `npm run bench -- purchase` (purchase.bench.ts): BENCH_PURCHASES
// purchases (after BENCH_WARM_UP untimed ones) by BENCH_BUYERS concurrent buyers in a
// catalogue of BENCH_SIZE pets,
// through the real handler (token verification, read and conditional write, the
// answer: the whole list while the store fits a page, else the bought pet) against
// dynalite. Each buyer buys a pet nobody else is buying. Prints its row as one JSON
// line. A process of its own per measurement, as a Lambda container is: the handler
// reads its table name once and keeps its purchase snapshot for the process's life.
//
// dynalite runs in a child process, as DynamoDB runs apart from a Lambda: in-process,
// the two would share one core and the bench would measure dynalite's CPU as ours.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { placementOf } from '../api/pet-table';
import { apiEvent, loadHandlers, makePets, startBackend } from '../node-testing/backend';

const size = Number(process.env['BENCH_SIZE']);
const buyers = Number(process.env['BENCH_BUYERS']);
const purchases = Number(process.env['BENCH_PURCHASES']);
const warmUp = Number(process.env['BENCH_WARM_UP']);

export interface PurchaseRow {
  pets: number;
  purchases: number;
  p50: number;
  p99: number;
  perSecond: number;
  coldMs: number;
  inFlight: number;
  bodyKb: number;
  serialiseMs: number;
}

// The child also puts sold pets back on sale for the harness (a JSON line `[table, id,
// type]` in, the same line out when done; the type rebuilds the pet's index key), so
// that bookkeeping does not use the measured process's CPU.
const dynamoProcess = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '-e',
    `const { startDynamoDB } = await import(${JSON.stringify(join(import.meta.dirname, '../local/dynamodb.ts'))});
     const { DynamoDBClient, UpdateItemCommand } = await import('@aws-sdk/client-dynamodb');
     const { createInterface } = await import('node:readline');
     const s = await startDynamoDB({ port: 0 });
     const db = new DynamoDBClient({ endpoint: s.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
     process.stdout.write(s.endpoint + '\\n');
     const lines = createInterface({ input: process.stdin });
     lines.on('line', async (line) => {
       const [TableName, id, at] = JSON.parse(line);
       await db.send(new UpdateItemCommand({ TableName, Key: { id: { N: String(id) } }, UpdateExpression: 'SET #s = :a, typeStatus = :ts, statusShard = :ss, typeShard = :tsh REMOVE isSold, soldTo, soldAt', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':a': { S: at.status }, ':ts': { S: at.typeStatus }, ':ss': { S: at.statusShard }, ':tsh': { S: at.typeShard } } }));
       process.stdout.write(line + '\\n');
     });
     lines.on('close', () => { db.destroy(); s.close().then(() => process.exit(0)); });`,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'], cwd: join(import.meta.dirname, '..') },
);
const childLines = createInterface({ input: dynamoProcess.stdout! });
const endpoint = await new Promise<string>((resolve) => childLines.once('line', resolve));
const putBackDone = new Map<string, () => void>();
childLines.on('line', (line) => putBackDone.get(line)?.());
/** Puts a sold pet back on sale, through the child process. */
function putBackInChild(tableName: string, id: number, type: string): Promise<void> {
  const key = JSON.stringify([tableName, id, placementOf(id, type, 'available')]);
  return new Promise<void>((resolve) => {
    putBackDone.set(key, () => {
      putBackDone.delete(key);
      resolve();
    });
    dynamoProcess.stdin!.write(`${key}\n`);
  });
}

// The handlers' request logs and metrics would drown the table. Set before they load:
// they read their environment once.
const backend = await startBackend({
  dynamoEndpoint: endpoint,
  env: { LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
});
const handlers = await loadHandlers();
const { purchaseSnapshot } = await import('../lambda/store/purchase-snapshot');
const tokens = await Promise.all(
  Array.from({ length: buyers }, (_, i) =>
    backend.token({ email: `buyer${i}@example.com` }, { expiresIn: '1h' }),
  ),
);

async function measure(): Promise<PurchaseRow> {
  const { tableName } = backend;
  const pets = makePets(size);
  await backend.seed(pets);
  const typeOf = (id: number) => pets[id - 1]!.type;

  const buy = async (buyer: number, id: number) => {
    const started = performance.now();
    const res = await handlers.purchasePet(
      apiEvent('POST', '/pets/purchase', { petId: id, authToken: tokens[buyer] }),
    );
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`purchase of ${id}: ${res.statusCode} ${res.body}`);
    return { ms, res };
  };

  // A container's first purchase reads the catalogue's first page (its cold start): shown apart.
  const cold = await buy(0, size);
  // What the Lambda runtime then does with the result: JSON-encode it (flattening the body).
  const t1 = performance.now();
  const wire = JSON.stringify(cold.res);
  const serialiseMs = performance.now() - t1;
  await putBackInChild(tableName, size, typeOf(size));

  // Each buyer takes a pet nobody else is buying (waiting if there is none), buys it
  // (timed), and puts it back unsold (untimed, by the child process), so even 10 pets last
  // the run; with 10 pets at most 10 buyers can be busy.
  const free = Array.from({ length: size }, (_, i) => i + 1);
  const waiting: ((id: number) => void)[] = [];
  const take = () =>
    free.length ? Promise.resolve(free.shift()!) : new Promise<number>((r) => waiting.push(r));
  const putBack = async (id: number) => {
    await putBackInChild(tableName, id, typeOf(id));
    if (waiting.length) waiting.shift()!(id);
    else free.push(id);
  };
  const run = async (count: number) => {
    const latencies: number[] = [];
    let started = 0;
    let busy = 0;
    let busySamples = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: buyers }, async (_, buyer) => {
        while (started < count) {
          started++;
          const id = await take();
          busy++;
          busySamples += busy;
          latencies.push((await buy(buyer, id)).ms);
          busy--;
          await putBack(id);
        }
      }),
    );
    return { latencies, busySamples, ms: performance.now() - t0 };
  };

  // Untimed first: a fresh process's first purchases run before V8 has optimised the
  // code, and the rows compare catalogue sizes, not warm-up.
  await run(warmUp);
  const { latencies, busySamples, ms: measured } = await run(purchases);
  await purchaseSnapshot().idle();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    pets: size,
    purchases: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    perSecond: latencies.length / (measured / 1000),
    coldMs: cold.ms,
    inFlight: busySamples / latencies.length,
    bodyKb: Buffer.byteLength(wire) / 1024,
    serialiseMs,
  };
}

const row = await measure();
await backend.close();
dynamoProcess.stdin!.end();
await once(dynamoProcess, 'exit');
process.stdout.write(`${JSON.stringify(row)}\n`);
