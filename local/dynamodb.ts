import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { host } from './settings';

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

/**
 * Starts DynamoDB (dynalite, a DynamoDB server in Node) on loopback.
 * `path` is a directory for its LevelDB store (data survives a restart); omitted,
 * the data lives in memory. `port` 0 picks a free port.
 */
export async function startDynamoDB(options: {
  path?: string;
  port: number;
}): Promise<DynamoDBServer> {
  // Tables are ACTIVE at once: the 500 ms CREATING state only slows start-up and tests.
  const server = dynalite({
    path: options.path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err?: Error) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
}
