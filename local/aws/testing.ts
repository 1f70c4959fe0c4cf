// Test fixtures shared by this folder's tests and bench: a stand-in OIDC provider
// (a real JWKS endpoint on an ephemeral port, RS256 keys from jose), the edge
// started against it with tiny handlers, and credentials as STS issues them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { HandlerName } from '../../api/definition';
import { CredentialStore } from './credentials';
import type { Handler } from './gateway';
import { startAwsEdge } from './index';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const API_ID = 'localpets1';
export const CLIENT_ID = 'pets-spa';

export interface TestIdp {
  issuer: string;
  jwksUrl: string;
  /** An RS256 ID token; `exp` defaults to an hour after `iat`. */
  token(
    claims: JWTPayload,
    options?: {
      issuer?: string;
      audience?: string;
      iat?: number;
      exp?: number;
      foreignKey?: boolean;
    },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIdp(): Promise<TestIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/`;
  return {
    issuer,
    jwksUrl: `${issuer}.well-known/jwks.json`,
    async token(claims, options = {}) {
      const iat = options.iat ?? Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? CLIENT_ID)
        .setIssuedAt(iat)
        .setExpirationTime(options.exp ?? iat + 3600)
        .sign(options.foreignKey ? other.privateKey : privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type Calls = { handler: HandlerName; event: APIGatewayProxyEvent }[];

/** Handlers that record their events and echo who called. */
export function recordingHandlers(calls: Calls) {
  const make =
    (handler: HandlerName) =>
    async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      calls.push({ handler, event });
      return {
        statusCode: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ handler, user: event.requestContext.identity.userArn }),
      };
    };
  return {
    getPets: make('getPets'),
    updatePets: make('updatePets'),
    purchasePet: make('purchasePet'),
  };
}

export async function startTestEdge(options: {
  idp: TestIdp;
  now?: () => number;
  credentials?: CredentialStore;
  handlers?: Partial<Record<HandlerName, Handler>>;
}) {
  const calls: Calls = [];
  const credentials = options.credentials ?? new CredentialStore({ now: options.now });
  const lines: string[] = [];
  const edge = await startAwsEdge({
    port: 0,
    region: REGION,
    account: ACCOUNT,
    apiId: API_ID,
    credentials,
    handlers: { ...recordingHandlers(calls), ...options.handlers },
    identity: { issuer: options.idp.issuer, jwksUrl: options.idp.jwksUrl, audience: CLIENT_ID },
    now: options.now,
    log: (line) => lines.push(line),
  });
  return { edge, calls, credentials, lines };
}
