import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialStore } from './aws/credentials';
import { browserRolePolicies, tableArn, type RolePolicies } from './aws/role-policies';
import { ServiceAuthorizer } from './aws/service-auth';
import { dynamoProxy, type DynamoHandler } from './dynamodb-proxy';
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
  /** Where to append every call's consumed capacity (dynamodb-meter.ts); off when absent. */
  meterFile?: string;
}

/**
 * Starts DynamoDB on loopback: the verifying proxy of dynamodb-proxy.ts on `port`,
 * which hands each allowed call to dynalite (a DynamoDB server in Node) in this
 * process, so that every call is signed and allowed as DynamoDB requires.
 *
 * dynalite itself listens on no TCP port, which a web page could find by scanning:
 * only on a Unix socket in a private (0700) temporary directory, which nothing uses
 * and which exists because dynalite closes its LevelDB store only when its server
 * closes.
 */
export async function startDynamoDB(options: DynamoDBOptions): Promise<DynamoDBServer> {
  // Tables are ACTIVE at once: the 500 ms CREATING state only slows start-up and tests.
  const store = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const socketDir = await mkdtemp(join(tmpdir(), 'pets-dynalite-'));
  await listen(store, join(socketDir, 'socket'));
  const proxy = dynamoProxy({
    dynalite: store.listeners('request')[0] as DynamoHandler,
    auth: new ServiceAuthorizer({
      service: 'dynamodb',
      region: aws.region,
      account: aws.account,
      credentials: options.access?.credentials,
      policies: options.access?.policies ?? browserRolePolicies(aws),
    }),
    tableArn: (name) => tableArn(aws.region, aws.account, name),
    log: options.log,
    meterFile: options.meterFile,
  });
  const closeStore = async () => {
    await close(store);
    await rm(socketDir, { recursive: true, force: true });
  };
  const front = createServer(proxy);
  try {
    await listen(front, options.port);
  } catch (error) {
    await closeStore();
    throw error;
  }
  const { port } = front.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: async () => {
      await close(front);
      await closeStore();
    },
  };
}

/** On `port` of the loopback host, or on a Unix socket at a path. */
function listen(server: Server, where: number | string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof where === 'string') server.listen(where, ready);
    else server.listen(where, host, ready);
  });
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err?: Error) => (err ? reject(err) : resolve()));
    // SDK clients keep connections alive; without this close() waits for them to idle out.
    server.closeAllConnections();
  });
}
