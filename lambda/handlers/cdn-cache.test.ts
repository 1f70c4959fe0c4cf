import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pet } from '../../api/pet';
import { publicCacheControl } from '../../api/cdn-cache';
import { apiEvent, loadHandlers, startBackend } from '../../node-testing/backend';

// What the Lambdas tell caches (docs/design.md "Public reads through the CDN"): a public
// read that came through the CDN (the viewer-request function of api/cdn.ts sets
// X-Forwarded-Host to the viewer's Host) is cacheable and links under the CDN's host;
// at the invoke URL it says nothing, as before; a signed route's answer is never stored.
const backend = await startBackend();
const handlers = await loadHandlers();
const store: Pet[] = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, type: 'dog', price: 10 }));

before(() => backend.seed(store));
after(() => backend.close());

const viaCdn = { 'X-Forwarded-Host': 'shop.example.com' };
const cdnGet = (query: Record<string, string>, headers: Record<string, string> = viaCdn) =>
  handlers.getPets(apiEvent('GET', '/pets', undefined, { query, headers }));

describe('GET /pets through the CDN', () => {
  it('is cacheable for a few seconds and its Link stays under the CDN host', async () => {
    const res = await cdnGet({ limit: '2' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers?.['Cache-Control'], publicCacheControl);
    assert.match(publicCacheControl, /^public, max-age=([1-9]|10)(,|$)/);
    const link = String(res.headers?.['Link']);
    const next = new URL(/^<([^>]+)>; rel="next"$/.exec(link)![1]!);
    assert.equal(next.origin, 'https://shop.example.com');
    assert.equal(next.pathname, '/test/pets');
    assert.equal(next.searchParams.get('limit'), '2');
  });

  it('keeps a 4xx as briefly (the same URL gets the same refusal)', async () => {
    const res = await cdnGet({ limit: '0' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers?.['Cache-Control'], publicCacheControl);
  });

  it('ignores a forwarded host that is not a host name', async () => {
    const res = await cdnGet({ limit: '2' }, { 'X-Forwarded-Host': 'evil.example>; rel="x"' });
    const link = String(res.headers?.['Link']);
    assert.match(link, /^<https:\/\/[\w.-]+\.execute-api\.[\w.-]+\/test\/pets\?/);
  });

  it('says nothing about caching at the invoke URL, where the app reads after a write', async () => {
    const res = await handlers.getPets(apiEvent('GET', '/pets', undefined, { query: {} }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers?.['Cache-Control'], undefined);
  });
});

describe('signed routes', () => {
  it('answer no-store, whether or not the header is there', async () => {
    const put = await handlers.putPet(
      apiEvent('PUT', '/pets/9', { type: 'owl', price: 3 }, { headers: viaCdn }),
    );
    assert.equal(put.statusCode, 201, put.body);
    assert.equal(put.headers?.['Cache-Control'], 'no-store');
    const del = await handlers.deletePet(apiEvent('DELETE', '/pets/9'));
    assert.equal(del.statusCode, 204);
    assert.equal(del.headers?.['Cache-Control'], 'no-store');
    const refused = await handlers.deletePet(apiEvent('DELETE', '/pets/9'));
    assert.equal(refused.statusCode, 404);
    assert.equal(refused.headers?.['Cache-Control'], 'no-store');
  });
});
