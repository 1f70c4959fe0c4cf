import mime from 'mime';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AppConfig } from '../../api/app-config';
import { parseAppConfig } from '../../api/app-config-parser';
import { outputNames, type OutputKey } from './outputs';

export class MissingOutputError extends Error {
  override readonly name = 'MissingOutputError';
}

/** The stack outputs publish reads, by key; throws when the stack lacks one. */
export function requireOutputs(
  outputs: Readonly<Record<string, string | undefined>>,
): Record<OutputKey, string> {
  const entries = (Object.keys(outputNames) as OutputKey[]).map((key) => {
    const value = outputs[outputNames[key]];
    if (!value) {
      throw new MissingOutputError(
        `The stack has no output ${outputNames[key]}: deploy it first (npm run deploy).`,
      );
    }
    return [key, value] as const;
  });
  return Object.fromEntries(entries) as Record<OutputKey, string>;
}

/** The stack's values that config.json is made of (`apiPublicUrl` when the site is the stack's). */
export type ConfigValues = Pick<
  Record<OutputKey, string>,
  | 'auth0Domain'
  | 'auth0ClientId'
  | 'apiInvokeUrl'
  | 'region'
  | 'adminRoleArn'
  | 'buyerRoleArn'
  | 'photoUploadUrl'
> &
  Partial<Pick<Record<OutputKey, string>, 'apiPublicUrl'>>;

/**
 * config.json for AWS (no stsEndpoint: the regional STS), unchecked: the stack builds
 * its Content-Security-Policy from it while the values are still tokens, publish
 * writes it from the outputs (`configFromOutputs`), so the policy CloudFront sends
 * names exactly the origins of the file the app reads.
 */
export function deployedConfig(v: ConfigValues): AppConfig {
  return {
    auth0: { domain: v.auth0Domain, clientId: v.auth0ClientId },
    api: {
      invokeUrl: v.apiInvokeUrl,
      region: v.region,
      ...(v.apiPublicUrl !== undefined && { publicUrl: v.apiPublicUrl }),
      photoUploadUrl: v.photoUploadUrl,
    },
    credentials: { mode: 'web-identity', roles: { admin: v.adminRoleArn, buyer: v.buyerRoleArn } },
  };
}

/**
 * config.json for AWS from the stack's outputs, checked by the parser the app itself
 * runs, so a publish never ships a file the app would refuse. `publicUrl` only when
 * the app is published to the stack's own site (`throughCdn`): a plain S3 website
 * bucket has no CDN in front of the API, so the app reads everything from invokeUrl.
 */
export function configFromOutputs(
  outputs: Readonly<Record<string, string | undefined>>,
  { throughCdn = true }: { throughCdn?: boolean } = {},
): AppConfig {
  const { apiPublicUrl, ...values } = requireOutputs(outputs);
  return parseAppConfig(deployedConfig(throughCdn ? { ...values, apiPublicUrl } : values));
}

export interface Upload {
  /** The object key: the file's path below the build folder, with forward slashes. */
  key: string;
  path: string;
  contentType: string;
  cacheControl: string;
}

/**
 * Files a new deploy changes in place, which browsers and CloudFront must revalidate:
 * config.json and every page (index.html, the prerendered login/index.html and
 * callback/index.html, index.csr.html).
 */
const isEntry = (key: string): boolean => key.endsWith('.html') || key === 'config.json';
/** Angular's build names bundles `name-HASH.ext`, HASH 8 base32 characters. */
const hashed = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

export const cacheControl = {
  /** A hashed name never gets new content, so it may be cached for a year. */
  hashed: 'public, max-age=31536000, immutable',
  /** Always revalidated (cheap with ETags), so a publish shows at once. */
  entry: 'no-cache',
  /** Unhashed assets (favicon and the like): an hour, then revalidated. */
  other: 'public, max-age=3600',
} as const;

export function contentTypeOf(key: string): string {
  const type = mime.getType(key) ?? 'application/octet-stream';
  const textual = type.startsWith('text/') || type === 'application/json' || type.endsWith('+json');
  return textual ? `${type}; charset=utf-8` : type;
}

/**
 * What to upload from the build folder, in order: everything else first, the pages
 * and config.json last, so a browser never loads a new page whose bundles are not
 * there yet. Files of earlier builds are left in the bucket: an open tab of the
 * old version can still load its lazy chunks.
 */
export function planUploads(root: string): Upload[] {
  const uploads: Upload[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const key = relative(root, path).split(sep).join('/');
        const kind = isEntry(key) ? 'entry' : hashed.test(key) ? 'hashed' : 'other';
        uploads.push({
          key,
          path,
          contentType: contentTypeOf(key),
          cacheControl: cacheControl[kind],
        });
      }
    }
  };
  walk(root);
  const last = (u: Upload) => (isEntry(u.key) ? 1 : 0);
  return uploads.sort((a, b) => last(a) - last(b) || a.key.localeCompare(b.key));
}

/**
 * Regions whose S3 website endpoint is `s3-website-{region}` (a dash); every other
 * region's is `s3-website.{region}` (a dot). From the table of website endpoints in
 * the S3 User Guide ("Website endpoints").
 */
const dashWebsiteRegions = new Set([
  'us-east-1',
  'us-west-1',
  'us-west-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
  'sa-east-1',
  'us-gov-west-1',
]);

/** The http URL of a bucket's S3 website endpoint (website endpoints have no https). */
export function websiteEndpoint(bucket: string, region: string): string {
  const separator = dashWebsiteRegions.has(region) ? '-' : '.';
  return `http://${bucket}.s3-website${separator}${region}.amazonaws.com`;
}

/** What the app needs of a website bucket: `/` is index.html and so are the app's other routes. */
export const websiteDocuments = { index: 'index.html', error: 'index.html' } as const;
