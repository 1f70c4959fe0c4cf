import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  photoOf,
  toPublicPet,
  type Pet,
  type PetListing,
  type PetPhoto,
  type PublicPet,
} from '../../api/pet';
import { pageLimit } from '../../api/pet-query';
import { petItem } from '../../api/pet-table';
import { ConflictError, PayloadTooLargeError } from '../http/errors';
import { logger } from '../observability';
import { catalogueTag } from './catalogue-tag';
import { documentClient } from './client';
import { PetReads } from './pet-reads';
import { asRead, relist } from './write-conditions';

/** The most pets POST /pets replaces (and reads): one page. */
export const replaceLimit = pageLimit.max;

/** How many of one request's writes are in flight at once. */
const CONCURRENCY = 16;

type Op =
  | { kind: 'create'; next: PetListing }
  | { kind: 'update'; prev: PetListing; next: PetListing }
  | { kind: 'delete'; prev: PetListing; photo?: PetPhoto };

/**
 * POST /pets, the tutorial's whole-list write: makes the catalogue the admin's list,
 * for a store of at most one page. It writes only the difference, each write
 * conditional on its pet being as read, and undoes its own writes when one loses a
 * race, so a sale is never overwritten or undone.
 */
export class CatalogueReplace {
  private readonly reads: PetReads;
  /** The photos of the pets the last replace removed: the caller deletes their images. */
  removedPhotos: PetPhoto[] = [];

  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {
    this.reads = new PetReads(tableName, db);
  }

  /**
   * Creates, re-prices and removes pets. Only for a store of at most one page (413 past
   * it: a larger store is edited pet by pet). The diff is taken against a fresh read,
   * and each write is conditional on its item being as read (and unsold), so a
   * concurrent sale or edit of the same pet makes this request 409 instead of being
   * overwritten. With `etag`, the whole read must match the token the admin's list
   * came from, else 409 with nothing written.
   */
  async replace(next: readonly PetListing[], etag: string | undefined): Promise<PublicPet[]> {
    const current = await this.reads.catalogue(replaceLimit);
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
    const done: Op[] = [];
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
    this.removedPhotos = done.flatMap((op) => (op.kind === 'delete' && op.photo ? [op.photo] : []));
    const before = new Map(current.map((p) => [p.id, p]));
    return next
      .map((p) => {
        const was = before.get(p.id);
        return was?.isSold ? was : toPublicPet({ ...p, photo: was?.photo });
      })
      .sort((a, b) => a.id - b.id);
  }

  private async apply(op: Op): Promise<Op> {
    if (op.kind === 'create') {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...petItem(op.next) },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } else if (op.kind === 'delete') {
      // ALL_OLD: the photo the item held when it went, even one set after the read.
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: op.prev.id },
          ...asRead(op.prev),
          ReturnValues: 'ALL_OLD',
        }),
      );
      const photo = photoOf(Attributes?.['photo']);
      return photo ? { ...op, photo } : { ...op };
    } else {
      await this.db.send(relist(this.tableName, op.next, asRead(op.prev)));
    }
    return { ...op };
  }

  /**
   * Best-effort compensation when a later write of the same request lost a race:
   * each undo is itself conditional on our write still being there and unsold, so a
   * sale made in between is kept (a sale is never lost; the admin reloads and sees it).
   */
  private async undo(done: Op[]): Promise<void> {
    const undone: Op[] = [];
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
          const photo = op.photo ?? (op.prev as Pet).photo;
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...petItem({ ...op.prev, ...(photo && { photo }) }) },
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          );
        } else {
          await this.db.send(relist(this.tableName, op.prev, asRead(op.next)));
        }
        return op;
      },
      false,
    ).catch((err: unknown) => `undo failed: ${String(err)}`);
    if (kept || undone.length < done.length) {
      logger.warn('undo incomplete', { undone: undone.length, of: done.length });
    }
  }
}

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

/**
 * Runs `fn` over `ops`, a few at a time, pushing each success onto `done`. Returns the
 * conflict message of the first write whose condition failed (after the in-flight
 * ones settle; the rest are skipped if `stopOnConflict`), or undefined; any other
 * error stops the run and is thrown.
 */
async function runAll<T extends Op>(
  ops: readonly T[],
  done: Op[],
  fn: (op: T) => Promise<Op>,
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
