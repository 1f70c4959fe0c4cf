import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../api/app-config';
import { configFromOutputs, planUploads, requireOutputs, type Upload } from './publish-plan';

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

export interface PublishOptions {
  stackName: string;
  /** The app's build output (root `npm run build`): dist/secure-pets/browser. */
  buildDir: string;
  cloudFormation: CloudFormationClient;
  s3: S3Client;
  cloudFront: CloudFrontClient;
  /** Parallel uploads. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface PublishResult {
  config: AppConfig;
  uploaded: Upload[];
  bucket: string;
  invalidationId?: string;
  siteUrl: string;
}

/**
 * Writes config.json from the stack's outputs into the build, uploads the build to
 * the site bucket with per-file content type and caching, then invalidates the
 * CloudFront cache so the new pages and config.json are served at once.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(join(options.buildDir, 'index.html'))) {
    throw new PublishError(`No build at ${options.buildDir}: run npm run build first.`);
  }
  const { Stacks } = await options.cloudFormation.send(
    new DescribeStacksCommand({ StackName: options.stackName }),
  );
  const outputs = Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue]),
  );
  const o = requireOutputs(outputs);
  const config = configFromOutputs(outputs);
  await writeFile(join(options.buildDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log(`config.json: ${JSON.stringify(config)}`);

  const uploads = planUploads(options.buildDir);
  const put = async (u: Upload) => {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: o.siteBucket,
        Key: u.key,
        Body: await readFile(u.path),
        ContentType: u.contentType,
        CacheControl: u.cacheControl,
      }),
    );
    log(`s3://${o.siteBucket}/${u.key}  ${u.contentType}  ${u.cacheControl}`);
  };
  // The entry files go strictly after the rest (see planUploads), the rest in parallel.
  const firstEntry = uploads.findIndex((u) => u.cacheControl === 'no-cache');
  const [assets, entries] =
    firstEntry < 0 ? [uploads, []] : [uploads.slice(0, firstEntry), uploads.slice(firstEntry)];
  await inParallel(assets, options.concurrency ?? 8, put);
  for (const u of entries) await put(u);

  // One wildcard path counts as one invalidation path for billing, whatever it matches.
  const { Invalidation } = await options.cloudFront.send(
    new CreateInvalidationCommand({
      DistributionId: o.distributionId,
      InvalidationBatch: {
        CallerReference: `publish-${Date.now()}`,
        Paths: { Quantity: 1, Items: ['/*'] },
      },
    }),
  );
  log(`CloudFront invalidation ${Invalidation?.Id ?? '?'} on ${o.distributionId}`);
  return {
    config,
    uploaded: uploads,
    bucket: o.siteBucket,
    invalidationId: Invalidation?.Id,
    siteUrl: o.siteUrl,
  };
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
