// GET /pets/{id}: one pet's public form through the real handler on dynalite; the
// refusals of malformed ids read nothing, and a read is one GetItem.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { corsHeaders } from '../../api/http-api';
import type { Pet } from '../../api/pet';
import { apiEvent, loadHandlers, startBackend } from '../../node-testing/backend';
import { withoutTable } from '../../node-testing/without-table';

const backend = await startBackend();
const handlers = await loadHandlers();
after(() => backend.close());

const store: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'buyer@example.com' },
  { id: Number.MAX_SAFE_INTEGER, type: 'axolotl', price: 0 },
];
before(() => backend.seed(store));

const getPetById = (id: string) =>
  handlers.getPetById(apiEvent('GET', `/pets/${id}`, undefined, { pathParameters: { id } }));
const body = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

/** The DynamoDB commands `fn` sends, by name. */
async function commandsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const send = mock.method(DynamoDBDocumentClient.prototype, 'send');
  try {
    await fn();
    return send.mock.calls.map((c) => (c.arguments[0] as object).constructor.name);
  } finally {
    send.mock.restore();
  }
}

describe('GET /pets/{id}', () => {
  it('answers an unsold pet as GET /pets lists it, with the CORS headers', async () => {
    const res = await getPetById('1');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body(res), { id: 1, type: 'dog', price: 249.99 });
    for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v);
  });

  it('answers a sold pet as sold, without its buyer', async () => {
    const res = await getPetById('2');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body(res), { id: 2, type: 'cat', price: 124.99, isSold: true });
    assert.doesNotMatch(res.body, /@/);
  });

  it('answers the largest pet id', async () => {
    const res = await getPetById(String(Number.MAX_SAFE_INTEGER));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(body(res)['type'], 'axolotl');
  });

  it('answers 404 "No such pet." for an id no pet has', async () => {
    for (const id of ['3', '9007199254740990']) {
      const res = await getPetById(id);
      assert.equal(res.statusCode, 404, id);
      assert.deepEqual(body(res), { message: 'No such pet.' });
      for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v);
    }
  });

  it('costs one GetItem, found or not', async () => {
    assert.deepEqual(await commandsOf(() => getPetById('1')), ['GetCommand']);
    assert.deepEqual(await commandsOf(() => getPetById('3')), ['GetCommand']);
  });

  const malformed = [
    'abc',
    '-1',
    '0',
    '1.5',
    '0x10',
    '1e3',
    '01',
    ' 1',
    '+1',
    '12345678901234567', // 17 digits
    '9007199254740992', // past Number.MAX_SAFE_INTEGER
    '',
    '\uD800', // a lone surrogate
    '１', // a full-width digit
  ];
  for (const id of malformed) {
    it(`answers 400 to the id ${JSON.stringify(id)}, reading nothing`, async () => {
      // As if the table did not exist: any read would be a 500, not a 400.
      const res = await withoutTable(() => getPetById(id));
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(body(res), {
        message: 'The pet id in the path must be a positive integer.',
      });
      for (const [k, v] of Object.entries(corsHeaders())) assert.equal(res.headers?.[k], v);
    });
  }

  it('answers 400 when the event has no path parameters at all', async () => {
    const event = { ...apiEvent('GET', '/pets/1'), pathParameters: null };
    const res = await withoutTable(() => handlers.getPetById(event));
    assert.equal(res.statusCode, 400);
  });

  it('answers 500 without details when the table cannot be read', async () => {
    const res = await withoutTable(() => getPetById('1'));
    assert.equal(res.statusCode, 500);
    assert.deepEqual(body(res), { message: 'Internal server error' });
  });
});
