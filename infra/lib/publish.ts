import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import {
  GetBucketLocationCommand,
  GetBucketWebsiteCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../api/app-config';
import {
  configFromOutputs,
  planUploads,
  requireOutputs,
  websiteDocuments,
  websiteEndpoint,
  type Upload,
} from './publish-plan';

export class PublishError extends Error {
  override readonly name = 'PublishError';
}

export interface PublishOptions {
  stackName: string;
  /** The app's build output (root `npm run build`): dist/secure-pets/browser. */
  buildDir: string;
  cloudFormation: CloudFormationClient;
  s3: S3Client;
  /** The stack's CloudFront distribution is invalidated with it; not needed for a website bucket. */
  cloudFront?: CloudFrontClient;
  /**
   * Publish to this S3 website bucket (made by the deployer: website hosting with index
   * and error document index.html, publicly readable) instead of the stack's private
   * bucket behind CloudFront. No invalidation: nothing caches in front of it.
   */
  websiteBucket?: string;
  /** Parallel uploads. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface PublishResult {
  config: AppConfig;
  uploaded: Upload[];
  bucket: string;
  /** The CloudFront invalidation's id; absent for a website bucket. */
  invalidationId?: string;
  /** Where the app is: the distribution's https URL, or the bucket's http website endpoint. */
  siteUrl: string;
}

/**
 * Writes config.json from the stack's outputs into the build, uploads the build to
 * the site bucket with per-file content type and caching, then invalidates the
 * CloudFront cache so the new pages and config.json are served at once. With
 * `websiteBucket`, the same files and headers go to that S3 website bucket instead,
 * after checking its website configuration, and nothing is invalidated.
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(join(options.buildDir, 'index.html'))) {
    throw new PublishError(`No build at ${options.buildDir}: run npm run build first.`);
  }
  const { websiteBucket, cloudFront } = options;
  if (websiteBucket === undefined && cloudFront === undefined) {
    throw new PublishError('Publishing to the stack’s site needs a CloudFront client.');
  }
  const { Stacks } = await options.cloudFormation.send(
    new DescribeStacksCommand({ StackName: options.stackName }),
  );
  const outputs = Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue]),
  );
  const o = requireOutputs(outputs);
  const config = configFromOutputs(outputs, { throughCdn: websiteBucket === undefined });
  // Checked before anything is written, so a bucket that cannot serve the app is left as it was.
  const site = websiteBucket
    ? { bucket: websiteBucket, url: await websiteUrl(options.s3, websiteBucket) }
    : { bucket: o.siteBucket, url: o.siteUrl };
  await writeFile(join(options.buildDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log(`config.json: ${JSON.stringify(config)}`);

  const uploads = planUploads(options.buildDir);
  const put = async (u: Upload) => {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: site.bucket,
        Key: u.key,
        Body: await readFile(u.path),
        ContentType: u.contentType,
        CacheControl: u.cacheControl,
      }),
    );
    log(`s3://${site.bucket}/${u.key}  ${u.contentType}  ${u.cacheControl}`);
  };
  // The entry files go strictly after the rest (see planUploads), the rest in parallel.
  const firstEntry = uploads.findIndex((u) => u.cacheControl === 'no-cache');
  const [assets, entries] =
    firstEntry < 0 ? [uploads, []] : [uploads.slice(0, firstEntry), uploads.slice(firstEntry)];
  await inParallel(assets, options.concurrency ?? 8, put);
  for (const u of entries) await put(u);

  if (!cloudFront || websiteBucket) {
    return { config, uploaded: uploads, bucket: site.bucket, siteUrl: site.url };
  }
  // One wildcard path counts as one invalidation path for billing, whatever it matches.
  const { Invalidation } = await cloudFront.send(
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
    bucket: site.bucket,
    invalidationId: Invalidation?.Id,
    siteUrl: site.url,
  };
}

/**
 * The website endpoint of a bucket that can serve the app: website hosting on, with
 * index.html as both index document (`/`, and `/login/` as login/index.html) and error
 * document (the app's other routes, which S3 answers 404 with that page).
 */
async function websiteUrl(s3: S3Client, bucket: string): Promise<string> {
  const fix = `aws s3 website s3://${bucket} --index-document ${websiteDocuments.index} --error-document ${websiteDocuments.error}`;
  let website;
  try {
    website = await s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }));
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchWebsiteConfiguration') {
      throw new PublishError(`The bucket ${bucket} has no website hosting: ${fix}`);
    }
    if (err instanceof S3ServiceException && err.name === 'NoSuchBucket') {
      throw new PublishError(`There is no bucket ${bucket}: create it first (infra/README.md).`);
    }
    throw err;
  }
  const index = website.IndexDocument?.Suffix;
  const error = website.ErrorDocument?.Key;
  if (index !== websiteDocuments.index || error !== websiteDocuments.error) {
    throw new PublishError(
      `The bucket ${bucket} serves index document ${index ?? '(none)'} and error document ${error ?? '(none)'}; the app needs ${websiteDocuments.index} for both: ${fix}`,
    );
  }
  const { LocationConstraint } = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
  // S3 reports us-east-1 as no constraint, and the oldest eu-west-1 buckets as "EU".
  const region = !LocationConstraint
    ? 'us-east-1'
    : LocationConstraint === 'EU'
      ? 'eu-west-1'
      : LocationConstraint;
  return websiteEndpoint(bucket, region);
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
