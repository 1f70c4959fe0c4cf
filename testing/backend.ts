// The Lambdas' backend for tests and benches: a real DynamoDB (dynalite) and a real
// JWKS endpoint on loopback, and the handlers configured against them through the
// same environment variables a deployment sets (api/handlers.ts's lambdaEnvironment).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { CryptoKey, JWTPayload } from 'jose';
import { lambdaEnv, lambdaEnvironment, type HandlerName } from '../api/handlers';
import type { Pet } from '../api/pet';
import { createTableIfMissing } from '../lambda/table';
import { startDynamoDB } from '../local/dynamodb';
export { loadHandlers } from '../local/lambdas';
import { audience, startTokenIssuer } from './token-issuer';

export { audience };
export const issuer = 'http://127.0.0.1:1/'; // never fetched: only compared
export const legacySecret = Buffer.from('a-legacy-hs256-secret-of-32-bytes!').toString('base64');

export interface Backend {
  tableName: string;
  client: DynamoDBClient;
  /** The key the JWKS publishes. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  /** A buyer's ID token (`amazon|buyer-1`, buyer@example.com unless `claims` say otherwise). */
  token(
    claims?: JWTPayload,
    options?: { expiresIn?: string | number; key?: CryptoKey; kid?: string },
  ): Promise<string>;
  /** Writes pets straight into the table (default: the handlers' table). */
  seed(pets: readonly Pet[], table?: string): Promise<void>;
  close(): Promise<void>;
}

/** `dynamoEndpoint`: use a DynamoDB already running there instead of starting one in-process. */
export async function startBackend(options: { dynamoEndpoint?: string } = {}): Promise<Backend> {
  const dynamo = options.dynamoEndpoint
    ? { endpoint: options.dynamoEndpoint, close: async () => undefined }
    : await startDynamoDB({ port: 0 });
  const tokens = await startTokenIssuer({ issuer });
  const tableName = `Pets-${process.pid}`;

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...lambdaEnvironment('purchasePet' satisfies HandlerName, {
      tableName,
      identity: { issuer, audience, jwksUrl: tokens.jwksUrl },
    }),
  });
  delete process.env[lambdaEnv.legacySecret];

  const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await createTableIfMissing(client, tableName);
  const doc = DynamoDBDocumentClient.from(client);

  return {
    tableName,
    client,
    privateKey: tokens.privateKey,
    publicKey: tokens.publicKey,
    kid: tokens.kid,
    token: (claims = {}, opts = {}) =>
      tokens.token(
        { email: 'buyer@example.com', sub: 'amazon|buyer-1', ...claims },
        { exp: opts.expiresIn ?? '10m', key: opts.key, kid: opts.kid },
      ),
    async seed(pets, table = tableName) {
      const batches: Pet[][] = [];
      for (let i = 0; i < pets.length; i += 25) batches.push(pets.slice(i, i + 25));
      // A few batches in flight; dynalite answers each in a few milliseconds.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let batch = batches.shift(); batch; batch = batches.shift()) {
            let items = batch.map((p) => ({ PutRequest: { Item: { ...p } } }));
            while (items.length) {
              const res = await doc.send(
                new BatchWriteCommand({ RequestItems: { [table]: items } }),
              );
              items = (res.UnprocessedItems?.[table] ?? []) as typeof items;
            }
          }
        }),
      );
    },
    async close() {
      client.destroy();
      await tokens.close();
      await dynamo.close();
    },
  };
}

/** An API Gateway REST (payload v1) proxy event, as the gateway hands it to a Lambda. */
export function apiEvent(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      requestId: `test-${Math.random().toString(36).slice(2)}`,
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** `n` pets with ids 1..n. */
export function makePets(n: number, from = 1): Pet[] {
  const types = ['dog', 'cat', 'fish', 'parrot', 'hamster'];
  return Array.from({ length: n }, (_, i) => ({
    id: from + i,
    type: types[i % types.length]!,
    price: Math.round((1 + ((i * 37) % 500)) * 100 - 1) / 100,
  }));
}
