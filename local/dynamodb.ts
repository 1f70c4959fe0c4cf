import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { CredentialStore } from './aws/credentials';
import { browserRolePolicies, tableArn, type RolePolicies } from './aws/role-policies';
import { ServiceAuthorizer } from './aws/service-auth';
import { dynamoProxy } from './dynamodb-proxy';
import { aws, host } from './settings';

// dynalite ships no types; this is the slice of its API we use.
interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

export interface DynamoDBServer {
  /** `http://127.0.0.1:<port>`, for the SDK's `AWS_ENDPOINT_URL_DYNAMODB` or `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
}

export interface DynamoDBOptions {
  /** A directory for dynalite's LevelDB store (data survives a restart); omitted, in memory. */
  path?: string;
  /** The port callers reach; 0 picks a free one. */
  port: number;
  /**
   * Whom it serves besides the service credentials (`test`/`test`): the local STS's
   * temporary credentials, each with its role's policy. Omitted, only `test`/`test`.
   */
  access?: { credentials: CredentialStore; policies: RolePolicies };
  /** One line per refused call. */
  log?: (line: string) => void;
}

/**
 * Starts DynamoDB on loopback: dynalite (a DynamoDB server in Node) on an internal
 * ephemeral port, behind the verifying proxy of dynamodb-proxy.ts on `port`, so that
 * every call is signed and allowed as DynamoDB requires.
 */
export async function startDynamoDB(options: DynamoDBOptions): Promise<DynamoDBServer> {
  // Tables are ACTIVE at once: the 500 ms CREATING state only slows start-up and tests.
  const store = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await listen(store, 0);
  const proxy = dynamoProxy({
    upstreamPort: (store.address() as AddressInfo).port,
    auth: new ServiceAuthorizer({
      service: 'dynamodb',
      region: aws.region,
      account: aws.account,
      credentials: options.access?.credentials,
      policies: options.access?.policies ?? browserRolePolicies(aws),
    }),
    tableArn: (name) => tableArn(aws.region, aws.account, name),
    log: options.log,
  });
  const front = createServer(proxy.listener);
  try {
    await listen(front, options.port);
  } catch (error) {
    await close(store);
    throw error;
  }
  const { port } = front.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: async () => {
      await close(front);
      proxy.close();
      await close(store);
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err?: Error) => (err ? reject(err) : resolve()));
    // SDK clients keep connections alive; without this close() waits for them to idle out.
    server.closeAllConnections();
  });
}
