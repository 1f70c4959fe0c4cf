import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import {
  listingTag,
  publicAttributes,
  toPublicPet,
  type Pet,
  type PetListing,
  type PublicPet,
} from '../api/pet';
import { pageLimit, petStatuses, type PetStatus } from '../api/pet-query';
import type { PageQuery } from './cursor';
import { ConflictError, NotFoundError, PayloadTooLargeError } from './errors';
import { logger } from './observability';
import {
  petIndexes,
  petItem,
  priceKeyOf,
  toPet,
  typeStatusOf,
  type PetIndexName,
  type PetItem,
} from '../api/pet-table';

/*
 * Every read and write of pets. One item per pet (table.ts), so a purchase or an
 * admin's edit is one conditional write on one item whatever the store's size, and
 * every read of many pets is a Query on an index that reads at most a page and one
 * more item per partition. Writes are conditional on the item being as the writer
 * last read it; dynalite (the local DynamoDB) has no transactions, and conditions on
 * single items are enough here. Every write sets the index attributes from the same
 * values it writes (table.ts's petItem and helpers), so the indexes never disagree.
 *
 * Index reads are eventually consistent in DynamoDB (a GSI cannot be read strongly):
 * a page may miss a write of the last moment. Nothing decides on them alone: every
 * write that follows such a read is conditional on the item itself.
 *
 * Buyers' privacy: the reads behind public answers (page, catalogue) ask DynamoDB for
 * the public attributes only and map entries with toPublicPet, so they return
 * PublicPet (no soldTo) by construction. Only sales() and purchasesOf(), behind the
 * signed views, and purchase(), for the buyer's own pet, return buyers.
 */

const UNSOLD = '(attribute_not_exists(isSold) OR isSold = :false)';
/** A write conditional on the item being as read; retried this often on a lost race. */
const ATTEMPTS = 3;

/** The client of this container: built once per cold start, reused by every call. */
let shared: DynamoDBDocumentClient | undefined;
export function documentClient(): DynamoDBDocumentClient {
  // Region, credentials and endpoint (AWS_ENDPOINT_URL_DYNAMODB) come from the
  // SDK's own environment handling, so the same code runs in AWS and locally.
  shared ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return shared;
}

/**
 * The catalogue's concurrency token for POST /pets: a digest of what admins control
 * (ids, types, prices), so purchases leave it unchanged and only an edit makes it stale.
 */
export function catalogueTag(pets: readonly PetListing[]): string {
  const hash = createHash('sha256');
  for (const p of [...pets].sort((a, b) => a.id - b.id)) {
    hash.update(`${p.id}\t${p.type}\t${p.price}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}

function byId(a: PetListing, b: PetListing): number {
  return a.id - b.id;
}

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

/** If-Match / If-None-Match of the per-pet writes, parsed. */
export interface Preconditions {
  /** The listing tags one of which the pet must have now, or '*' for "exists". */
  ifMatch?: readonly string[] | '*';
  /** '*': create only. */
  ifNoneMatch?: '*';
}

/** The pets table: every read and write of pets goes through here. */
export class PetTable {
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

  /** One pet as stored now (a strongly consistent read of its item). */
  async get(id: number): Promise<PetItem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item as PetItem | undefined;
  }

  /**
   * Sells a pet. The sale is one conditional UpdateItem, which DynamoDB applies
   * atomically, so of any number of concurrent buyers exactly one meets "unsold". It
   * also moves the pet to the sold partitions; `typeStatus` holds the type, which an
   * update expression cannot read, so the pet is read first and the sale is
   * conditional on the type read as well (an admin's re-type in between: read again).
   */
  async purchase(id: number, buyer: string): Promise<Pet> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const item = await this.get(id);
      if (!item) throw new NotFoundError('That pet is not available: there is no such pet.');
      if (item.isSold) {
        throw new ConflictError('That pet is not available: it has already been sold.');
      }
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression:
              'SET isSold = :true, soldTo = :buyer, soldAt = :now, #status = :sold, typeStatus = :typeStatus',
            ConditionExpression: `attribute_exists(id) AND #type = :type AND ${UNSOLD}`,
            ExpressionAttributeNames: { '#type': 'type', '#status': 'status' },
            ExpressionAttributeValues: {
              ':true': true,
              ':false': false,
              ':buyer': buyer,
              ':now': new Date().toISOString(),
              ':sold': 'sold' satisfies PetStatus,
              ':type': item.type,
              ':typeStatus': typeStatusOf(item.type, 'sold'),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toPet(Attributes ?? {});
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new ConflictError('That pet is not available: it changed while you bought it.');
  }

  /**
   * PUT /pets/{id}: creates or re-lists an unsold pet. The write is conditional on
   * the item as read (absent, or unsold with the type and price read), so a sale or
   * another admin's edit in between is never overwritten: the pet is read again and
   * the preconditions judged on what is there now.
   */
  async put(
    id: number,
    listing: Omit<PetListing, 'id'>,
    pre: Preconditions = {},
  ): Promise<{ pet: Pet; created: boolean }> {
    const next: Pet = { id, type: listing.type, price: listing.price };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (current && pre.ifNoneMatch) throw new ConflictError(`Pet ${id} already exists.`);
      if (!current && pre.ifMatch) {
        throw new ConflictError(`Pet ${id} has been removed since you loaded it.`);
      }
      if (current?.isSold) {
        throw new ConflictError(`Pet ${id} has been sold: its type and price cannot change.`);
      }
      if (current) assertMatches(current, pre);
      try {
        if (current) await this.setListing(next, asRead(current));
        else await this.create(next);
        return { pet: next, created: !current };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new ConflictError(`Pet ${id} is being changed by someone else. Reload it and try again.`);
  }

  /** DELETE /pets/{id}: removes an unsold pet, conditional on it being as read. */
  async remove(id: number, pre: Preconditions = {}): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`There is no pet ${id}.`);
      if (current.isSold) throw new ConflictError(`Pet ${id} has been sold and cannot be removed.`);
      assertMatches(current, pre);
      try {
        await this.db.send(
          new DeleteCommand({ TableName: this.tableName, Key: { id }, ...asRead(current) }),
        );
        return;
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new ConflictError(`Pet ${id} is being changed by someone else. Reload it and try again.`);
  }

  /** A new unsold pet, only if the id is free. */
  private create(pet: Pet) {
    // PutItem would do, but the per-pet role has UpdateItem only (api/handlers.ts).
    const { id, ...attributes } = petItem(pet);
    const names = Object.keys(attributes);
    return this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id },
        UpdateExpression: `SET ${names.map((n, i) => `#a${i} = :a${i}`).join(', ')}`,
        ConditionExpression: 'attribute_not_exists(id)',
        ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
        ExpressionAttributeValues: Object.fromEntries(
          names.map((n, i) => [`:a${i}`, attributes[n as keyof typeof attributes]]),
        ),
      }),
    );
  }

  /** Re-lists an unsold pet (it stays in the 'available' partitions) under `condition`. */
  private setListing(to: PetListing, condition: Condition) {
    return this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: to.id },
        UpdateExpression:
          'SET #type = :type, price = :price, typeStatus = :typeStatus, priceKey = :priceKey',
        ConditionExpression: `attribute_exists(id) AND ${condition.ConditionExpression}`,
        ExpressionAttributeNames: condition.ExpressionAttributeNames,
        ExpressionAttributeValues: {
          ...condition.ExpressionAttributeValues,
          ':type': to.type,
          ':price': to.price,
          ':typeStatus': typeStatusOf(to.type, 'available'),
          ':priceKey': priceKeyOf(to.price, to.id),
        },
      }),
    );
  }

  /**
   * POST /pets: makes the catalogue the admin's list: creates, re-prices and removes
   * pets. Only for a store of at most one page (413 past it: a larger store is edited
   * pet by pet). The diff is taken against a fresh read, and each write is
   * conditional on its item being as read (and unsold), so a concurrent sale or edit
   * of the same pet makes this request 409 instead of being overwritten. With `etag`,
   * the whole read must match the token the admin's list came from, else 409 with
   * nothing written.
   */
  async replace(next: readonly PetListing[], etag: string | undefined): Promise<PublicPet[]> {
    const current = await this.catalogue(replaceLimit);
    if (!current) {
      throw new PayloadTooLargeError(
        `The store holds more than ${replaceLimit} pets, too many to replace as one list: ` +
          'use PUT /pets/{id} and DELETE /pets/{id} to add, change and remove pets one by one.',
      );
    }
    if (etag !== undefined && etag !== catalogueTag(current)) {
      throw new ConflictError(
        'The pets have changed since you loaded them. Reload the list and try again.',
      );
    }
    const plan = diff(current, next);
    // Edits of existing pets can lose a race with a buyer; creates only with another
    // admin. Running them in that order means the likelier conflict undoes less.
    const done: Undo[] = [];
    for (const phase of [plan.existing, plan.creates]) {
      let failed: string | undefined;
      try {
        failed = await runAll(phase, done, (op) => this.apply(op), true);
      } catch (err) {
        await this.undo(done);
        throw err;
      }
      if (failed) {
        await this.undo(done);
        throw new ConflictError(failed);
      }
    }
    const sold = new Map(current.filter((p) => p.isSold).map((p) => [p.id, p]));
    return next.map((p) => sold.get(p.id) ?? toPublicPet(p)).sort(byId);
  }

  private async apply(op: Op): Promise<Undo> {
    if (op.kind === 'create') {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...petItem(op.next) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } else if (op.kind === 'delete') {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: op.prev.id },
          ...asRead(op.prev),
        }),
      );
    } else {
      await this.setListing(op.next, asRead(op.prev));
    }
    return { ...op };
  }

  /**
   * Best-effort compensation when a later write of the same request lost a race:
   * each undo is itself conditional on our write still being there and unsold, so a
   * sale made in between is kept (a sale is never lost; the admin reloads and sees it).
   */
  private async undo(done: Undo[]): Promise<void> {
    const undone: Undo[] = [];
    const kept = await runAll(
      done,
      undone,
      async (op) => {
        if (op.kind === 'create') {
          await this.db.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { id: op.next.id },
              ...asRead(op.next),
            }),
          );
        } else if (op.kind === 'delete') {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...petItem(op.prev) },
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          );
        } else {
          await this.setListing(op.prev, asRead(op.next));
        }
        return op;
      },
      false,
    ).catch((err: unknown) => `undo failed: ${String(err)}`);
    if (kept || undone.length < done.length) {
      logger().warn('undo incomplete', { undone: undone.length, of: done.length });
    }
  }
}

/** The most pets POST /pets replaces (and reads): one page. */
export const replaceLimit = pageLimit.max;

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** The item still has the listing read (or written) and is unsold. */
function asRead(pet: PetListing): Condition {
  return {
    ConditionExpression: `#type = :oldType AND price = :oldPrice AND ${UNSOLD}`,
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':oldType': pet.type, ':oldPrice': pet.price, ':false': false },
  };
}

/** If-Match with tags: the pet's listing now must be one of them. */
function assertMatches(current: PetListing, pre: Preconditions): void {
  if (Array.isArray(pre.ifMatch) && !pre.ifMatch.includes(listingTag(current))) {
    throw new ConflictError(
      `Pet ${current.id} has changed since you loaded it. Reload it and try again.`,
    );
  }
}

/** Index sort keys: ids (numbers) or priceKeys (fixed-width strings). */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Op =
  | { kind: 'create'; next: PetListing }
  | { kind: 'update'; prev: PetListing; next: PetListing }
  | { kind: 'delete'; prev: PetListing };
type Undo = Op;

/** What turns `current` into `next`; refuses (409, nothing written) to touch a sold pet. */
export function diff(
  current: readonly Pet[],
  next: readonly PetListing[],
): { existing: Op[]; creates: Op[] } {
  const byIdNow = new Map(current.map((p) => [p.id, p]));
  const existing: Op[] = [];
  const creates: Op[] = [];
  for (const want of next) {
    const have = byIdNow.get(want.id);
    if (!have) {
      creates.push({ kind: 'create', next: want });
      continue;
    }
    byIdNow.delete(want.id);
    if (have.type === want.type && have.price === want.price) continue;
    if (have.isSold) {
      throw new ConflictError(`Pet ${want.id} has been sold: its type and price cannot change.`);
    }
    existing.push({ kind: 'update', prev: have, next: want });
  }
  for (const gone of byIdNow.values()) {
    if (gone.isSold) {
      throw new ConflictError(`Pet ${gone.id} has been sold and cannot be removed.`);
    }
    existing.push({ kind: 'delete', prev: gone });
  }
  return { existing, creates };
}

const CONCURRENCY = 16;

/**
 * Runs `fn` over `ops`, a few at a time, pushing each success onto `done`. Returns the
 * conflict message of the first write whose condition failed (after the in-flight
 * ones settle; the rest are skipped if `stopOnConflict`), or undefined; any other
 * error stops the run and is thrown.
 */
async function runAll<T extends Op>(
  ops: readonly T[],
  done: Undo[],
  fn: (op: T) => Promise<Undo>,
  stopOnConflict: boolean,
): Promise<string | undefined> {
  let next = 0;
  let conflict: string | undefined;
  let error: unknown;
  const stopped = () => error !== undefined || (stopOnConflict && conflict !== undefined);
  const worker = async () => {
    while (next < ops.length && !stopped()) {
      const op = ops[next++]!;
      try {
        done.push(await fn(op));
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) {
          const id = op.kind === 'create' ? op.next.id : op.prev.id;
          conflict ??= `Pet ${id} was changed or sold by someone else meanwhile. Reload the list and try again.`;
        } else error ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ops.length) }, worker));
  if (error !== undefined) throw error;
  return conflict;
}
