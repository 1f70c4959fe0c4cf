// The site's /photos/* from the photos bucket, as the CloudFront behavior serves it.
// The headers are the contract's (docs/design.md, "Pet photos"):
// `Cache-Control: public, max-age=31536000, immutable` and `X-Content-Type-Options:
// nosniff`; CloudFront passes the object's Content-Type and ETag through and answers
// a matching If-None-Match with 304:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorS3Origin.html
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { AppConfig } from '../api/app-config';
import { ObjectStore } from './aws/s3/object-store';
import { startSite } from './site';

const config: AppConfig = {
  auth0: { domain: 'http://localhost:4400', clientId: 'pets-spa' },
  api: { invokeUrl: 'http://localhost:4566/test', region: 'us-east-1' },
  credentials: {
    mode: 'web-identity',
    stsEndpoint: 'http://localhost:4566',
    roles: {
      admin: 'arn:aws:iam::000000000000:role/pets-admin',
      buyer: 'arn:aws:iam::000000000000:role/pets-buyer',
    },
  },
};

describe('the site’s /photos/* from the photos bucket', () => {
  let dir: string;
  let site: Server;
  let base: string;
  const webp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.alloc(100, 3)]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'site-photos-'));
    await writeFile(join(dir, 'index.html'), '<app-root></app-root>');
    const store = new ObjectStore(join(dir, 's3'), ['photos-bucket']);
    await store.open();
    const staged = await store.stage(Readable.from([webp]), Infinity, () => new Error());
    await store.commit('photos-bucket', 'photos/7/abc123-320.webp', staged, {
      contentType: 'image/webp',
    });
    site = await startSite({
      root: dir,
      port: 0,
      config,
      photos: { store, bucket: 'photos-bucket' },
    });
    base = `http://localhost:${(site.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => site.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a photo with its type and the deployed immutable headers', async () => {
    const res = await fetch(`${base}/photos/7/abc123-320.webp`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-length'), String(webp.length));
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), webp);
    const etag = res.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
    const again = await fetch(`${base}/photos/7/abc123-320.webp`, {
      headers: { 'If-None-Match': etag! },
    });
    assert.equal(again.status, 304);
    const head = await fetch(`${base}/photos/7/abc123-320.webp`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'image/webp');
  });

  it('answers 404 for an absent photo, not the app’s index.html', async () => {
    const res = await fetch(`${base}/photos/7/none.webp`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(await res.text(), /app-root/);
    assert.equal((await fetch(`${base}/photos/%E0%A4%A`)).status, 404);
  });

  it('keeps serving the app elsewhere', async () => {
    const res = await fetch(`${base}/pets/7`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /app-root/);
  });
});
