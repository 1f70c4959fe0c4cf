import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publicAttributes, toPublicPet, type PublicPet } from '../../api/pet';
import { documentClient } from './client';

/**
 * One pet as the public sees it, or undefined when there is none: a GetItem on its
 * key, so it costs the same whatever the store holds. Only the public attributes are
 * asked for (a buyer is never read), and the read is strongly consistent, so a pet
 * an admin has just listed opens at once from its link.
 */
export async function publicPet(
  tableName: string,
  id: number,
  db: DynamoDBDocumentClient = documentClient(),
): Promise<PublicPet | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: tableName,
      Key: { id },
      ConsistentRead: true,
      ProjectionExpression: publicAttributes.map((_, i) => `#p${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(
        publicAttributes.map((name, i) => [`#p${i}`, name]),
      ),
    }),
  );
  return Item ? toPublicPet(Item) : undefined;
}
