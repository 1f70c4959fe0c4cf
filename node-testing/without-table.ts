import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mock } from 'node:test';

/**
 * Runs `fn` while every DynamoDB call fails as it does on a table that does not exist,
 * so that any read `fn` makes turns its answer into a 500: how a test shows that a
 * refusal read nothing, or sees what a failure logs. The handlers read their table's
 * name once, as in a Lambda container, so a test cannot point them at another table;
 * it makes their one client fail instead.
 */
export async function withoutTable<T>(fn: () => Promise<T>): Promise<T> {
  const failing = mock.method(DynamoDBDocumentClient.prototype, 'send', () =>
    Promise.reject(
      new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }),
    ),
  );
  try {
    return await fn();
  } finally {
    failing.mock.restore();
  }
}
