import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { AppConfig } from '../api/app-config';
import { contentSecurityPolicy, pageHeaders } from '../api/csp';
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

/** A bundle big enough to be worth compressing. */
const bundle = `console.log(${JSON.stringify('pets '.repeat(2000))});`;

/** A GET with exactly these request headers (fetch would add and decode Accept-Encoding). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('static site', () => {
  let base: string;
  let close: () => void;

  before(async () => {
    const root = await mkdtemp(join(tmpdir(), 'site-'));
    await mkdir(join(root, 'login'));
    await writeFile(join(root, 'index.html'), '<app-root>neutral frame</app-root>');
    await writeFile(join(root, 'login', 'index.html'), '<app-root>prerendered login</app-root>');
    await mkdir(join(root, 'pets', 'frame'), { recursive: true });
    await writeFile(join(root, 'pets', 'frame', 'index.html'), '<app-root>pet frame</app-root>');
    await writeFile(join(root, 'main-ABC12345.js'), bundle);
    const server = await startSite({ root, port: 0, config });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  it('serves index.html for a deep link so the router can take it', async () => {
    const res = await fetch(`${base}/home/pets`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /neutral frame/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  it('serves a prerendered page for its route', async () => {
    for (const path of ['/login', '/login/']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(await res.text(), '<app-root>prerendered login</app-root>');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
    }
    assert.match(await (await fetch(`${base}/`)).text(), /neutral frame/);
  });

  it('serves the pet page frame for every pet page, as the CloudFront Function does', async () => {
    for (const path of ['/pets/42', '/pets/42/', '/pets/abc', '/pets/42?from=list']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(await res.text(), '<app-root>pet frame</app-root>', path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.ok(res.headers.get('content-security-policy'), path);
    }
    assert.match(await (await fetch(`${base}/pets/42/more`)).text(), /neutral frame/);
  });

  it("sends api/csp.ts's policy for the config.json it serves, and the other page headers", async () => {
    for (const path of ['/', '/login', '/sales', '/main-ABC12345.js', '/config.json']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.headers.get('content-security-policy'), contentSecurityPolicy(config), path);
      for (const [name, value] of Object.entries(pageHeaders(config))) {
        assert.equal(res.headers.get(name), value, `${path} ${name}`);
      }
    }
    assert.equal(
      contentSecurityPolicy(config)
        .split('; ')
        .find((d) => d.startsWith('connect-src')),
      "connect-src 'self' http://localhost:4400 http://localhost:4566",
    );
  });

  it('compresses text with Brotli or gzip, as the browser accepts', async () => {
    const br = await get(`${base}/main-ABC12345.js`, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['vary']), /Accept-Encoding/i);
    assert.ok(br.body.length < bundle.length / 10, `${br.body.length} bytes`);
    assert.equal(brotliDecompressSync(br.body).toString(), bundle);

    const gzip = await get(`${base}/main-ABC12345.js`, { 'Accept-Encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.body).toString(), bundle);

    const plain = await get(`${base}/main-ABC12345.js`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), bundle);
    assert.match(String(plain.headers['cache-control']), /immutable/);
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
