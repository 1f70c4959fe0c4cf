import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  handlerNames,
  handlers as manifest,
  lambdaEnv,
  type HandlerName,
  type LambdaHandler,
} from '../../api/handlers';
import { encodeCursor } from '../../lambda/http/cursor';
import { phoneJpeg } from '../../lambda/photos/test-images';
import { apiEvent, startBackend, type Backend } from '../../node-testing/backend';
import { startS3Double, type S3Double } from '../../node-testing/s3-double';
import { resourcesOf, synthesize, type Synthesized } from './synth';

/**
 * The least-privilege lists checked against the code that will really run: the
 * bundles esbuild wrote into the cloud assembly, given only the environment variables
 * the template gives each function, driven through every path that touches the table,
 * against DynamoDB (dynalite) behind a proxy that records each request's action.
 */
describe('the bundled Lambdas, run with their template environment', () => {
  let s: Synthesized;
  let backend: Backend;
  let proxy: Server;
  const seen = Object.fromEntries(handlerNames.map((n) => [n, new Set<string>()])) as Record<
    HandlerName,
    Set<string>
  >;
  let running: HandlerName | undefined;
  const handlers = {} as Record<HandlerName, LambdaHandler>;
  const templateEnv = {} as Record<HandlerName, Record<string, unknown>>;
  const testEnv: Record<string, string | undefined> = {};
  /** Logical ids of the resources the template's variables refer to. */
  let tableId: string;
  let secretId: string;
  /** S3 for the photo functions: the template's bucket name stands for this one. */
  let s3: S3Double;
  const photosBucket = 'photos-runtime';

  before(async () => {
    s = synthesize({ example: 'true' }, { insideRepo: true });
    backend = await startBackend();
    s3 = await startS3Double();
    for (const name of Object.values(lambdaEnv)) {
      testEnv[name] = process.env[name];
    }
    const dynamo = new URL(process.env['AWS_ENDPOINT_URL_DYNAMODB'] ?? '');
    proxy = createServer((req, res) => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (running) seen[running].add(`dynamodb:${target.split('.')[1] ?? target}`);
      const upstream = request(
        {
          host: dynamo.hostname,
          port: dynamo.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const recorder = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    process.env['AWS_ENDPOINT_URL_DYNAMODB'] = `http://${recorder}`;
    // The Lambdas sign for the recorder's Host, which the local DynamoDB answers only
    // when the developer names it, as for any proxy in front of the local cloud.
    process.env['PETS_ALLOWED_HOSTS'] = recorder;

    [tableId] = Object.keys(resourcesOf(s.template, 'AWS::DynamoDB::Table')) as [string];
    [secretId] = Object.keys(resourcesOf(s.template, 'AWS::SecretsManager::Secret')) as [string];
    const functions = resourcesOf(s.template, 'AWS::Lambda::Function');
    for (const name of handlerNames) {
      const [, fn] =
        Object.entries(functions).find(([id]) => id.startsWith(`Functions${name}`)) ?? [];
      const key = ((fn?.Properties['Code'] as Record<string, unknown>)['S3Key'] as string).replace(
        /\.zip$/,
        '',
      );
      templateEnv[name] = (
        fn?.Properties['Environment'] as { Variables: Record<string, unknown> }
      ).Variables;
      const bundle = join(s.outdir, `asset.${key}`, 'index.mjs');
      handlers[name] = (
        (await import(pathToFileURL(bundle).href)) as { handler: LambdaHandler }
      ).handler;
    }
  });

  after(async () => {
    proxy?.closeAllConnections();
    await new Promise<void>((resolve) => proxy?.close(() => resolve()));
    await backend?.client
      .send(new DeleteTableCommand({ TableName: backend.tableName }))
      .catch(() => undefined);
    await backend?.close();
    await s3?.close();
    s?.dispose();
  });

  /**
   * The local stand-in for a template value: the table's and the cursor secret's
   * CloudFormation Refs become the backend's table and secret, the example tenant's
   * issuer, audience and JWKS URL the local token issuer's. Any other reference is an
   * error: the test would not know what the function is meant to get.
   */
  function localValue(variable: string, value: unknown): string | undefined {
    const ref = JSON.stringify(value);
    if (ref === JSON.stringify({ Ref: tableId })) return backend.tableName;
    if (ref === JSON.stringify({ Ref: secretId })) return backend.secrets.cursorSecretId;
    if (variable === lambdaEnv.photosBucket && ref.includes('"photos-"')) return photosBucket;
    if (typeof value === 'string') return testEnv[variable];
    throw new Error(`${variable}: no local stand-in for ${ref}`);
  }

  /**
   * Calls a bundled handler with exactly the variables its template environment
   * names (values pointed at the local backend instead of the example tenant).
   */
  async function call(
    name: HandlerName,
    event: Parameters<LambdaHandler>[0],
  ): ReturnType<LambdaHandler> {
    for (const variable of Object.keys(testEnv)) {
      if (variable in templateEnv[name]) {
        process.env[variable] = localValue(variable, templateEnv[name][variable]);
      } else delete process.env[variable];
    }
    // Where S3 is, as AWS_ENDPOINT_URL_DYNAMODB says where DynamoDB is: the stand-in.
    if (lambdaEnv.photosBucket in templateEnv[name])
      process.env['AWS_ENDPOINT_URL_S3'] = s3.endpoint;
    running = name;
    try {
      return await handlers[name](event);
    } finally {
      running = undefined;
    }
  }

  it('names the table and the cursor secret in the template as the functions’ variables', () => {
    for (const name of handlerNames) {
      assert.deepEqual(templateEnv[name][lambdaEnv.table], { Ref: tableId }, name);
      const signs = (manifest[name].needs as readonly string[]).includes('cursorKey');
      assert.deepEqual(
        templateEnv[name][lambdaEnv.cursorSecretId],
        signs ? { Ref: secretId } : undefined,
        `${name}: the cursor secret's ARN exactly when it signs cursors`,
      );
    }
  });

  it('serves every path with the template environment and only the granted table actions', async () => {
    await backend.seed([
      { id: 1, type: 'dog', price: 249.99 },
      { id: 2, type: 'cat', price: 124.99 },
      { id: 3, type: 'fish', price: 0.99 },
    ]);
    const secretCalls = backend.secrets.calls();
    const list = await call('getPets', apiEvent('GET', '/pets'));
    assert.equal(list.statusCode, 200, list.body);
    assert.equal((JSON.parse(list.body) as unknown[]).length, 3);
    // Paging signs its cursor with the key the template's secret names.
    const first = await call(
      'getPets',
      apiEvent('GET', '/pets', undefined, { query: { limit: '2' } }),
    );
    const link = String(first.headers?.['Link'] ?? '');
    const cursor = /cursor=([^&>]+)/.exec(link)?.[1];
    assert.ok(cursor, `a next link: ${link}`);
    const second = await call(
      'getPets',
      apiEvent('GET', '/pets', undefined, {
        query: { limit: '2', cursor: decodeURIComponent(cursor) },
      }),
    );
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(
      (JSON.parse(second.body) as { id: number }[]).map((p) => p.id),
      [3],
    );
    // The key came from the secret CURSOR_SECRET_ID names: the bundle asked Secrets
    // Manager for it, and a cursor keyed with that secret's value is accepted.
    assert.ok(backend.secrets.calls() > secretCalls, 'GetSecretValue on the cursor secret');
    const ours = encodeCursor({ sort: 'id', after: 1 }, backend.secrets.cursorKey);
    const fromOurs = await call(
      'getPets',
      apiEvent('GET', '/pets', undefined, { query: { limit: '1', cursor: ours } }),
    );
    assert.equal(fromOurs.statusCode, 200, fromOurs.body);
    assert.deepEqual(
      (JSON.parse(fromOurs.body) as { id: number }[]).map((p) => p.id),
      [2],
    );
    // Every index the listing queries: by type and price, by status, price descending.
    for (const query of [
      { type: 'dog', sort: 'price' } as Record<string, string>,
      { status: 'available', sort: '-price', limit: '1' },
      { type: 'cat' },
    ]) {
      const page = await call('getPets', apiEvent('GET', '/pets', undefined, { query }));
      assert.equal(page.statusCode, 200, `${JSON.stringify(query)}: ${page.body}`);
      assert.ok((JSON.parse(page.body) as unknown[]).length > 0, JSON.stringify(query));
    }

    // One create, one re-price, one removal: every kind of catalogue write.
    const update = await call(
      'updatePets',
      apiEvent('POST', '/pets', {
        pets: [
          { id: 1, type: 'dog', price: 199.99 },
          { id: 2, type: 'cat', price: 124.99 },
          { id: 4, type: 'parrot', price: 42 },
        ],
      }),
    );
    assert.equal(update.statusCode, 200, update.body);

    // The per-pet writes: a create, an update, a conditional removal.
    const created = await call('putPet', apiEvent('PUT', '/pets/5', { type: 'gecko', price: 30 }));
    assert.equal(created.statusCode, 201, created.body);
    const etag = (answer: { headers?: Record<string, unknown> }) =>
      String(answer.headers?.['ETag']);
    const ifMatch = (tag: string) => ({ headers: { 'If-Match': tag } });
    const updated = await call(
      'putPet',
      apiEvent('PUT', '/pets/5', { type: 'gecko', price: 35 }, ifMatch(etag(created))),
    );
    assert.equal(updated.statusCode, 200, updated.body);
    const stale = await call(
      'putPet',
      apiEvent('PUT', '/pets/5', { type: 'gecko', price: 40 }, ifMatch(etag(created))),
    );
    assert.equal(stale.statusCode, 409, 'an If-Match of the old listing is stale');
    const removed = await call(
      'deletePet',
      apiEvent('DELETE', '/pets/5', undefined, ifMatch(etag(updated))),
    );
    assert.equal(removed.statusCode, 204, removed.body);

    const authToken = await backend.token();
    const bought = await call(
      'purchasePet',
      apiEvent('POST', '/pets/purchase', { petId: 4, authToken }),
    );
    assert.equal(bought.statusCode, 200, bought.body);
    // Sold already: the conflict path tells "sold" from "missing" with a read.
    const again = await call(
      'purchasePet',
      apiEvent('POST', '/pets/purchase', { petId: 4, authToken }),
    );
    assert.equal(again.statusCode, 409, again.body);
    // The two views of buyers: the admin's sales, the buyer's own purchases.
    const sales = await call('listSales', apiEvent('GET', '/pets/sales'));
    assert.equal(sales.statusCode, 200, sales.body);
    assert.deepEqual(
      (JSON.parse(sales.body) as { id: number; soldTo?: string }[]).map((p) => [p.id, p.soldTo]),
      [[4, 'buyer@example.com']],
    );
    const mine = await call('listMine', apiEvent('POST', '/pets/mine', { authToken }));
    assert.equal(mine.statusCode, 200, mine.body);
    assert.deepEqual(
      (JSON.parse(mine.body) as { id: number }[]).map((p) => p.id),
      [4],
    );
    // The per-pet writes' refusals read the pet too: sold (409) or missing (404).
    const sold = await call('putPet', apiEvent('PUT', '/pets/4', { type: 'parrot', price: 1 }));
    assert.equal(sold.statusCode, 409, sold.body);
    const soldGone = await call('deletePet', apiEvent('DELETE', '/pets/4'));
    assert.equal(soldGone.statusCode, 409, soldGone.body);
    const missing = await call('deletePet', apiEvent('DELETE', '/pets/5'));
    assert.equal(missing.statusCode, 404, missing.body);
    // One pet, public: the sold one without its buyer, and a missing one.
    const onePet = await call('getPetById', apiEvent('GET', '/pets/4'));
    assert.equal(onePet.statusCode, 200, onePet.body);
    assert.deepEqual(JSON.parse(onePet.body), { id: 4, type: 'parrot', price: 42, isSold: true });
    const noPet = await call('getPetById', apiEvent('GET', '/pets/5'));
    assert.equal(noPet.statusCode, 404, noPet.body);
    const soldPets = await call(
      'getPets',
      apiEvent('GET', '/pets', undefined, { query: { status: 'sold' } }),
    );
    // (What a sold pet shows is the Lambdas' business; here only that the index answers.)
    assert.deepEqual(
      (JSON.parse(soldPets.body) as { id: number; isSold?: boolean }[]).map((p) => [
        p.id,
        p.isSold,
      ]),
      [[4, true]],
    );

    // A photo: the upload form (reads the pet), processPhoto on the upload (sets it).
    const form = await call(
      'photoUpload',
      apiEvent(
        'POST',
        '/pets/1/photo',
        { contentType: 'image/jpeg' },
        {
          pathParameters: { id: '1' },
        },
      ),
    );
    assert.equal(form.statusCode, 200, form.body);
    const { fields } = JSON.parse(form.body) as { fields: Record<string, string> };
    s3.put(photosBucket, fields['key']!, await phoneJpeg(), 'image/jpeg');
    await call('processPhoto', s3Event(photosBucket, fields['key']!) as never);
    assert.equal(s3.keys(photosBucket).length, 2, s3.keys(photosBucket).join());
    const withPhoto = await call('getPets', apiEvent('GET', '/pets'));
    assert.match(
      JSON.stringify((JSON.parse(withPhoto.body) as { id: number; photo?: unknown }[])[0]?.photo),
      /"url":"\/photos\/1\//,
    );

    // The admin's view of it: the photo, no refusal.
    const state = await call(
      'photoState',
      apiEvent('GET', '/pets/1/photo', undefined, { pathParameters: { id: '1' } }),
    );
    assert.equal(state.statusCode, 200, state.body);
    assert.match(state.body, /"photo":\{"url":"\/photos\/1\//);

    for (const name of handlerNames) {
      assert.deepEqual(
        [...seen[name]].sort(),
        [...manifest[name].tableActions].sort(),
        `${name}'s table actions`,
      );
    }
  });
});

/** S3's ObjectCreated event for one key (as S3 sends it, the key URL-encoded). */
function s3Event(bucket: string, key: string) {
  return {
    Records: [
      {
        eventName: 'ObjectCreated:Post',
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: bucket },
          object: { key: encodeURIComponent(key).replace(/%2F/g, '/') },
        },
      },
    ],
  };
}
