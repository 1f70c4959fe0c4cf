// GET /pets/{id} through the local API Gateway with real clients and the real
// Lambdas: public like GET /pets (fetch with no signature, as a browser sends it; and
// signed by aws-api-gateway-client, which a public method ignores), its 404 and 400s,
// and the literal /pets/sales resource beside it, which API Gateway picks before the
// parameter: "API Gateway uses the following priority … 1. Full match for a route and
// method. 2. Match for a route and method with a path variable"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html#http-api-develop-routes.evaluation).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HandlerName } from '../../api/handlers';
import type { Pet } from '../../api/pet';
import { newApigClient } from './apig-client';
import { signRequest } from './sign';
import {
  type Backend,
  loadHandlers,
  recordingRuns,
  startBackend,
} from '../../node-testing/backend';
import { ACCOUNT, REGION, startTestEdge, webIdentityCredentials } from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;

const store: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99, isSold: true, soldTo: 'alice@example.com' },
];

describe('GET /pets/{id} at the gateway', () => {
  let backend: Backend;
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let api: string;
  /** The Lambdas that ran, in order. */
  const ran: HandlerName[] = [];

  const credentialsFor = async (sub: string, roleArn: string) =>
    webIdentityCredentials(edge.edge.url, {
      roleArn,
      token: await idp.token({ sub }),
      sessionName: sub.replace('|', '-'),
    });

  before(async () => {
    backend = await startBackend();
    await backend.seed(store);
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp, handlers: recordingRuns(await loadHandlers(), ran) });
    api = `${edge.edge.url}/test`;
  });
  after(async () => {
    await edge.edge.close();
    await idp.close();
    await backend.close();
  });
  beforeEach(() => {
    ran.length = 0;
  });

  it('answers a pet to fetch without a signature, in its public form, with CORS', async () => {
    const res = await fetch(`${api}/pets/2`, { headers: { Origin: 'http://localhost:4200' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), { id: 2, type: 'cat', price: 124.99, isSold: true });
    assert.deepEqual(ran, ['getPetById']);
  });

  it('answers 404 "No such pet." for an id no pet has', async () => {
    const res = await fetch(`${api}/pets/999`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(await res.json(), { message: 'No such pet.' });
  });

  it('answers 400 with a clear message for a malformed id', async () => {
    // %F0%9F%90%B6 is a dog emoji: well-formed UTF-8, reaching the Lambda decoded.
    for (const id of ['abc', '-1', '1.5', '0x10', '12345678901234567', '%F0%9F%90%B6']) {
      const res = await fetch(`${api}/pets/${id}`);
      assert.equal(res.status, 400, id);
      assert.equal(res.headers.get('access-control-allow-origin'), '*', id);
      assert.deepEqual(
        await res.json(),
        { message: 'The pet id in the path must be a positive integer.' },
        id,
      );
    }
  });

  it('keeps GET /pets/sales the admin view: unsigned it is refused, never read as an id', async () => {
    const res = await fetch(`${api}/pets/sales`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(ran, []);

    const admin = await credentialsFor('auth0|admin1', ADMIN);
    const signed = await signRequest({
      url: `${api}/pets/sales`,
      method: 'GET',
      headers: {},
      credentials: admin,
      region: REGION,
    });
    const sales = await fetch(signed.url, { method: 'GET', headers: signed.headers });
    assert.equal(sales.status, 200);
    assert.deepEqual(
      ((await sales.json()) as Pet[]).map((p) => p.soldTo),
      ['alice@example.com'],
    );
    assert.deepEqual(ran, ['listSales']);
  });

  it('answers a call signed by aws-api-gateway-client as GET /pets answers it', async () => {
    const buyer = await credentialsFor('amazon|buyer1', BUYER);
    const client = newApigClient({
      invokeUrl: api,
      region: REGION,
      accessKey: buyer.accessKeyId,
      secretKey: buyer.secretAccessKey,
      sessionToken: buyer.sessionToken,
    });
    const list = await client.invokeApi({}, '/pets', 'GET', {}, '');
    assert.equal(list.status, 200);
    const one = await client.invokeApi({ id: '1' }, '/pets/{id}', 'GET', {}, '');
    assert.equal(one.status, 200);
    assert.deepEqual(one.data, (list.data as Pet[])[0]);
    assert.deepEqual(ran, ['getPets', 'getPetById']);
  });

  it('answers its preflight without auth, allowing GET', async () => {
    const res = await fetch(`${api}/pets/1`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bGET\b/);
    assert.deepEqual(ran, []);
  });
});
