import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publicAttributes, toPublicPet, type Pet, type PublicPet } from '../../api/pet';
import { pageLimit, petStatuses, type PetStatus } from '../../api/pet-query';
import { petIndexes, toPet, typeStatusOf, type PetIndexName } from '../../api/pet-table';
import type { PageQuery } from '../http/cursor';
import { documentClient } from './client';

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
  /** Items DynamoDB read for it: at most (limit + 1) per partition. */
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
 * fits one page. Every one is a Query on an index that reads at most a page and one
 * more item per partition, whatever the store's size.
 */
export class PetReads {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  /**
   * One page of pets in the query's order, after `after`. With a status (or a type and
   * a status) that is one index partition; without, the 'available' and 'sold'
   * partitions of the same index are read side by side and merged: their sort key is
   * the same unique value, so "after X" means the same in both. Each partition is read
   * for at most limit + 1 items: the extra one tells whether a next page exists.
   * Public: no buyer is read or returned.
   */
  async page(request: PageRequest): Promise<Page> {
    const byPrice = request.sort === 'price' || request.sort === '-price';
    const index: PetIndexName =
      request.type === undefined
        ? byPrice
          ? 'byStatusPrice'
          : 'byStatusId'
        : byPrice
          ? 'byTypeStatusPrice'
          : 'byTypeStatusId';
    const descending = request.sort.startsWith('-');
    const statuses = request.status ? [request.status] : petStatuses;
    const reads = await Promise.all(
      statuses.map((status) =>
        this.query(
          index,
          request.type === undefined ? status : typeStatusOf(request.type, status),
          {
            after: request.after,
            descending,
            max: request.limit + 1,
            attributes: [...publicAttributes, petIndexes[index].sort],
          },
        ),
      ),
    );
    const sortKey = petIndexes[index].sort;
    const items = reads.flat();
    if (reads.length > 1) {
      const order = descending ? -1 : 1;
      items.sort((a, b) => order * compareKeys(a[sortKey], b[sortKey]));
    }
    const pets = items.slice(0, request.limit).map(toPublicPet);
    const page: Page = { pets, read: items.length };
    if (items.length > request.limit) {
      page.next = items[request.limit - 1]![sortKey] as number | string;
    }
    return page;
  }

  /**
   * Every pet, by id, when there are at most `max`; null when there are more. Reads at
   * most max + 1 items whatever the store's size: the sold partition is read only for
   * what the available one left of the budget. For POST /pets and purchase answers,
   * which keep the tutorial's whole-list shape while the store fits one page. Public
   * pets: neither answer shows a buyer (a purchase adds its own buyer to its pet).
   */
  async catalogue(max: number = pageLimit.max): Promise<PublicPet[] | null> {
    const items: Record<string, unknown>[] = [];
    for (const status of petStatuses) {
      items.push(
        ...(await this.query('byStatusId', status, {
          max: max + 1 - items.length,
          attributes: publicAttributes,
        })),
      );
      if (items.length > max) return null;
    }
    return items.map(toPublicPet).sort(byId);
  }

  /**
   * GET /pets/sales (admin): one page of sold pets with their buyers, from the 'sold'
   * partition of byStatusId, highest id first. At most limit + 1 entries read.
   *
   * Why this order: it is the one index we have that holds every sale, so no new
   * index (and no extra write on every purchase) is needed; and its key never moves,
   * so a cursor chain visits each sale once even while purchases land (a new sale of
   * a lower id than the cursor's shows in a later page, of a higher one on a fresh
   * first page). Ids grow as admins list pets, so this is "newest listing first",
   * which is not quite "latest sale first": that order needs a GSI on the sale time
   * (`soldAt`), left out on purpose until an admin asks for it.
   */
  sales(request: SoldPageRequest): Promise<Page<Pet>> {
    return this.soldPage('byStatusId', 'sold' satisfies PetStatus, request);
  }

  /**
   * POST /pets/mine: one page of the pets sold to `buyer` (the verified token's
   * email), from its byBuyer partition, highest id first. At most limit + 1 entries.
   */
  purchasesOf(buyer: string, request: SoldPageRequest): Promise<Page<Pet>> {
    return this.soldPage('byBuyer', buyer, request);
  }

  private async soldPage(
    index: 'byStatusId' | 'byBuyer',
    partitionValue: string,
    request: SoldPageRequest,
  ): Promise<Page<Pet>> {
    const items = await this.query(index, partitionValue, {
      after: request.after,
      descending: true,
      max: request.limit + 1,
    });
    const page: Page<Pet> = { pets: items.slice(0, request.limit).map(toPet), read: items.length };
    if (items.length > request.limit) page.next = items[request.limit - 1]!['id'] as number;
    return page;
  }

  /**
   * Up to `max` index entries of one partition, in index order, after `after`; only
   * `attributes` of each when given (DynamoDB leaves the others out of the answer).
   */
  private async query(
    index: PetIndexName,
    partitionValue: string,
    options: {
      after?: number | string;
      descending?: boolean;
      max: number;
      attributes?: readonly string[];
    },
  ): Promise<Record<string, unknown>[]> {
    const { partition, sort } = petIndexes[index];
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    const range =
      options.after === undefined ? '' : ` AND #sk ${options.descending ? '<' : '>'} :after`;
    const projected = [...new Set(options.attributes ?? [])];
    const projection = projected.length
      ? {
          ProjectionExpression: projected.map((_, i) => `#p${i}`).join(', '),
          names: Object.fromEntries(projected.map((name, i) => [`#p${i}`, name])),
        }
      : undefined;
    do {
      // Limit bounds the read; a Query also stops at 1 MB, hence the loop (a page of
      // the largest pets is ~0.4 MB, so in practice it runs once).
      const res = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range}`,
          ExpressionAttributeNames: {
            '#pk': partition,
            ...(range && { '#sk': sort }),
            ...projection?.names,
          },
          ...(projection && { ProjectionExpression: projection.ProjectionExpression }),
          ExpressionAttributeValues: {
            ':pk': partitionValue,
            ...(range && { ':after': options.after }),
          },
          ScanIndexForward: !options.descending,
          Limit: options.max - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start && items.length < options.max);
    return items;
  }
}

/** Index sort keys: ids (numbers) or priceKeys (fixed-width strings). */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function byId(a: Pet, b: Pet): number {
  return a.id - b.id;
}
