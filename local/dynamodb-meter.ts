/**
 * An opt-in meter of DynamoDB's consumed capacity, for the crowd bench's cost model
 * (bench/crowd.bench.ts): `PETS_DYNAMODB_METER=<file>` makes the proxy ask dynalite for
 * `ReturnConsumedCapacity: INDEXES` on every call that takes it (the Lambdas never
 * ask), and append one JSON line per answered call to the file:
 * `{ operation, capacity: [{ TableName, CapacityUnits, Table, GlobalSecondaryIndexes }] }`.
 * The answer keeps `ConsumedCapacity` even when the caller did not ask for it: the SDK
 * reads it into a field the Lambdas never look at. Off by default.
 *
 * What dynalite reports: a read's units for the table and the queried index, and a
 * write's units for the table only (it reports no index writes; the model counts those
 * from the data model, bench/crowd-model.ts).
 */
import { appendFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

// The operations whose input has ReturnConsumedCapacity (DynamoDB API reference).
const metered = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

export interface MeterLine {
  operation: string;
  capacity: ConsumedCapacity[];
}

export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** The request body with ReturnConsumedCapacity: INDEXES, unless it asks already or cannot. */
export function meteredBody(operation: string, body: Buffer): Buffer {
  if (!metered.has(operation)) return body;
  try {
    const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof input !== 'object' || input === null || input['ReturnConsumedCapacity']) return body;
    return Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' }));
  } catch {
    return body; // dynalite answers SerializationException
  }
}

/** Appends the answer's consumed capacity to `file` once `res` has been answered. */
export function meterAnswer(operation: string, res: ServerResponse, file: string): void {
  if (!metered.has(operation)) return;
  const chunks: Buffer[] = [];
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    try {
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
      };
      const consumed = answer.ConsumedCapacity;
      if (res.statusCode === 200 && consumed) {
        const line: MeterLine = {
          operation,
          capacity: Array.isArray(consumed) ? consumed : [consumed],
        };
        appendFileSync(file, `${JSON.stringify(line)}\n`);
      }
    } catch {
      // Not JSON (an empty or streamed answer): nothing to count.
    }
    return end(...args);
  }) as ServerResponse['end'];
}
