import { petIndexes, type PetIndexName } from './pet-table';

/*
 * How a store's items spread over each index's partition-key values: the measure of
 * the "no hot key" rule (docs/design.md), computed from the items as the data model
 * writes them (petItem), so it needs no DynamoDB. dynalite has no partitions to
 * measure; in DynamoDB an index entry lives under its partition key's value, so these
 * counts are what each value holds.
 */

export interface IndexSpread {
  index: PetIndexName;
  /** Items the index holds (those with both its keys: a sparse index holds fewer). */
  items: number;
  /** Distinct partition-key values. */
  partitions: number;
  /** The value that holds the most items, and how many. */
  largestKey: string;
  largestItems: number;
  /** largestItems / items (0 for an empty index). */
  largestShare: number;
}

/** Each index's spread over the given items (any object with the index attributes). */
export function indexSpread(items: Iterable<Record<string, unknown>>): IndexSpread[] {
  const indexes = Object.entries(petIndexes) as [
    PetIndexName,
    { partition: string; sort: string },
  ][];
  const counts = indexes.map(() => new Map<string, number>());
  for (const item of items) {
    indexes.forEach(([, { partition, sort }], i) => {
      const key = item[partition];
      if (key === undefined || item[sort] === undefined) return;
      const value = String(key);
      counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + 1);
    });
  }
  return indexes.map(([index], i) => {
    let total = 0;
    let largestKey = '';
    let largestItems = 0;
    for (const [key, n] of counts[i]!) {
      total += n;
      if (n > largestItems) [largestKey, largestItems] = [key, n];
    }
    return {
      index,
      items: total,
      partitions: counts[i]!.size,
      largestKey,
      largestItems,
      largestShare: total === 0 ? 0 : largestItems / total,
    };
  });
}
