import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publicAttributes, toPublicPet, type Pet, type PublicPet } from '../../api/pet';
import { pageLimit, petStatuses } from '../../api/pet-query';
import {
  petIndexes,
  petShards,
  statusShardOf,
  toPet,
  typeShardOf,
  type PetIndexName,
} from '../../api/pet-table';
import type { PageQuery } from '../http/cursor';
import { documentClient } from './client';
import { collectShards, mergeShards, type Partition, type ReadShard } from './shard-merge';

/*
 * Index reads are eventually consistent in DynamoDB (a GSI cannot be read strongly):
 * a page may miss a write of the last moment. Nothing decides on them alone: every
 * write that follows such a read is conditional on the item itself (write-conditions.ts).
 *
 * Buyers' privacy: the reads behind public answers (page, catalogue) ask DynamoDB for
 * the public attributes only and map entries with toPublicPet, so they return
 * PublicPet (no soldTo) by construction. Only sales() and purchasesOf(), behind the
 * signed views, return buyers (and PetWrites.purchase, the buyer's own pet).
 */

/** A page's worth of a query: what was asked, where to start, how many. */
export interface PageRequest extends PageQuery {
  limit: number;
  /** The sort key of the previous page's last pet (from its cursor). */
  after?: number | string;
}

export interface Page<P extends Pet = PublicPet> {
  pets: P[];
  /** The sort key of the page's last pet when more pets follow it; absent on the last page. */
  next?: number | string;
  /** Entries DynamoDB read for it: at most limit + 1 per partition (shard) read. */
  read: number;
}

/** A page of a sold-pets view: newest (highest id) first, after `after`. */
export interface SoldPageRequest {
  limit: number;
  /** The id of the previous page's last pet (from its cursor). */
  after?: number;
}

/**
 * The reads of many pets: a page of any listing, and the whole catalogue while it
 * fits one page. Every one is a set of Queries on an index's shards that read at most
 * a page and one more entry per partition, whatever the store's size.
 */
export class PetReads {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  /**
   * One page of pets in the query's order, after `after`. The partitions are every
   * shard of the unfiltered index, or of the query's status (or type and status), of
   * both statuses for a type without one;
   * they share the index's unique sort key, so they merge into one order
   * (shard-merge.ts), and no partition is read for more than limit + 1 entries: the
   * extra one tells whether a next page exists. Public: no buyer is read or returned.
   */
  async page(request: PageRequest): Promise<Page> {
    const byPrice = request.sort === 'price' || request.sort === '-price';
    const filtered = request.status !== undefined || request.type !== undefined;
    const index: PetIndexName = !filtered
      ? byPrice
        ? 'byShardPrice'
        : 'byShardId'
      : request.type === undefined
        ? byPrice
          ? 'byStatusShardPrice'
          : 'byStatusShardId'
        : byPrice
          ? 'byTypeShardPrice'
          : 'byTypeShardId';
    const statuses = request.status ? [request.status] : petStatuses;
    const partitions: Partition[] = !filtered
      ? shardNumbers
      : statuses.flatMap((status) =>
          shardNumbers.map((shard) =>
            request.type === undefined
              ? statusShardOf(status, shard)
              : typeShardOf(request.type, status, shard),
          ),
        );
    return this.merged(
      index,
      partitions,
      { limit: request.limit, after: request.after, descending: request.sort.startsWith('-') },
      [...publicAttributes, petIndexes[index].sort],
      toPublicPet,
    );
  }

  /**
   * Every pet, by id, when there are at most `max`; null when there are more. Reads at
   * most max + 1 entries in all whatever the store's size (each round of shard reads
   * shares what is left of that budget). For POST /pets and purchase answers, which
   * keep the tutorial's whole-list shape while the store fits one page. Public pets:
   * neither answer shows a buyer (a purchase adds its own buyer to its pet).
   */
  async catalogue(max: number = pageLimit.max): Promise<PublicPet[] | null> {
    const { items, complete } = await collectShards(
      shardNumbers,
      this.reader('byShardId', { attributes: publicAttributes }),
      max + 1,
    );
    if (!complete || items.length > max) return null;
    return items.map(toPublicPet).sort(byId);
  }

  /**
   * GET /pets/sales (admin): one page of sold pets with their buyers, from the 'sold'
   * shards of byStatusShardId merged, highest id first. At most limit + 1 entries
   * read per shard.
   *
   * Why this order: it is the index that already holds every sale, so no new index
   * (and no extra write on every purchase) is needed; and its key never moves, so a
   * cursor chain visits each sale once even while purchases land (a new sale of a
   * lower id than the cursor's shows in a later page, of a higher one on a fresh
   * first page). Ids grow as admins list pets, so this is "newest listing first",
   * which is not quite "latest sale first": that order needs an index on the sale
   * time (`soldAt`), sharded as these are, left out until an admin asks for it.
   */
  sales(request: SoldPageRequest): Promise<Page<Pet>> {
    const partitions = shardNumbers.map((shard) => statusShardOf('sold', shard));
    return this.merged(
      'byStatusShardId',
      partitions,
      { ...request, descending: true },
      undefined,
      toPet,
    );
  }

  /**
   * POST /pets/mine: one page of the pets sold to `buyer` (the verified token's
   * email), from its byBuyer partition, highest id first. At most limit + 1 entries.
   * One partition: a buyer's key is written by that buyer's purchases alone.
   */
  purchasesOf(buyer: string, request: SoldPageRequest): Promise<Page<Pet>> {
    return this.merged('byBuyer', [buyer], { ...request, descending: true }, undefined, toPet);
  }

  private async merged<P extends Pet>(
    index: PetIndexName,
    partitions: readonly Partition[],
    request: { limit: number; after?: number | string; descending: boolean },
    attributes: readonly string[] | undefined,
    toShown: (item: Record<string, unknown>) => P,
  ): Promise<Page<P>> {
    const sortKey = petIndexes[index].sort;
    const { items, read } = await mergeShards(
      partitions,
      this.reader(index, { after: request.after, descending: request.descending, attributes }),
      { want: request.limit + 1, sortKey, descending: request.descending },
    );
    const page: Page<P> = { pets: items.slice(0, request.limit).map(toShown), read };
    if (items.length > request.limit) {
      page.next = items[request.limit - 1]![sortKey] as number | string;
    }
    return page;
  }

  /**
   * Reads of one index's partitions: one Query each, in index order, after `after`;
   * only `attributes` of each entry when given (DynamoDB leaves the others out of the
   * answer). A Query also stops at 1 MB; the merge then reads on from its
   * LastEvaluatedKey (a page of the largest pets is ~0.4 MB, so in practice it never does).
   */
  private reader(
    index: PetIndexName,
    options: { after?: number | string; descending?: boolean; attributes?: readonly string[] },
  ): ReadShard {
    const { partition, sort } = petIndexes[index];
    const range =
      options.after === undefined ? '' : ` AND #sk ${options.descending ? '<' : '>'} :after`;
    const projected = [...new Set(options.attributes ?? [])];
    const names = Object.fromEntries(projected.map((name, i) => [`#p${i}`, name]));
    return async (partitionValue, max, start) => {
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range}`,
          ExpressionAttributeNames: { '#pk': partition, ...(range && { '#sk': sort }), ...names },
          ...(projected.length > 0 && { ProjectionExpression: Object.keys(names).join(', ') }),
          ExpressionAttributeValues: {
            ':pk': partitionValue,
            ...(range && { ':after': options.after }),
          },
          ScanIndexForward: !options.descending,
          Limit: max,
          ExclusiveStartKey: start,
        }),
      );
      return { items: res.Items ?? [], start: res.LastEvaluatedKey };
    };
  }
}

/** 0 … petShards - 1. */
const shardNumbers = Array.from({ length: petShards }, (_, shard) => shard);

function byId(a: Pet, b: Pet): number {
  return a.id - b.id;
}
