import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PetListing } from '../../api/pet';
import { placementOf, priceKeyOf } from '../../api/pet-table';

/*
 * What every write of a pet is conditional on. dynalite (the local DynamoDB) has no
 * transactions, and conditions on single items are enough: each write holds only if
 * the item is as the writer last read it, so a sale or another admin's edit in
 * between is never overwritten.
 */

/** The item is not sold (an item of the first schema may say `isSold: false`). */
export const UNSOLD = '(attribute_not_exists(isSold) OR isSold = :false)';

/** A write conditional on the item being as read is retried this often on a lost race. */
export const ATTEMPTS = 3;

export interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** The item still has the listing read (or written) and is unsold. */
export function asRead(pet: PetListing): Condition {
  return {
    ConditionExpression: `#type = :oldType AND price = :oldPrice AND ${UNSOLD}`,
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':oldType': pet.type, ':oldPrice': pet.price, ':false': false },
  };
}

/**
 * Re-lists an unsold pet under `condition`: its type and price, and the index
 * attributes derived from them (it stays in its 'available' shards).
 */
export function relist(tableName: string, to: PetListing, condition: Condition): UpdateCommand {
  // statusShard stays: it follows the id and the status, neither of which changes here.
  const available = placementOf(to.id, to.type, 'available');
  return new UpdateCommand({
    TableName: tableName,
    Key: { id: to.id },
    UpdateExpression:
      'SET #type = :type, price = :price, typeStatus = :typeStatus, #shard = :shard, ' +
      'typeShard = :typeShard, priceKey = :priceKey',
    ConditionExpression: `attribute_exists(id) AND ${condition.ConditionExpression}`,
    ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, '#shard': 'shard' },
    ExpressionAttributeValues: {
      ...condition.ExpressionAttributeValues,
      ':type': to.type,
      ':price': to.price,
      ':typeStatus': available.typeStatus,
      ':shard': available.shard,
      ':typeShard': available.typeShard,
      ':priceKey': priceKeyOf(to.price, to.id),
    },
  });
}
