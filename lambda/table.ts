import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../api/pet';

/**
 * The key design, the one source of truth for the local table and the CDK stack
 * (which adds PAY_PER_REQUEST). One item per pet, keyed by its id: purchases touch
 * one item, and the catalogue has no size limit. GET /pets scans; no index is needed.
 */
export const tableSchema: Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions'> & {
  GlobalSecondaryIndexes?: CreateTableCommandInput['GlobalSecondaryIndexes'];
} = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
};

/** The tutorial's pets, for a new local table. */
export const seedPets: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
  { id: 3, type: 'fish', price: 0.99 },
];

export async function createTableIfMissing(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        ...tableSchema,
      }),
    );
  } catch (err) {
    // Another process created it between our describe and create: that is fine.
    if (!(err instanceof Error && err.name === 'ResourceInUseException')) throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
}

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
            Item: { id: pet.id, type: pet.type, price: pet.price },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        )
        .catch((err: unknown) => {
          if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
        }),
    ),
  );
}
