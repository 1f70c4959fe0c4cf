import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from './errors';
import type { Pet, PetListing } from '../api/pet';

/*
 * The data model: one item per pet, keyed by `id` (see table.ts). No item holds the
 * catalogue, so it grows without DynamoDB's 400 KB item limit, and a purchase is one
 * conditional UpdateItem on one item whatever the catalogue's size. Every write is
 * conditional on the item being as the writer last saw it; dynalite (the local
 * DynamoDB) has no transactions, and conditions on single items are enough here.
 * An item may also hold `soldAt` (ISO time of the sale), which the API never shows.
 */

const UNSOLD = '(attribute_not_exists(isSold) OR isSold = :false)';

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

export function toPet(item: Record<string, unknown>): Pet {
  const pet: Pet = {
    id: Number(item['id']),
    type: String(item['type']),
    price: Number(item['price']),
  };
  if (item['isSold'] === true) {
    pet.isSold = true;
    if (typeof item['soldTo'] === 'string') pet.soldTo = item['soldTo'];
  }
  return pet;
}

/**
 * The catalogue's concurrency token: a digest of what admins control (ids, types,
 * prices), so purchases leave it unchanged and only a catalogue edit makes it stale.
 */
export function catalogueTag(pets: readonly PetListing[]): string {
  const hash = createHash('sha256');
  for (const p of [...pets].sort((a, b) => a.id - b.id)) {
    hash.update(`${p.id}\t${p.type}\t${p.price}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}

/** Pets ordered by id: a Scan returns them in hash order. */
function byId(a: Pet, b: Pet): number {
  return a.id - b.id;
}

/** The pets table: every read and write of pets goes through here. */
export class PetTable {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  /** Every pet, by strongly consistent Scan (paged: 1 MB per page). */
  async list(): Promise<Pet[]> {
    const pets: Pet[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) pets.push(toPet(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return pets.sort(byId);
  }

  /**
   * Sells a pet: one conditional UpdateItem, which DynamoDB applies atomically, so of
   * any number of concurrent buyers exactly one meets the "unsold" condition.
   */
  async purchase(id: number, buyer: string): Promise<Pet> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET isSold = :true, soldTo = :buyer, soldAt = :now',
          ConditionExpression: `attribute_exists(id) AND ${UNSOLD}`,
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':buyer': buyer,
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPet(Attributes ?? {});
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // The condition failed: tell "no such pet" from "sold" (a rare, read-only path).
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    if (!Item) throw new NotFoundError('That pet is not available: there is no such pet.');
    throw new ConflictError('That pet is not available: it has already been sold.');
  }

  /**
   * Makes the catalogue the admin's list: creates, re-prices and removes pets. The
   * diff is taken against a fresh read, and each write is conditional on its item
   * being as read (and unsold), so a concurrent sale or edit of the same pet makes
   * this request 409 instead of being overwritten. With `etag`, the whole read must
   * match the token the admin's list came from, else 409 with nothing written.
   */
  async replace(next: readonly PetListing[], etag: string | undefined): Promise<Pet[]> {
    const current = await this.list();
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
    return next.map((p) => sold.get(p.id) ?? { ...p }).sort(byId);
  }

  private async apply(op: Op): Promise<Undo> {
    const names = { '#type': 'type' };
    if (op.kind === 'create') {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: op.next.id, type: op.next.type, price: op.next.price },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return { ...op };
    }
    const asRead = `#type = :oldType AND price = :oldPrice AND ${UNSOLD}`;
    const values = { ':oldType': op.prev.type, ':oldPrice': op.prev.price, ':false': false };
    if (op.kind === 'delete') {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: op.prev.id },
          ConditionExpression: asRead,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return { ...op };
    }
    await this.setListing(op.next, asRead, values);
    return { ...op };
  }

  private setListing(to: PetListing, condition: string, values: Record<string, unknown>) {
    return this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { id: to.id },
        UpdateExpression: 'SET #type = :type, price = :price',
        ConditionExpression: `attribute_exists(id) AND ${condition}`,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ...values, ':type': to.type, ':price': to.price },
      }),
    );
  }

  /**
   * Best-effort compensation when a later write of the same request lost a race:
   * each undo is itself conditional on our write still being there and unsold, so a
   * sale made in between is kept (a sale is never lost; the admin reloads and sees it).
   */
  private async undo(done: Undo[]): Promise<void> {
    const mine = `#type = :oldType AND price = :oldPrice AND ${UNSOLD}`;
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
              ConditionExpression: mine,
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: {
                ':oldType': op.next.type,
                ':oldPrice': op.next.price,
                ':false': false,
              },
            }),
          );
        } else if (op.kind === 'delete') {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { id: op.prev.id, type: op.prev.type, price: op.prev.price },
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          );
        } else {
          await this.setListing(op.prev, mine, {
            ':oldType': op.next.type,
            ':oldPrice': op.next.price,
            ':false': false,
          });
        }
        return op;
      },
      false,
    ).catch((err: unknown) => `undo failed: ${String(err)}`);
    if (kept || undone.length < done.length) {
      console.warn(
        JSON.stringify({ event: 'undo-incomplete', undone: undone.length, of: done.length }),
      );
    }
  }
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
