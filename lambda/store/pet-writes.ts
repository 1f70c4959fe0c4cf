import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { listingTag, photoOf, type Pet, type PetListing, type PetPhoto } from '../../api/pet';
import { petItem, placementOf, toPet, type PetItem } from '../../api/pet-table';
import { ConflictError, NotFoundError } from '../http/errors';
import { documentClient } from './client';
import { asRead, ATTEMPTS, relist, UNSOLD } from './write-conditions';

/** If-Match / If-None-Match of the per-pet writes, parsed. */
export interface Preconditions {
  /** The listing tags one of which the pet must have now, or '*' for "exists". */
  ifMatch?: readonly string[] | '*';
  /** '*': create only. */
  ifNoneMatch?: '*';
}

/**
 * The writes of one pet: a purchase, an admin's PUT and DELETE. Each reads the item
 * (strongly consistent) and writes conditionally on it being as read; when the
 * condition fails (a race lost) it reads again and judges again. Every write sets the
 * index attributes from the values it writes (api/pet-table.ts), so the indexes
 * never disagree with the pet.
 */
export class PetWrites {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

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
   * also moves the pet to the sold partitions (its shard's); `typeShard` holds the
   * type, which an update expression cannot read, so the pet is read first and the sale
   * is conditional on the type read as well (an admin's re-type in between: read again).
   */
  async purchase(id: number, buyer: string): Promise<Pet> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const item = await this.get(id);
      if (!item) throw new NotFoundError('That pet is not available: there is no such pet.');
      if (item.isSold) {
        throw new ConflictError('That pet is not available: it has already been sold.');
      }
      const sold = placementOf(id, item.type, 'sold');
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id },
            UpdateExpression:
              'SET isSold = :true, soldTo = :buyer, soldAt = :now, #status = :sold, ' +
              'typeStatus = :typeStatus, #shard = :shard, statusShard = :statusShard, ' +
              'typeShard = :typeShard',
            ConditionExpression: `attribute_exists(id) AND #type = :type AND ${UNSOLD}`,
            ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#shard': 'shard' },
            ExpressionAttributeValues: {
              ':true': true,
              ':false': false,
              ':buyer': buyer,
              ':now': new Date().toISOString(),
              ':sold': sold.status,
              ':type': item.type,
              ':typeStatus': sold.typeStatus,
              ':shard': sold.shard,
              ':statusShard': sold.statusShard,
              ':typeShard': sold.typeShard,
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
        if (current) await this.db.send(relist(this.tableName, next, asRead(current)));
        else await this.create(next);
        return { pet: next, created: !current };
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new ConflictError(`Pet ${id} is being changed by someone else. Reload it and try again.`);
  }

  /**
   * DELETE /pets/{id}: removes an unsold pet, conditional on it being as read. Answers
   * the photo the item held when it was deleted (DynamoDB's ALL_OLD, so a photo set
   * after the read is the one returned), whose images the caller then deletes.
   */
  async remove(id: number, pre: Preconditions = {}): Promise<PetPhoto | undefined> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`There is no pet ${id}.`);
      if (current.isSold) throw new ConflictError(`Pet ${id} has been sold and cannot be removed.`);
      assertMatches(current, pre);
      try {
        const { Attributes } = await this.db.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { id },
            ...asRead(current),
            ReturnValues: 'ALL_OLD',
          }),
        );
        return photoOf(Attributes?.['photo']);
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
}

/** If-Match with tags: the pet's listing now must be one of them. */
function assertMatches(current: PetListing, pre: Preconditions): void {
  if (Array.isArray(pre.ifMatch) && !pre.ifMatch.includes(listingTag(current))) {
    throw new ConflictError(
      `Pet ${current.id} has changed since you loaded it. Reload it and try again.`,
    );
  }
}
