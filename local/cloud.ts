import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AppConfig } from '../api/app-config';
import { parseAppConfig } from '../api/app-config-parser';
import { api } from '../api/http-api';
import { photoBucketCors, photoBucketNotifications } from '../api/photo-bucket';
import { oidcProviderArn } from '../api/policies';
import { roleArn } from '../api/roles';
import { ensureTable } from './ensure-table';
import { seedIfEmpty } from './seed-pets';
import { CredentialStore } from './aws/credentials';
import { startAwsEdge } from './aws/index';
import { LocalS3 } from './aws/s3/index';
import { localRolePolicies } from './aws/role-policies';
import { LocalSecrets } from './aws/secrets';
import { serviceCredentials } from './aws/service-credentials';
import { AdjustableClock } from './clock';
import { startDynamoDB } from './dynamodb';
import { configuredHosts } from './host-check';
import { startIdp } from './idp/index';
import { lambdaValues, notifyFunction, startCloudLambdas } from './cloud-lambdas';
import { loadSecrets } from './secrets-file';
import { aws, buckets, clientId, localAdmins, ports, tableName, urls } from './settings';
import { LocalCdn } from './cdn';
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

/**
 * Starts every part of the local cloud on loopback, in dependency order: DynamoDB,
 * the Lambdas' configuration, the identity provider, S3's buckets, STS + API Gateway
 * + S3 on the edge, and last the static site whose config.json names them all. Each Lambda's first environment
 * starts in the background once the rest is up; more start on demand.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  // Read once, before anything starts: a malformed PETS_ALLOWED_HOSTS stops the start.
  const allowedHosts = configuredHosts();
  const log = options.log ?? (() => undefined);
  await mkdir(options.dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const clock = new AdjustableClock();
    // The local STS's store: the browsers' sessions and the Lambdas' role credentials.
    const credentials = new CredentialStore({ now: clock.now });
    const policies = localRolePolicies(aws, lambdaValues);
    const dynamodb = await startDynamoDB({
      path: join(options.dataDir, 'dynamodb'),
      port: ports.dynamodb,
      access: { credentials, policies },
      log: (line) => log(`dynamodb ${line}`),
      // The crowd bench's meter (local/dynamodb-meter.ts); empty or unset, off.
      meterFile: process.env['PETS_DYNAMODB_METER'] || undefined,
    });
    closers.push(() => dynamodb.close());

    const secrets = new LocalSecrets(aws.account, aws.region, await loadSecrets(options.dataDir));

    // The cloud's own client signs with the local service credentials, never the developer's.
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: aws.region,
      credentials: serviceCredentials,
    });
    // The same schema the stack deploys, indexes included; a store made before the
    // indexes is migrated in place (its pets kept), with progress in the log.
    await ensureTable(client, tableName, (line) => log(`dynamodb ${line}`));
    await seedIfEmpty(client, tableName);
    client.destroy();

    const lambdas = await startCloudLambdas({
      dynamodbEndpoint: dynamodb.endpoint,
      credentials,
      log: (line) => log(`lambda   ${line}`),
    });
    closers.push(() => lambdas.close());

    if (options.testClockPort !== undefined) {
      const control = await clock.serve(options.testClockPort, allowedHosts);
      closers.push(() => new Promise<void>((resolve) => control.close(() => resolve())));
    }
    const idp = await startLocalIdp(options.dataDir, credentials, clock, allowedHosts, log);
    closers.push(() => idp.close());

    // The photos bucket: uploads from the app's page, events to processPhoto, and
    // the photos the site serves at /photos/*.
    const s3 = new LocalS3({
      root: join(options.dataDir, 's3'),
      buckets: [
        {
          name: buckets.photos,
          cors: photoBucketCors(new URL(urls.site).origin),
          notifications: photoBucketNotifications,
        },
      ],
      region: aws.region,
      account: aws.account,
      credentials,
      policies,
      notify: notifyFunction(lambdas),
      log: (line) => log(`s3       ${line}`),
    });
    await s3.open();

    const edge = await startAwsEdge({
      port: ports.aws,
      ...aws,
      credentials,
      secrets,
      policies,
      s3,
      invoke: lambdas.invoke,
      now: clock.now,
      allowedHosts,
      identity: {
        issuer: idp.issuer,
        jwksUrl: idp.jwksUrl,
        audience: clientId,
        admins: idp.admins,
      },
      log: (line) => log(`aws      ${line}`),
    });
    closers.push(() => edge.close());

    const config = appConfig(idp.issuer, options);
    const site: Server = await startSite({
      root: options.siteRoot,
      port: ports.site,
      config,
      allowedHosts,
      photos: { store: s3.store, bucket: buckets.photos },
      cdn: new LocalCdn({ origin: urls.aws, now: clock.now }),
    });
    closers.push(() => new Promise<void>((resolve) => site.close(() => resolve())));
    // After start-up, not part of it: one warm environment per function, as provisioned
    // concurrency would keep, so that the first page does not wait for cold starts.
    void lambdas.warm();
    return { config, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The identity provider for the app's callback and login pages, issuing through the local STS. */
function startLocalIdp(
  dataDir: string,
  credentials: CredentialStore,
  clock: AdjustableClock,
  allowedHosts: readonly string[],
  log: (line: string) => void,
) {
  return startIdp({
    issuer: urls.issuer,
    port: ports.idp,
    dataDir: join(dataDir, 'idp'),
    clientId,
    redirectUris: [`${urls.site}/callback`, `${urls.site}/login`],
    account: aws.account,
    // One list for both tiers that decide roles: delegation here, STS at the edge.
    admins: (seededAdminSub) => localAdmins(seededAdminSub),
    issueAwsCredentials: async (input) => credentials.issue(input),
    now: clock.now,
    allowedHosts,
    log: (line) => log(`idp      ${line}`),
  });
}

/** config.json, parsed as the app will parse it: a bad setting fails here, not in the browser. */
function appConfig(issuer: string, options: LocalCloudOptions): AppConfig {
  return parseAppConfig({
    auth0: { domain: issuer.replace(/\/$/, ''), clientId },
    api: {
      invokeUrl: `${urls.aws}/${api.stage}`,
      region: aws.region,
      // The site plays the CDN for the public reads (local/cdn.ts), below the same stage.
      publicUrl: `${urls.site}/${api.stage}`,
      // The upload form's url names the edge as the Lambdas reach S3.
      photoUploadUrl: urls.s3,
    },
    credentials: {
      mode: options.credentialsMode ?? 'web-identity',
      stsEndpoint: urls.aws,
      roles: { admin: roleArn('admin', aws.account), buyer: roleArn('buyer', aws.account) },
      ...(options.credentialSeconds ? { durationSeconds: options.credentialSeconds } : {}),
      principal: oidcProviderArn(aws.account, issuer),
    },
  } satisfies AppConfig);
}
