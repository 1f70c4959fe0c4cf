import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { type AppConfig, parseAppConfig } from '../api/app-config';
import { handlerNames, lambdaEnvironment, localObservabilityEnvironment } from '../api/handlers';
import { api } from '../api/http-api';
import { oidcProviderArn } from '../api/policies';
import { roleArn } from '../api/roles';
import { ensureTable, seedIfEmpty } from '../lambda/table';
import { CredentialStore } from './aws/credentials';
import { startAwsEdge } from './aws/index';
import { LocalSecrets } from './aws/secrets';
import { AdjustableClock } from './clock';
import { startDynamoDB } from './dynamodb';
import { startIdp } from './idp/index';
import { loadHandlers } from './lambdas';
import { aws, clientId, host, localAdmins, ports, tableName, urls } from './settings';
import { startSite } from './site';

export interface LocalCloudOptions {
  /** Keys, users and DynamoDB files live here, so data survives a restart. */
  dataDir: string;
  /** The production build to serve. */
  siteRoot: string;
  credentialsMode?: 'web-identity' | 'delegation';
  /** The lifetime the app asks STS for (config.json `credentials.durationSeconds`). */
  credentialSeconds?: number;
  /** Serve the test clock's control endpoint on this port (e2e only). */
  testClockPort?: number;
  log?: (line: string) => void;
}

export interface LocalCloud {
  config: AppConfig;
  close(): Promise<void>;
}

/** The Secrets Manager secret whose value signs paging cursors; in AWS the stack creates it. */
export const cursorSecretName = 'secure-pets/cursor-key';

/**
 * The local secrets, kept in `{dataDir}/secrets.json` (mode 0600) so that they
 * survive a restart: a cursor handed out before a restart must still verify after
 * it. The cursor key is 32 random bytes, base64, made once.
 */
export async function loadSecrets(dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'secrets.json');
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is unreadable (npm run reset starts afresh)`, { cause: error });
    }
  }
  if (typeof stored[cursorSecretName] === 'string' && stored[cursorSecretName] !== '') {
    return stored;
  }
  stored = { ...stored, [cursorSecretName]: randomBytes(32).toString('base64') };
  await writeFile(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return stored;
}

/**
 * Starts every part of the local cloud on loopback, in dependency order: DynamoDB,
 * the Lambdas' configuration, the identity provider, STS + API Gateway, and last the
 * static site whose config.json names them all.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const dynamodb = await startDynamoDB({
      path: join(options.dataDir, 'dynamodb'),
      port: ports.dynamodb,
    });
    closers.push(() => dynamodb.close());

    const secrets = new LocalSecrets(aws.account, aws.region, await loadSecrets(options.dataDir));

    // The Lambdas read the same variables in AWS; here they point at the local parts.
    // They share this process, so it holds every function's variables. Secrets Manager
    // is the edge (started below, on this fixed port), as the SDK's service-specific
    // endpoint variable names it.
    Object.assign(
      process.env,
      {
        AWS_REGION: aws.region,
        AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'local',
        AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://${host}:${ports.aws}`,
      },
      localObservabilityEnvironment,
      ...handlerNames.map((name) =>
        lambdaEnvironment(name, {
          tableName,
          cursorSecretId: cursorSecretName,
          identity: { issuer: urls.issuer, audience: clientId, jwksUrl: urls.jwks },
        }),
      ),
    );
    const client = new DynamoDBClient({});
    // The same schema the stack deploys, indexes included; a store made before the
    // indexes is migrated in place (its pets kept), with progress in the log.
    await ensureTable(client, tableName, (line) => log(`dynamodb ${line}`));
    await seedIfEmpty(client, tableName);
    client.destroy();

    const clock = new AdjustableClock();
    if (options.testClockPort !== undefined) {
      const control = await clock.serve(options.testClockPort);
      closers.push(() => new Promise<void>((resolve) => control.close(() => resolve())));
    }
    const credentials = new CredentialStore({ now: clock.now });
    const idp = await startIdp({
      issuer: urls.issuer,
      port: ports.idp,
      dataDir: join(options.dataDir, 'idp'),
      clientId,
      redirectUris: [`${urls.site}/callback`, `${urls.site}/login`],
      account: aws.account,
      // One list for both tiers that decide roles: delegation here, STS below.
      admins: (seededAdminSub) => localAdmins(seededAdminSub),
      issueAwsCredentials: async (input) => credentials.issue(input),
      now: clock.now,
      log: (line) => log(`idp      ${line}`),
    });
    closers.push(() => idp.close());

    const edge = await startAwsEdge({
      port: ports.aws,
      ...aws,
      credentials,
      secrets,
      handlers: await loadHandlers(),
      now: clock.now,
      identity: {
        issuer: idp.issuer,
        jwksUrl: idp.jwksUrl,
        audience: clientId,
        admins: idp.admins,
      },
      log: (line) => log(`aws      ${line}`),
    });
    closers.push(() => edge.close());

    // Parsed as the app will parse it: a bad setting fails here, not in the browser.
    const config = parseAppConfig({
      auth0: { domain: idp.issuer.replace(/\/$/, ''), clientId },
      api: { invokeUrl: `${urls.aws}/${api.stage}`, region: aws.region },
      credentials: {
        mode: options.credentialsMode ?? 'web-identity',
        stsEndpoint: urls.aws,
        roles: { admin: roleArn('admin', aws.account), buyer: roleArn('buyer', aws.account) },
        ...(options.credentialSeconds ? { durationSeconds: options.credentialSeconds } : {}),
        principal: oidcProviderArn(aws.account, idp.issuer),
      },
    } satisfies AppConfig);
    const site: Server = await startSite({ root: options.siteRoot, port: ports.site, config });
    closers.push(() => new Promise<void>((resolve) => site.close(() => resolve())));
    return { config, close };
  } catch (error) {
    await close();
    throw error;
  }
}
