// Shared by the lambda tests and the bench: a real DynamoDB (dynalite) and a real
// JWKS endpoint on loopback, and the handlers configured against them through the
// same environment variables a deployment sets.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamoDB } from '../local/dynamodb';
import type { Pet } from './pets';
import { createTableIfMissing } from './table';

export const issuer = 'http://127.0.0.1:1/'; // never fetched: only compared
export const audience = 'pets-spa';
export const legacySecret = Buffer.from('a-legacy-hs256-secret-of-32-bytes!').toString('base64');

export interface Backend {
  tableName: string;
  client: DynamoDBClient;
  /** The key the JWKS publishes. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
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
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const tableName = `Pets-${process.pid}`;

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PETS_TABLE: tableName,
    TOKEN_ISSUER: issuer,
    TOKEN_AUDIENCE: audience,
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
  });
  delete process.env['LEGACY_HS256_SECRET'];

  const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
  await createTableIfMissing(client, tableName);
  const doc = DynamoDBDocumentClient.from(client);

  return {
    tableName,
    client,
    privateKey,
    publicKey,
    kid,
    token: (claims = {}, options = {}) =>
      new SignJWT({ email: 'buyer@example.com', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('amazon|buyer-1')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '10m')
        .sign(options.key ?? privateKey),
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
      jwks.closeAllConnections();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
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
