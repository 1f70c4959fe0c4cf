import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../api/pet';
import { petItem } from '../api/pet-table';

/** The tutorial's pets, for a new local table. */
export const seedPets: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
  { id: 3, type: 'fish', price: 0.99 },
];

/** Puts `pets` (the seed by default) into an empty table; a table with any item is left alone. */
export async function seedIfEmpty(
  client: DynamoDBClient,
  tableName: string,
  pets: readonly Pet[] = seedPets,
): Promise<void> {
  const db = DynamoDBDocumentClient.from(client);
  const { Count } = await db.send(
    new ScanCommand({ TableName: tableName, Limit: 1, Select: 'COUNT' }),
  );
  if (Count) return;
  await Promise.all(
    pets.map((pet) =>
      db
        .send(
          new PutCommand({
            TableName: tableName,
            Item: { ...petItem(pet) },
            // Two processes seeding one new table at once must not undo each other's work.
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
        .catch((err: unknown) => {
          if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
        }),
    ),
  );
}
