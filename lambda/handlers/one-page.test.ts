import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Pet } from '../../api/pet';
import { PayloadTooLargeError } from '../http/errors';
import { PetReads } from '../store/pet-reads';
import { apiEvent, loadHandlers, makePets, startBackend } from '../../node-testing/backend';

// The tutorial's whole-list routes while the store fits one page (1000 pets), and
// their bounds past it.
const backend = await startBackend();
const handlers = await loadHandlers();
const { CatalogueReplace } = await import('../store/catalogue-replace');
const doc = DynamoDBDocumentClient.from(backend.client);
after(() => backend.close());

before(async () => {
  await backend.seed(makePets(1000));
});

const get = () => handlers.getPets(apiEvent('GET', '/pets'));
const update = (body: unknown) => handlers.updatePets(apiEvent('POST', '/pets', body));
const buy = async (petId: number) =>
  handlers.purchasePet(
    apiEvent('POST', '/pets/purchase', { petId, authToken: await backend.token() }),
  );
const put = (id: number, body: unknown) =>
  handlers.putPet(apiEvent('PUT', `/pets/${id}`, body, { pathParameters: { id: String(id) } }));
const pets = (res: { body: string }) => JSON.parse(res.body) as Pet[];
const message = (res: { body: string }) => (JSON.parse(res.body) as { message: string }).message;
const exists = async (id: number) =>
  (await doc.send(new GetCommand({ TableName: backend.tableName, Key: { id } }))).Item !==
  undefined;

/** The document client, counting the items its Queries return. */
function counting(): { db: DynamoDBDocumentClient; read: () => number } {
  let read = 0;
  const db = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        const res = (await target.send(command as never)) as { Items?: unknown[] };
        if (command instanceof QueryCommand) read += res.Items?.length ?? 0;
        return res;
      };
    },
  });
  return { db, read: () => read };
}

describe('a store of one page (1000 pets)', () => {
  it('is listed whole by GET /pets, with the token POST /pets takes', async () => {
    const res = await get();
    assert.equal(pets(res).length, 1000);
    assert.equal(res.headers?.['Link'], undefined);
    const etag = String(res.headers?.['ETag']);
    const list = makePets(1000);
    list[0] = { ...list[0]!, price: 1 };
    const edited = await update({ pets: list, etag });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(pets(edited).length, 1000);
  });

  it('answers a purchase with the whole list, the bought pet in it', async () => {
    const res = await buy(500);
    assert.equal(res.statusCode, 200, res.body);
    const list = pets(res);
    assert.equal(list.length, 1000);
    assert.deepEqual(list[499], {
      ...makePets(1000)[499],
      isSold: true,
      soldTo: 'buyer@example.com',
    });
    assert.match(String(res.headers?.['ETag']), /^"[\w-]{22}"$/);
  });

  it('refuses a list of more than 1000 pets with 413, writing nothing', async () => {
    const res = await update({ pets: makePets(1001) });
    assert.equal(res.statusCode, 413);
    assert.match(
      message(res),
      /at most 1000 pets: use PUT \/pets\/\{id\} and DELETE \/pets\/\{id\}/,
    );
    assert.equal(await exists(1001), false);
  });
});

describe('a store of more than one page', () => {
  before(async () => {
    assert.equal((await put(1001, { type: 'emu', price: 3 })).statusCode, 201);
  });

  it('is paged by GET /pets, without a token', async () => {
    const res = await get();
    assert.equal(pets(res).length, 1000);
    assert.match(String(res.headers?.['Link']), /rel="next"/);
    assert.equal(res.headers?.['ETag'], undefined);
  });

  it('refuses POST /pets with 413 after reading at most 1001 pets, writing nothing', async () => {
    const res = await update({ pets: [{ id: 5000, type: 'owl', price: 1 }] });
    assert.equal(res.statusCode, 413);
    assert.match(
      message(res),
      /more than 1000 pets.*use PUT \/pets\/\{id\} and DELETE \/pets\/\{id\}/,
    );
    assert.equal(await exists(5000), false);
    assert.equal(await exists(1), true);
    const { db, read } = counting();
    await assert.rejects(
      new CatalogueReplace(backend.tableName, db).replace([], undefined),
      PayloadTooLargeError,
    );
    assert.ok(read() <= 1001, `read ${read()}`);
  });

  it('answers a purchase with the bought pet alone', async () => {
    for (const id of [1001, 7]) {
      const res = await buy(id);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(pets(res).length, 1);
      assert.equal(pets(res)[0]!.id, id);
      assert.equal(pets(res)[0]!.isSold, true);
      assert.equal(res.headers?.['ETag'], undefined);
    }
  });

  it('reads at most 1001 pets for a purchase answer', async () => {
    const { db, read } = counting();
    assert.equal(await new PetReads(backend.tableName, db).catalogue(), null);
    assert.ok(read() <= 1001, `read ${read()}`);
  });
});
