// The crowd bench's meter counts what DynamoDB would report with
// ReturnConsumedCapacity: INDEXES, through a real SDK client and the local DynamoDB:
// - INDEXES reports "the aggregate ConsumedCapacity for the operation, together with
//   ConsumedCapacity for each table and secondary index that was accessed":
//   https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-ReturnConsumedCapacity
// - an eventually consistent read of up to 4 KB is half a read unit, a write of up to
//   1 KB one write unit:
//   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { serviceCredentials } from './aws/service-credentials';
import { startDynamoDB, type DynamoDBServer } from './dynamodb';
import type { MeterLine } from './dynamodb-meter';
import { aws } from './settings';

describe('the DynamoDB meter (PETS_DYNAMODB_METER)', () => {
  let dir: string;
  let meterFile: string;
  let server: DynamoDBServer;
  let client: DynamoDBClient;

  const lines = async (): Promise<MeterLine[]> =>
    (await readFile(meterFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MeterLine);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meter-'));
    meterFile = join(dir, 'meter.jsonl');
    server = await startDynamoDB({ port: 0, meterFile });
    client = new DynamoDBClient({
      endpoint: server.endpoint,
      region: aws.region,
      credentials: serviceCredentials,
      maxAttempts: 1,
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'Metered',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'N' },
          { AttributeName: 'kind', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byKind',
            KeySchema: [
              { AttributeName: 'kind', KeyType: 'HASH' },
              { AttributeName: 'id', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });

  after(async () => {
    client.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts a PutItem on a table with a GSI, and a Query on the GSI, the caller asking for neither', async () => {
    await client.send(
      new PutItemCommand({
        TableName: 'Metered',
        Item: { id: { N: '1' }, kind: { S: 'dog' } },
      }),
    );
    const answer = await client.send(
      new QueryCommand({
        TableName: 'Metered',
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': { S: 'dog' } },
      }),
    );
    assert.equal(answer.Count, 1, 'the metered Query still answers the item');
    // Left in the answer (the SDK reads it into a field the caller never looks at).
    assert.equal(answer.ConsumedCapacity?.CapacityUnits, 0.5);

    const [put, query, ...rest] = await lines();
    assert.equal(rest.length, 0);
    assert.deepEqual(put, {
      operation: 'PutItem',
      capacity: [{ CapacityUnits: 1, TableName: 'Metered', Table: { CapacityUnits: 1 } }],
    });
    assert.deepEqual(query, {
      operation: 'Query',
      capacity: [
        {
          CapacityUnits: 0.5,
          TableName: 'Metered',
          Table: { CapacityUnits: 0 },
          GlobalSecondaryIndexes: { byKind: { CapacityUnits: 0.5 } },
        },
      ],
    });
  });

  it("keeps the caller's own ReturnConsumedCapacity", async () => {
    const before = (await lines()).length;
    const answer = await client.send(
      new QueryCommand({
        TableName: 'Metered',
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': { S: 'dog' } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.equal(answer.ConsumedCapacity?.GlobalSecondaryIndexes, undefined);
    const after = await lines();
    assert.equal(after.length, before + 1);
    assert.deepEqual(after.at(-1)?.capacity, [{ CapacityUnits: 0.5, TableName: 'Metered' }]);
  });
});
