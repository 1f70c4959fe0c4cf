/*
 * The crowd bench's model, as pure functions of what the workload measured
 * (crowd.bench.ts) and the indexes' key spread at 100,000 pets (api/index-spread.ts):
 * the hottest partition of each index at a given load, the origin's rate behind the
 * CDN, the cost per million purchases and page views, and the load at which each
 * limit is reached.
 */
import { petIndexes, petShards, tableSchema, type PetIndexName } from '../api/pet-table';
import type { IndexSpread } from '../api/index-spread';
import { limits, prices } from './crowd-prices';

/** Capacity units consumed, per table or index name (the table under `table`). */
export type UnitsByTarget = Record<string, { read: number; write: number }>;

/** One kind of request as the workload measured it, in totals. */
export interface KindMeasure {
  /** Requests of this kind made (page views: at the CDN). */
  requests: number;
  /** Of those, the ones that reached API Gateway (page views: the CDN's misses). */
  originRequests: number;
  /** Lambda invocations, and their milliseconds as the Lambdas logged them. */
  invocations: number;
  lambdaMs: number;
  /** Every function's configured memory (api/handlers.ts): AWS bills memory × duration. */
  memoryMb: number;
  /** Consumed capacity, from the meter plus the index writes the data model implies. */
  units: UnitsByTarget;
  /** Answer bytes sent to viewers (page views: CloudFront's data transfer out). */
  bytesOut: number;
}

export interface Load {
  purchasesPerSecond: number;
  pageViewsPerSecond: number;
}

/** How a crowd meets the CDN: every edge cache refreshes each key once per max-age. */
export interface CrowdCdn {
  /** Distinct cache keys the crowd asks for (the store front's first pages). */
  cacheKeys: number;
  /** Edge caches that each ask the origin on their own (no Origin Shield). */
  edgeCaches: number;
  maxAgeSeconds: number;
  /** The hit ratio the workload measured at the local CDN. */
  measuredHitRatio: number;
}

const indexNames = Object.keys(petIndexes) as PetIndexName[];
const sharded = (index: string) => index !== 'byBuyer' && index !== 'table';

/** The attributes each index holds of an item: its keys and the projected ones. */
const indexAttributes = Object.fromEntries(
  tableSchema.GlobalSecondaryIndexes.map((gsi) => [
    gsi.IndexName,
    {
      keys: gsi.KeySchema.map((k) => k.AttributeName),
      projected: gsi.Projection.NonKeyAttributes,
    },
  ]),
) as Record<PetIndexName, { keys: string[]; projected: string[] }>;

/**
 * The write units a change of one item costs each GSI, by DynamoDB's rules: none if
 * the index holds neither image or nothing it holds changed, one to add, remove or
 * update an entry in place, two when the entry's key changes (a delete and a put).
 * Items are under 1 KB here, so one unit per entry written.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes
 */
export function indexWriteUnits(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): Record<PetIndexName, number> {
  const units = {} as Record<PetIndexName, number>;
  for (const index of indexNames) {
    const { keys, projected } = indexAttributes[index];
    const holds = (item?: Record<string, unknown>) =>
      item !== undefined && keys.every((k) => item[k] !== undefined);
    const had = holds(before);
    const has = holds(after);
    const differs = (attrs: string[]) => attrs.some((a) => before?.[a] !== after?.[a]);
    if (had && has) units[index] = differs(keys) ? 2 : differs(projected) ? 1 : 0;
    else units[index] = had || has ? 1 : 0;
  }
  return units;
}

/** The share of an index's traffic its hottest partition-key value takes. */
export function hottestShare(index: string, spreads: IndexSpread[], pets: number): number {
  if (index === 'table') return 1 / pets; // keyed by id: one pet's item
  const spread = spreads.find((s) => s.index === index);
  const measured = spread?.largestShare ?? 1;
  // A sharded key's writes spread evenly over the shards of their status or type.
  return sharded(index) ? Math.max(measured, 1 / petShards) : measured;
}

/** Partitions one request's reads of an index spread over (a page reads every shard). */
const readPartitions = (index: string) => (sharded(index) ? petShards : 1);

export function originPageRate(load: Load, cdn: CrowdCdn): { measured: number; crowd: number } {
  return {
    measured: load.pageViewsPerSecond * (1 - cdn.measuredHitRatio),
    crowd: Math.min(load.pageViewsPerSecond, (cdn.cacheKeys * cdn.edgeCaches) / cdn.maxAgeSeconds),
  };
}

export interface PartitionRow {
  target: string;
  /** The hottest partition key's units per second. */
  writePerSecond: number;
  readPerSecond: number;
  /** Of readPerSecond, what the purchases' reads add (their container's catalogue refresh). */
  purchaseReadPerSecond: number;
  /** The table's (or index's) own units per second, against the per-table quota. */
  totalWritePerSecond: number;
  totalReadPerSecond: number;
}

const per = (m: KindMeasure, target: string, what: 'read' | 'write', origin: boolean) =>
  (m.units[target]?.[what] ?? 0) / Math.max(1, origin ? m.originRequests : m.requests);

/**
 * Each table's and index's hottest partition at `load`. Writes: the purchases' units
 * times the hottest key's share. Reads: every origin request's units, spread over
 * the partitions a request queries (a page reads each shard once).
 */
export function partitionRows(
  load: Load,
  originPagesPerSecond: number,
  measured: { purchase: KindMeasure; pageView: KindMeasure },
  spreads: IndexSpread[],
  pets: number,
): PartitionRow[] {
  return ['table', ...indexNames].map((target) => {
    const writeUnits = per(measured.purchase, target, 'write', false);
    const purchaseReads = load.purchasesPerSecond * per(measured.purchase, target, 'read', false);
    const readUnits =
      purchaseReads + originPagesPerSecond * per(measured.pageView, target, 'read', true);
    const hotRead = (units: number) =>
      target === 'table'
        ? units * hottestShare(target, spreads, pets)
        : units / readPartitions(target);
    const share = hottestShare(target, spreads, pets);
    // A key change writes two entries under two keys: one unit per key.
    const hotWrite = load.purchasesPerSecond * Math.min(writeUnits, 1) * share;
    return {
      target,
      writePerSecond: hotWrite,
      readPerSecond: hotRead(readUnits),
      purchaseReadPerSecond: hotRead(purchaseReads),
      totalWritePerSecond: load.purchasesPerSecond * writeUnits,
      totalReadPerSecond: readUnits,
    };
  });
}

export interface Cost {
  lambda: number;
  apiGateway: number;
  dynamodb: number;
  cloudfront: number;
  total: number;
}

/** Dollars per million requests of a kind; `originShare` of them reach the API. */
export function costPerMillion(m: KindMeasure, originShare: number, viaCdn: boolean): Cost {
  const million = 1_000_000;
  const origin = million * originShare;
  const perOrigin = (x: number) => x / Math.max(1, m.originRequests);
  const gbSeconds = perOrigin(m.lambdaMs / 1000) * (m.memoryMb / 1024);
  const lambda =
    origin * perOrigin(m.invocations) * (prices.lambda.perMillionRequests / million) +
    origin * gbSeconds * prices.lambda.perGbSecondArm64;
  const apiGateway = origin * (prices.apiGatewayRestPerMillion / million);
  let read = 0;
  let write = 0;
  for (const units of Object.values(m.units)) {
    read += perOrigin(units.read);
    write += perOrigin(units.write);
  }
  const dynamodb =
    origin * read * (prices.dynamodbOnDemand.perMillionReadUnits / million) +
    origin * write * (prices.dynamodbOnDemand.perMillionWriteUnits / million);
  const cloudfront = viaCdn
    ? million * (prices.cloudfront.perTenThousandHttps / 10_000) +
      ((million * (m.bytesOut / Math.max(1, m.requests))) / 1024 ** 3) * prices.cloudfront.perGbOut
    : 0;
  return {
    lambda,
    apiGateway,
    dynamodb,
    cloudfront,
    total: lambda + apiGateway + dynamodb + cloudfront,
  };
}

export interface LimitAt {
  limit: string;
  /** The multiple of the modelled load at which it is reached. */
  atLoad: number;
}

/**
 * Each limit and the multiple of `load` that reaches it, lowest first. Every rate
 * grows in proportion to the load, the origin's page rate included (`originPages`
 * is its rate at `load`).
 */
export function limitsByLoad(
  rows: PartitionRow[],
  load: Load,
  originPages: number,
  stageThrottleRps: number,
  lambdaConcurrency: { atLoad: number; limit: number },
): LimitAt[] {
  const found: LimitAt[] = [];
  const add = (limit: string, value: number, max: number) => {
    if (value > 0) found.push({ limit, atLoad: max / value });
  };
  for (const row of rows) {
    add(
      `${row.target}: hottest partition writes (1,000 WCU)`,
      row.writePerSecond,
      limits.partitionWriteUnits,
    );
    add(
      `${row.target}: hottest partition reads (3,000 RCU)`,
      row.readPerSecond,
      limits.partitionReadUnits,
    );
    add(
      `${row.target}: on-demand write quota (40,000 WRU)`,
      row.totalWritePerSecond,
      limits.tableWriteUnits,
    );
    add(
      `${row.target}: on-demand read quota (40,000 RRU)`,
      row.totalReadPerSecond,
      limits.tableReadUnits,
    );
  }
  const apiRps = load.purchasesPerSecond + originPages;
  add('API Gateway account throttle (10,000 rps)', apiRps, limits.apiGatewayAccountRps);
  add(`API Gateway stage throttle (${stageThrottleRps} rps)`, apiRps, stageThrottleRps);
  add(
    `Lambda concurrency (${lambdaConcurrency.limit})`,
    lambdaConcurrency.atLoad,
    lambdaConcurrency.limit,
  );
  return found.sort((a, b) => a.atLoad - b.atLoad);
}
