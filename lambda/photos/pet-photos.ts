import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { photoOf, type PetPhoto } from '../../api/pet';
import type { PhotoError } from '../../api/pet-table';
import { documentClient } from '../store/client';

/** What setting a photo did: replaced `previous` (maybe none), or nothing and why. */
export type PhotoSet =
  { set: true; previous?: PetPhoto } | { set: false; why: 'no such pet' | 'a later upload won' };

/**
 * A pet's photo attributes, each write one conditional UpdateItem on the pet's item
 * that touches nothing else of it (its listing, sale and buyer stay as they are):
 * the pet must still exist (a pet removed meanwhile gets no photo), and its photo
 * must come from an earlier upload (`photoAt`, when the upload reached S3), so of two
 * uploads racing the later one wins whichever finishes first.
 */
export class PetPhotos {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = documentClient(),
  ) {}

  /** Sets the photo of an upload made at `at` (ISO time) and clears a refused upload's reason. */
  async set(id: number, photo: PetPhoto, at: string): Promise<PhotoSet> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET photo = :photo, photoAt = :at REMOVE photoError',
          ConditionExpression: `attribute_exists(id) AND ${EARLIER}`,
          ExpressionAttributeValues: { ':photo': photo, ':at': at },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const previous = photoOf(Attributes?.['photo']);
      return previous ? { set: true, previous } : { set: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return { set: false, why: (await this.exists(id)) ? 'a later upload won' : 'no such pet' };
    }
  }

  /**
   * Records why an upload was refused, for the admin's page; the photo stays. Not on a
   * removed pet, nor over a photo from a later upload. Whether it was recorded.
   */
  async refuse(id: number, error: PhotoError): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'SET photoError = :error',
          ConditionExpression: `attribute_exists(id) AND ${EARLIER}`,
          ExpressionAttributeValues: { ':error': error, ':at': error.at },
        }),
      );
      return true;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return false;
    }
  }

  /**
   * Whether the pet is there, with UpdateItem alone (the function's only table
   * action): an update that changes nothing (it removes an attribute no item has; a
   * key cannot be SET to itself), conditional on the item existing.
   */
  private async exists(id: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: 'REMOVE existenceProbe',
          ConditionExpression: 'attribute_exists(id)',
        }),
      );
      return true;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return false;
    }
  }
}

/** The pet's photo (if any) is from an upload that reached S3 before this one. */
const EARLIER = '(attribute_not_exists(photoAt) OR photoAt < :at)';
