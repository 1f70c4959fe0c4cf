// The Lambdas' backend for tests and benches: a real DynamoDB (dynalite), a real
// JWKS endpoint and a Secrets Manager stand-in on loopback, and the handlers
// configured against them through the same environment variables a deployment sets
// (api/handlers.ts's lambdaEnvironment).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { CryptoKey, JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  handlerNames,
  lambdaEnv,
  lambdaEnvironment,
  type HandlerName,
  type LambdaHandler,
} from '../api/handlers';
import { api, matchRoute, type Method } from '../api/http-api';
import type { Pet } from '../api/pet';
import { petItem } from '../api/pet-table';
import { ensureTable } from '../local/ensure-table';
import { browserRolePolicies } from '../local/aws/role-policies';
import { LocalSecrets, SECRETS_TARGET_PREFIX } from '../local/aws/secrets';
import { serveSecretsCall } from '../local/aws/secrets-endpoint';
import { ServiceAuthorizer } from '../local/aws/service-auth';
import { serviceCredentials } from '../local/aws/service-credentials';
import { aws } from '../local/settings';
import { startDynamoDB } from '../local/dynamodb';
export { seedIfEmpty, seedPets } from '../local/seed-pets';
export { loadHandlers } from './lambdas';
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
  /**
   * A buyer's ID token (`amazon|buyer-1`, buyer@example.com, `email_verified: true`
   * unless `claims` say otherwise).
   */
  token(
    claims?: JWTPayload,
    options?: {
      expiresIn?: string | number;
      /** `iat`, seconds since the epoch; default now. */
      issuedAt?: number;
      key?: CryptoKey;
      kid?: string;
      /** Another `aud` than the handlers' TOKEN_AUDIENCE. */
      audience?: string;
      /** Another `iss` than the handlers' TOKEN_ISSUER. */
      issuer?: string;
    },
  ): Promise<string>;
  /** Writes pets straight into the table (default: the handlers' table), as the Lambdas store them. */
  seed(pets: readonly Pet[], table?: string): Promise<void>;
  /** The Secrets Manager stand-in the handlers read the cursor key from. */
  secrets: {
    /** CURSOR_SECRET_ID's secret. */
    cursorSecretId: string;
    /** The key it holds now. */
    cursorKey: Uint8Array;
    /** How many GetSecretValue calls reached it, found or not. */
    calls(): number;
    /** Stores (or replaces) a secret. */
    set(name: string, value: string): void;
  };
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Use a DynamoDB already running there instead of starting one in-process. */
  dynamoEndpoint?: string;
  /**
   * Variables to set (or, when undefined, unset) on top of the manifest's. The handlers
   * read their environment once, as in a Lambda container, so a test that needs
   * another one starts its backend with it and loads the handlers afterwards (in a
   * file of its own: node:test runs each file in a process of its own).
   */
  env?: Record<string, string | undefined>;
}

/**
 * Starts the backend and sets the handlers' environment; load the handlers
 * (loadHandlers, or a dynamic import) after it.
 */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const dynamo = options.dynamoEndpoint
    ? { endpoint: options.dynamoEndpoint, close: async () => undefined }
    : await startDynamoDB({ port: 0 });
  const tokens = await startTokenIssuer({ issuer });
  const secrets = await startSecrets();
  const tableName = `Pets-${process.pid}`;

  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_REGION: aws.region,
    // The local service credentials: the handlers here stand for every function at once.
    AWS_ACCESS_KEY_ID: serviceCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: serviceCredentials.secretAccessKey,
  });
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  // Every handler runs in this one process: the union of their environments.
  for (const name of handlerNames) {
    Object.assign(
      process.env,
      lambdaEnvironment(name, {
        tableName,
        cursorSecretId: secrets.cursorSecretId,
        identity: { issuer, audience, jwksUrl: tokens.jwksUrl },
      }),
    );
  }
  delete process.env[lambdaEnv.legacySecretId];
  delete process.env[lambdaEnv.legacySecretJsonField];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }

  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: aws.region,
    credentials: serviceCredentials,
  });
  await ensureTable(client, tableName, () => undefined);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });

  return {
    tableName,
    client,
    privateKey: tokens.privateKey,
    publicKey: tokens.publicKey,
    kid: tokens.kid,
    token: (claims = {}, opts = {}) =>
      tokens.token(
        { email: 'buyer@example.com', email_verified: true, sub: 'amazon|buyer-1', ...claims },
        {
          iat: opts.issuedAt,
          exp: opts.expiresIn ?? '10m',
          key: opts.key,
          kid: opts.kid,
          audience: opts.audience,
          issuer: opts.issuer,
        },
      ),
    async seed(pets, table = tableName) {
      const batches: Pet[][] = [];
      for (let i = 0; i < pets.length; i += 25) batches.push(pets.slice(i, i + 25));
      // A few batches in flight; dynalite answers each in a few milliseconds.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let batch = batches.shift(); batch; batch = batches.shift()) {
            let items = batch.map((p) => ({ PutRequest: { Item: { ...petItem(p) } } }));
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
    secrets: {
      cursorSecretId: secrets.cursorSecretId,
      cursorKey: secrets.cursorKey,
      calls: () => secrets.calls,
      set: (name, value) => secrets.store.set(name, value),
    },
    async close() {
      client.destroy();
      await tokens.close();
      await secrets.close();
      await dynamo.close();
    },
  };
}

/**
 * Secrets Manager on loopback: local/aws/secrets.ts's GetSecretValue behind an HTTP
 * server, signature checked as on the edge, so the handlers' Powertools getSecret
 * goes through the real SDK client, endpoint override and JSON 1.1 protocol, as it
 * does in AWS. Holds a fresh random cursor key per run.
 */
async function startSecrets() {
  const cursorSecretId = 'pets/cursor-key';
  const key = randomBytes(32).toString('base64url');
  const store = new LocalSecrets(aws.account, aws.region, { [cursorSecretId]: key });
  const auth = new ServiceAuthorizer({
    service: 'secretsmanager',
    ...aws,
    policies: browserRolePolicies(aws),
  });
  const state = { calls: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith(SECRETS_TARGET_PREFIX)) state.calls++;
      const request = {
        method: req.method ?? 'POST',
        path: req.url ?? '/',
        query: '',
        headers: req.headersDistinct,
        body: Buffer.concat(chunks),
      };
      serveSecretsCall(auth, store, target, request).then(
        (answer) => {
          res.writeHead(answer.statusCode, { 'Content-Type': 'application/x-amz-json-1.1' });
          res.end(answer.body);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cursorSecretId,
    cursorKey: new Uint8Array(Buffer.from(key, 'utf8')),
    store,
    get calls() {
      return state.calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The domain API Gateway gives test events (execute-api's own, so paths carry the stage). */
export const apiDomain = 'abcdef1234.execute-api.us-east-1.amazonaws.com';

export interface EventOptions {
  /** Query string parameters; a list for a repeated one. */
  query?: Record<string, string | string[]>;
  /** Request headers, added to Content-Type and the gateway's own. */
  headers?: Record<string, string>;
  /** The resource path's parameters (`{ id: '7' }` for /pets/{id}). */
  pathParameters?: Record<string, string>;
}

/**
 * An API Gateway REST (payload v1) proxy event, as the gateway hands it to a Lambda
 * on execute-api's own domain, stage `test`. `path` is the request path below the
 * stage; `resource` and `pathParameters` are the route's (api/http-api.ts matchRoute).
 */
export function apiEvent(
  method: Method,
  path: string,
  body?: unknown,
  options: EventOptions = {},
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Host: apiDomain,
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-Port': '443',
    ...options.headers,
  };
  const route = matchRoute(method, path);
  const query = Object.entries(options.query ?? {}).map(
    ([k, v]) => [k, Array.isArray(v) ? v : [v]] as const,
  );
  return {
    httpMethod: method,
    path,
    resource: route?.route.path ?? path,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    // Like API Gateway: the last value of a repeated parameter, and all of them.
    queryStringParameters: query.length
      ? Object.fromEntries(query.map(([k, v]) => [k, v.at(-1)!]))
      : null,
    multiValueQueryStringParameters: query.length
      ? Object.fromEntries(query.map(([k, v]) => [k, [...v]]))
      : null,
    pathParameters: options.pathParameters ?? route?.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      requestId: `test-${Math.random().toString(36).slice(2)}`,
      domainName: apiDomain,
      stage: api.stage,
      path: `/${api.stage}${path}`,
      httpMethod: method,
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

/** The handlers, each also noting its name in `ran` when it runs (to tell whether the gateway let a call through). */
export function recordingRuns(
  handlers: Record<HandlerName, LambdaHandler>,
  ran: HandlerName[],
): Record<HandlerName, LambdaHandler> {
  return Object.fromEntries(
    handlerNames.map((name) => [
      name,
      ((event, context) => {
        ran.push(name);
        return handlers[name](event, context);
      }) satisfies LambdaHandler,
    ]),
  ) as Record<HandlerName, LambdaHandler>;
}
