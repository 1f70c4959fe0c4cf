import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * What a read costs, counted at the client: the entries each Query returned, per
 * index partition (the `:pk` it asked for). A page's bound is per partition (at most
 * limit + 1 entries from each shard it merges), so the tests count both ways.
 */

export interface ReadCounter {
  /** The document client to hand the store; it counts every Query it sends. */
  db: DynamoDBDocumentClient;
  /** Entries returned by every Query so far. */
  total(): number;
  /** Entries returned per partition-key value so far. */
  perPartition(): Map<string, number>;
  /** The largest count of one partition so far (0 before any Query). */
  mostFromOnePartition(): number;
  reset(): void;
}

export function countReads(doc: DynamoDBDocumentClient): ReadCounter {
  let partitions = new Map<string, number>();
  const db = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        const res = (await target.send(command as never)) as { Items?: unknown[] };
        if (command instanceof QueryCommand) {
          const pk = String(command.input.ExpressionAttributeValues?.[':pk']);
          partitions.set(pk, (partitions.get(pk) ?? 0) + (res.Items?.length ?? 0));
        }
        return res;
      };
    },
  });
  const total = () => [...partitions.values()].reduce((a, b) => a + b, 0);
  return {
    db,
    total,
    perPartition: () => new Map(partitions),
    mostFromOnePartition: () => Math.max(0, ...partitions.values()),
    reset: () => (partitions = new Map()),
  };
}
