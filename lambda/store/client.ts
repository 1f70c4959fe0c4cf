import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let shared: DynamoDBDocumentClient | undefined;

/** The client of this container: built once per cold start, reused by every call. */
export function documentClient(): DynamoDBDocumentClient {
  // Region, credentials and endpoint (AWS_ENDPOINT_URL_DYNAMODB) come from the
  // SDK's own environment handling, so the same code runs in AWS and locally.
  shared ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return shared;
}
