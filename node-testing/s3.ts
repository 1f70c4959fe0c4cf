// The local S3 on a test edge, in a temporary folder, with a role whose policy
// reaches one prefix of the photos bucket, and what its notifications delivered.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { photoBucketCors, photoUploadPrefix } from '../api/photo-bucket';
import type { PolicyDocument } from '../api/policies';
import { ACCOUNT, REGION, startTestEdge } from './edge';
import { startTokenIssuer, type TokenIssuer } from './token-issuer';
import { CredentialStore } from '../local/aws/credentials';
import { serviceCredentials } from '../local/aws/service-credentials';
import { LocalS3, type LocalS3Options } from '../local/aws/s3/index';
import type { S3Event } from '../local/aws/s3/notifications';

export const BUCKET = 'secure-pets-photos';
export const APP_ORIGIN = 'http://localhost:4200';
export const UPLOADER_ROLE = `arn:aws:iam::${ACCOUNT}:role/test-uploader`;

/** What a function of the uploader's kind may do: the upload prefix, nothing else. */
export const uploaderPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: `arn:aws:s3:::${BUCKET}/${photoUploadPrefix}*`,
    },
  ],
};

export interface S3Fixture {
  url: string;
  s3: LocalS3;
  dir: string;
  credentials: CredentialStore;
  events: { functionName: string; event: S3Event }[];
  lines: string[];
  /** A client-s3 client against the edge (path-style), root keys unless given others. */
  client(keys?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client;
  uploader(): { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  close(): Promise<void>;
}

export async function startS3Fixture(options: Partial<LocalS3Options> = {}): Promise<S3Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'pets-s3-'));
  const idp: TokenIssuer = await startTokenIssuer();
  const credentials = new CredentialStore();
  const events: S3Fixture['events'] = [];
  const s3 = new LocalS3({
    root: join(dir, 's3'),
    buckets: [
      {
        name: BUCKET,
        cors: photoBucketCors(APP_ORIGIN),
        notifications: [
          { id: 'process-uploads', prefix: photoUploadPrefix, functionName: 'processPhoto' },
        ],
      },
    ],
    region: REGION,
    account: ACCOUNT,
    credentials,
    policies: new Map([[UPLOADER_ROLE, uploaderPolicy]]),
    notify: async (functionName, event) => {
      events.push({ functionName, event });
    },
    ...options,
  });
  await s3.open();
  const { edge, lines } = await startTestEdge({ idp, credentials, s3 });
  const clients: S3Client[] = [];
  return {
    url: edge.url,
    s3,
    dir,
    credentials,
    events,
    lines,
    client(keys = serviceCredentials) {
      const client = new S3Client({
        region: REGION,
        endpoint: edge.url,
        forcePathStyle: true,
        credentials: keys,
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    uploader() {
      const issued = credentials.issue({
        roleArn: UPLOADER_ROLE,
        subject: 'lambda',
        sessionName: 'uploader',
      });
      return {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      };
    },
    async close() {
      for (const client of clients) client.destroy();
      await edge.close();
      await idp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
