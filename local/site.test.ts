import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppConfig } from '../api/app-config';
import { startSite } from './site';

const config: AppConfig = {
  auth0: { domain: 'http://localhost:4400', clientId: 'pets-spa' },
  api: { invokeUrl: 'http://localhost:4566/test', region: 'us-east-1' },
  credentials: {
    mode: 'web-identity',
    roles: {
      admin: 'arn:aws:iam::000000000000:role/pets-admin',
      buyer: 'arn:aws:iam::000000000000:role/pets-buyer',
    },
  },
};

describe('static site', () => {
  let base: string;
  let close: () => void;

  before(async () => {
    const root = await mkdtemp(join(tmpdir(), 'site-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<app-root></app-root>');
    await writeFile(join(root, 'main-ABC12345.js'), 'console.log(1)');
    const server = await startSite({ root, port: 0, config });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  it('serves index.html for a deep link so the router can take it', async () => {
    const res = await fetch(`${base}/home/pets`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /app-root/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  it('serves hashed files with long immutable caching and their content type', async () => {
    const res = await fetch(`${base}/main-ABC12345.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
  });

  it('serves the runtime configuration as uncached JSON', async () => {
    const res = await fetch(`${base}/config.json`);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.deepEqual(await res.json(), config);
  });
});
