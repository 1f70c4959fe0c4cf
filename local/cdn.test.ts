import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AppConfig } from '../api/app-config';
import { publicCacheControl } from '../api/cdn-cache';
import { LocalCdn, xCache } from './cdn';
import { startSite } from './site';

// The site on :4200 playing the distribution's behaviors for the public reads, against
// a stand-in origin that counts what reaches it. The rules copied, with CloudFront's docs:
// - X-Cache values are the standard log's x-edge-result-type ("Hit", "Miss", "Error",
//   "FunctionGeneratedResponse") + " from cloudfront", and Age counts the seconds in
//   cache on a hit:
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html
//   https://www.repost.aws/knowledge-center/cloudfront-custom-object-caching
// - max-age and stale-while-revalidate from the origin decide how long an answer is kept
//   and served stale while CloudFront refreshes it:
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html
// - only the query strings of the cache policy's allow-list are in the cache key and in
//   the origin request; other query strings, headers and cookies are neither:
//   https://docs---aws.amazon.com.rproxy.goskope.com/AmazonCloudFront/latest/DeveloperGuide/controlling-origin-requests.md
// - CloudFront removes a viewer's Authorization header on GET unless the cache policy
//   keys on it, and an origin request policy may not forward it, so a signed request
//   would be answered from the anonymous cache; the viewer-request function refuses it:
//   http://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html
//   https://www.repost.aws/knowledge-center/cloudfront-authorization-header
// - simultaneous requests for one object are collapsed into one origin request:
//   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html#request-custom-traffic-spikes
// - API Gateway without a custom domain must get its own Host, never the viewer's:
//   https://aws.amazon.com/premiumsupport/knowledge-center/configure-cloudfront-to-forward-headers

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

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

let origin: Server;
let site: Server;
let base: string;
let clock = 1_000_000;
let seen: Seen[] = [];
/** What the stand-in origin answers: its Cache-Control and status, per test. */
let answer: { cacheControl?: string; status: number; delayMs?: number } = { status: 200 };

before(async () => {
  origin = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const reply = () => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (answer.cacheControl) headers['Cache-Control'] = answer.cacheControl;
      res.writeHead(answer.status, headers);
      res.end(JSON.stringify({ n: seen.length, url: req.url }));
    };
    if (answer.delayMs) setTimeout(reply, answer.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const root = await mkdtemp(join(tmpdir(), 'cdn-site-'));
  await writeFile(join(root, 'index.html'), '<app-root></app-root>');
  site = await startSite({
    root,
    port: 0,
    config,
    cdn: new LocalCdn({ origin: originUrl, now: () => clock }),
  });
  base = `http://localhost:${(site.address() as AddressInfo).port}`;
});
after(() => {
  site.close();
  origin.close();
});
beforeEach(() => {
  seen = [];
  answer = { status: 200, cacheControl: publicCacheControl };
});

/** A path of its own per test, so that no test sees another's cache. */
let unique = 0;
const fresh = () => `/test/pets/${++unique}`;
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers });
const json = async (res: Response) => (await res.json()) as { n: number; url: string };

describe('the local CDN', () => {
  it('answers a repeat from its cache within max-age: Miss, then Hit with Age', async () => {
    const path = fresh();
    const first = await get(path);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-cache'), xCache.miss);
    assert.equal(first.headers.get('age'), null);
    assert.equal(first.headers.get('cache-control'), publicCacheControl);
    const body = await json(first);
    clock += 3_000;
    const second = await get(path);
    assert.equal(second.headers.get('x-cache'), 'Hit from cloudfront');
    assert.equal(second.headers.get('age'), '3');
    assert.deepEqual(await json(second), body);
    assert.equal(seen.length, 1);
  });

  it('keys on the allow-listed query strings only, and sends only those to the origin', async () => {
    const path = fresh();
    const a = await get(`${path}?limit=2&utm_source=x&Limit=9&sort=-id`);
    const b = await get(`${path}?limit=2&utm_source=y&cachebust=${Date.now()}&sort=-id`);
    assert.equal(a.headers.get('x-cache'), xCache.miss);
    assert.equal(b.headers.get('x-cache'), xCache.hit);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, `${path}?limit=2&sort=-id`);
    const other = await get(`${path}?limit=3&sort=-id`);
    assert.equal(other.headers.get('x-cache'), xCache.miss, 'another page is another key');
    assert.equal(seen.length, 2);
  });

  it('sends the origin its own Host, the viewer’s as X-Forwarded-Host, and no cookie', async () => {
    await get(fresh(), { Cookie: 'session=1', 'X-Forwarded-Host': 'evil.example' });
    const { headers } = seen[0]!;
    assert.equal(
      headers.host,
      new URL(`http://127.0.0.1:${(origin.address() as AddressInfo).port}`).host,
    );
    assert.equal(headers['x-forwarded-host'], new URL(base).host);
    assert.equal(headers.cookie, undefined);
  });

  it('serves a stale answer at once within stale-while-revalidate and refreshes it once', async () => {
    answer = { status: 200, cacheControl: 'public, max-age=5, stale-while-revalidate=30' };
    const path = fresh();
    const first = await json(await get(path));
    clock += 6_000; // past max-age=5, within stale-while-revalidate=30
    const stale = await get(path);
    assert.equal(stale.headers.get('x-cache'), xCache.hit);
    assert.equal(stale.headers.get('age'), '6');
    assert.deepEqual(await json(stale), first);
    await waitFor(() => seen.length === 2);
    const refreshed = await get(path);
    assert.equal(refreshed.headers.get('x-cache'), xCache.hit);
    assert.equal(refreshed.headers.get('age'), '0');
    assert.notDeepEqual(await json(refreshed), first);
    clock += 36_000; // past max-age + stale-while-revalidate: the viewer waits for the origin
    const expired = await get(path);
    assert.equal(expired.headers.get('x-cache'), xCache.miss);
    assert.equal(seen.length, 3);
  });

  it('keeps nothing the origin does not let it keep, nor a 5xx', async () => {
    for (const cacheControl of [undefined, 'no-store', 'no-cache', 'private, max-age=5']) {
      answer = { status: 200, ...(cacheControl && { cacheControl }) };
      const path = fresh();
      await get(path);
      const again = await get(path);
      assert.equal(again.headers.get('x-cache'), xCache.miss, String(cacheControl));
    }
    answer = { status: 503, cacheControl: publicCacheControl };
    const path = fresh();
    await get(path);
    assert.equal((await get(path)).headers.get('x-cache'), xCache.miss);
  });

  it('caps a long max-age at the policy’s maximum TTL (10 s)', async () => {
    answer = { status: 200, cacheControl: 'public, max-age=3600' };
    const path = fresh();
    await get(path);
    clock += 11_000;
    assert.equal((await get(path)).headers.get('x-cache'), xCache.miss);
  });

  it('collapses simultaneous misses for one URL into one origin request', async () => {
    answer = { status: 200, cacheControl: publicCacheControl, delayMs: 100 };
    const path = fresh();
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(path)));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    assert.equal(seen.length, 1);
  });
});

describe('requests the CDN refuses', () => {
  it('a signed request: 400, never cached and never answered from the cache', async () => {
    const path = fresh();
    await get(path); // cached now
    const signed = [
      get(path, {
        Authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/execute-api/aws4_request',
      }),
      get(`${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc`),
      get(`${path}?x-amz-credential=AKID`),
    ];
    for (const res of await Promise.all(signed)) {
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-cache'), xCache.functionGenerated);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(((await res.json()) as { message: string }).message, /invokeUrl/);
    }
    assert.equal(seen.length, 1, 'no signed request reached the origin');
  });

  it('the paths of other routes under the patterns: 404, and the origin never sees them', async () => {
    for (const path of [
      '/test/pets/sales',
      '/test/pets/purchase',
      '/test/pets/mine',
      '/test/pets/1/photo',
    ]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('x-cache'), xCache.functionGenerated);
    }
    assert.equal(seen.length, 0);
  });

  it('HEAD: 405, since API Gateway has no HEAD method for the public reads', async () => {
    // Through CloudFront a HEAD reaches API Gateway as HEAD and gets its 403
    // (https://github.com/propublica/congress-api-docs/issues/129), which the
    // distribution's error responses would turn into index.html; the function refuses it.
    const res = await fetch(`${base}${fresh()}`, { method: 'HEAD' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET');
    assert.equal(res.headers.get('x-cache'), xCache.functionGenerated);
    assert.equal(seen.length, 0);
  });

  it('a method other than GET or HEAD: CloudFront’s 403', async () => {
    const res = await fetch(`${base}${fresh()}`, { method: 'DELETE' });
    assert.equal(res.status, 403);
    assert.equal(seen.length, 0);
  });

  it('an origin that does not answer: 502, and the site keeps serving', async () => {
    const cdn = new LocalCdn({ origin: 'http://127.0.0.1:1' });
    const root = await mkdtemp(join(tmpdir(), 'cdn-down-'));
    await writeFile(join(root, 'index.html'), '<app-root></app-root>');
    const down = await startSite({ root, port: 0, config, cdn });
    try {
      const url = `http://localhost:${(down.address() as AddressInfo).port}`;
      const res = await fetch(`${url}/test/pets`);
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('x-cache'), xCache.error);
      assert.equal((await fetch(`${url}/`)).status, 200);
    } finally {
      down.close();
    }
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'timed out');
}
