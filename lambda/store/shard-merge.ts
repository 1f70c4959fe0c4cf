/*
 * Reading many index partitions as one list. A status (or a type and a status) is
 * written over `petShards` partitions (api/pet-table.ts: no hot key), so a listing
 * reads every shard of it and merges them. All shards of an index share one unique
 * sort key (an id, or a priceKey), so "after X" means the same in each: one key is the
 * position of every shard, and a pet that moves between shards while a client pages
 * (a sale: available → sold) keeps its key, so it shows once, before or after X.
 */

export type Item = Record<string, unknown>;
export type StartKey = Record<string, unknown>;
/** A partition-key value: a shard number, or a status's (or type's) shard. */
export type Partition = string | number;

/**
 * One Query of one partition: at most `max` entries from `start` (DynamoDB's
 * LastEvaluatedKey of the previous read of it), in the listing's order; `start` in the
 * answer when the partition may hold more.
 */
export type ReadShard = (
  partition: Partition,
  max: number,
  start: StartKey | undefined,
) => Promise<{ items: Item[]; start?: StartKey }>;

export interface Merged {
  /** At most `want` entries, in order. */
  items: Item[];
  /** Entries DynamoDB returned: at most `want` per partition. */
  read: number;
}

interface Shard {
  partition: Partition;
  buffer: Item[];
  at: number;
  start?: StartKey;
  done: boolean;
  batch: number;
}

/**
 * The first `want` entries of the partitions merged by `sortKey` (a k-way merge).
 * Shards are read in parallel, a few entries each at first (a hash spreads any range
 * of keys evenly, so a page takes about want / shards from each), and only a shard
 * whose entries ran out before the page was complete is read again, for twice as many,
 * so a skewed range (many sold pets in a row) costs a few more rounds, not more
 * entries. A shard is never read for more than what the page still needs, so no
 * partition returns more than `want` entries.
 */
export async function mergeShards(
  partitions: readonly Partition[],
  readShard: ReadShard,
  options: { want: number; sortKey: string; descending: boolean },
): Promise<Merged> {
  const { want, sortKey } = options;
  const batch = firstBatch(want, partitions.length);
  const shards: Shard[] = partitions.map((partition) => ({
    partition,
    buffer: [],
    at: 0,
    done: false,
    batch,
  }));
  const order = options.descending ? -1 : 1;
  const items: Item[] = [];
  let read = 0;
  while (items.length < want) {
    const drained = shards.filter((s) => !s.done && s.at >= s.buffer.length);
    if (drained.length > 0) {
      const needed = want - items.length;
      await Promise.all(
        drained.map(async (shard) => {
          const answer = await readShard(
            shard.partition,
            Math.min(shard.batch, needed),
            shard.start,
          );
          read += answer.items.length;
          shard.buffer = answer.items;
          shard.at = 0;
          shard.start = answer.start;
          // An empty answer ends the shard too: a Query without a filter returns at
          // least one entry when more follow.
          shard.done = answer.start === undefined || answer.items.length === 0;
          shard.batch = Math.min(want, shard.batch * 2);
        }),
      );
    }
    let best: Shard | undefined;
    for (const shard of shards) {
      if (shard.at >= shard.buffer.length) continue;
      if (!best || order * compareKeys(headOf(shard, sortKey), headOf(best, sortKey)) < 0) {
        best = shard;
      }
    }
    if (!best) break;
    items.push(best.buffer[best.at++]!);
  }
  return { items, read };
}

/**
 * Every entry of the partitions, in no order, reading at most `budget` entries in all;
 * `complete` false when they hold more. Each round shares what is left of the budget
 * among the shards not yet read to their end.
 */
export async function collectShards(
  partitions: readonly Partition[],
  readShard: ReadShard,
  budget: number,
): Promise<{ items: Item[]; complete: boolean }> {
  let open: { partition: Partition; start?: StartKey }[] = partitions.map((partition) => ({
    partition,
  }));
  const items: Item[] = [];
  while (open.length > 0 && items.length < budget) {
    const left = budget - items.length;
    const each = Math.floor(left / open.length);
    const round = each > 0 ? open : open.slice(0, left);
    const answers = await Promise.all(
      round.map((s) => readShard(s.partition, Math.max(1, each), s.start)),
    );
    const finished = new Set<Partition>();
    answers.forEach((answer, i) => {
      items.push(...answer.items);
      round[i]!.start = answer.start;
      if (answer.start === undefined || answer.items.length === 0) {
        finished.add(round[i]!.partition);
      }
    });
    open = open.filter((s) => !finished.has(s.partition));
  }
  return { items, complete: open.length === 0 };
}

/**
 * How many entries to ask each shard for first: twice its even share of the page,
 * plus three, so that a page usually needs one round even when half the shards (a
 * status that holds few pets) give almost nothing.
 */
function firstBatch(want: number, shards: number): number {
  return Math.min(want, Math.ceil((2 * want) / shards) + 3);
}

function headOf(shard: Shard, sortKey: string): unknown {
  return shard.buffer[shard.at]![sortKey];
}

/** Index sort keys: ids (numbers) or priceKeys (fixed-width strings). */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
