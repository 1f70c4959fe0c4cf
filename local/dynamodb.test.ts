import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { serviceCredentials } from './aws/service-credentials';
import { startDynamoDB } from './dynamodb';

function client(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: serviceCredentials,
  });
}

async function createTable(db: DynamoDBClient): Promise<void> {
  await db.send(
    new CreateTableCommand({
      TableName: 'Pets',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // Even with createTableMs 0 the table turns ACTIVE a tick later, as DynamoDB's does.
  await waitUntilTableExists({ client: db, maxWaitTime: 10, minDelay: 1 }, { TableName: 'Pets' });
}

describe('startDynamoDB', () => {
  it('serves DynamoDB on loopback with an ephemeral port, in memory', async () => {
    const server = await startDynamoDB({ port: 0 });
    try {
      assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      const db = client(server.endpoint);
      await createTable(db);
      await db.send(new PutItemCommand({ TableName: 'Pets', Item: { id: { N: '1' } } }));
      const got = await db.send(new GetItemCommand({ TableName: 'Pets', Key: { id: { N: '1' } } }));
      assert.deepEqual(got.Item, { id: { N: '1' } });
      db.destroy();
    } finally {
      await server.close();
    }
  });

  it('keeps data on disk across a restart when given a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dynamodb-'));
    try {
      const first = await startDynamoDB({ path: dir, port: 0 });
      try {
        const db1 = client(first.endpoint);
        await createTable(db1);
        await db1.send(new PutItemCommand({ TableName: 'Pets', Item: { id: { N: '7' } } }));
        db1.destroy();
      } finally {
        await first.close();
      }

      const second = await startDynamoDB({ path: dir, port: 0 });
      try {
        const db2 = client(second.endpoint);
        const got = await db2.send(
          new GetItemCommand({ TableName: 'Pets', Key: { id: { N: '7' } } }),
        );
        assert.deepEqual(got.Item, { id: { N: '7' } });
        db2.destroy();
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
