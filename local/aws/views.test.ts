// The buyers' views (GET /pets/sales for the admin role, POST /pets/mine for the buyer
// role) through the local API Gateway with real clients and the real Lambdas: requests
// signed by @smithy/signature-v4 and by aws-api-gateway-client with credentials from
// the local STS, refused to the other role and to unsigned callers before any Lambda
// runs, and paged by the absolute Link URLs the Lambdas build from the gateway's event.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HandlerName } from '../../api/handlers';
import type { Pet } from '../../api/pet';
import { nextCursor } from '../../api/pet-query';
import { newApigClient, type ApigClient } from './apig-client';
import { signRequest, type SigningCredentials } from './sign';
import {
  type Backend,
  loadHandlers,
  recordingRuns,
  makePets,
  startBackend,
} from '../../node-testing/backend';
import {
  ACCOUNT,
  API_ID,
  REGION,
  startTestEdge,
  webIdentityCredentials,
} from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const methodArn = (method: string, path: string) =>
  `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/test/${method}${path}`;

// Pets 1..12; every third sold, alternately to Alice and Bob.
const store: Pet[] = makePets(12).map((p) =>
  p.id % 3 === 0 ? { ...p, isSold: true, soldTo: p.id % 2 ? ALICE : BOB } : p,
);
const soldNewestFirst = store.filter((p) => p.isSold).sort((a, b) => b.id - a.id);

interface Creds extends SigningCredentials {
  sessionToken: string;
}

describe("the buyers' views at the gateway", () => {
  let backend: Backend;
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let api: string;
  let admin: Creds;
  let buyer: Creds;
  /** The Lambdas that ran, in order. */
  const ran: HandlerName[] = [];

  async function credentialsFor(sub: string, roleArn: string): Promise<Creds> {
    const token = await idp.token({ sub });
    return webIdentityCredentials(edge.edge.url, {
      roleArn,
      token,
      sessionName: sub.replace('|', '-'),
    });
  }

  before(async () => {
    backend = await startBackend();
    await backend.seed(store);
    const real = await loadHandlers();
    const recorded = recordingRuns(real, ran);
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp, handlers: recorded });
    api = `${edge.edge.url}/test`;
    admin = await credentialsFor('auth0|admin1', ADMIN);
    buyer = await credentialsFor('amazon|buyer1', BUYER);
  });
  after(async () => {
    await edge.edge.close();
    await idp.close();
    await backend.close();
  });
  beforeEach(() => {
    ran.length = 0;
  });

  /** A request signed by @smithy/signature-v4 and sent with fetch. */
  async function signed(
    url: string,
    credentials: SigningCredentials,
    method: 'GET' | 'POST',
    body?: unknown,
  ): Promise<Response> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const r = await signRequest({
      url,
      method,
      body: text,
      headers: text === undefined ? {} : { 'content-type': 'application/json' },
      credentials,
      region: REGION,
    });
    return fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  }

  const apig = (c: Creds): ApigClient =>
    newApigClient({
      invokeUrl: api,
      region: REGION,
      accessKey: c.accessKeyId,
      secretKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
    });

  /** The absolute URL of a Link header's rel="next", or undefined. */
  const nextUrl = (link: string | null | undefined) =>
    /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];

  async function expectRefusal(response: Response, type: string, message: string) {
    const body = (await response.json()) as { message: string };
    assert.equal(response.status, 403, body.message);
    assert.equal(response.headers.get('x-amzn-errortype'), type);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.equal(body.message, message);
    assert.deepEqual(ran, [], 'the Lambda must not run');
  }

  describe('GET /pets/sales (admin role)', () => {
    it('answers the sales with their buyers to the admin, paged by signed Link URLs', async () => {
      const pets: Pet[] = [];
      let url: string | undefined = `${api}/pets/sales?limit=2`;
      let pages = 0;
      while (url) {
        const res = await signed(url, admin, 'GET');
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        pets.push(...((await res.json()) as Pet[]));
        url = nextUrl(res.headers.get('link'));
        if (url) assert.match(url, new RegExp(`^${api}/pets/sales\\?limit=2&cursor=[\\w.-]+$`));
        pages++;
      }
      assert.deepEqual(pets, soldNewestFirst);
      assert.equal(pages, Math.ceil(soldNewestFirst.length / 2));
      assert.ok(ran.every((h) => h === 'listSales'));
    });

    it('answers the admin signing with aws-api-gateway-client, query string included', async () => {
      const res = await apig(admin).invokeApi({}, '/pets/sales', 'GET', {
        queryParams: { limit: '1' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.data, soldNewestFirst.slice(0, 1));
      assert.equal(nextCursor(res.headers['link']) !== undefined, true);
    });

    it('refuses the buyer role with AccessDeniedException naming …/test/GET/pets/sales', async () => {
      const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/amazon-buyer1 is not authorized to perform: execute-api:Invoke on resource: ${methodArn('GET', '/pets/sales')}`;
      await expectRefusal(
        await signed(`${api}/pets/sales`, buyer, 'GET'),
        'AccessDeniedException',
        message,
      );
      const error = (await apig(buyer)
        .invokeApi({}, '/pets/sales', 'GET', {})
        .then(
          () => assert.fail('should be refused'),
          (e: unknown) => e,
        )) as { response: { status: number; headers: Record<string, string>; data: unknown } };
      assert.equal(error.response.status, 403);
      assert.equal(error.response.headers['x-amzn-errortype'], 'AccessDeniedException');
      assert.deepEqual(error.response.data, { message });
      assert.deepEqual(ran, []);
    });

    it('refuses unsigned calls with Missing Authentication Token', async () => {
      await expectRefusal(
        await fetch(`${api}/pets/sales`),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });

    it("refuses a GET /pets cursor (the Lambda's 400)", async () => {
      const page = await fetch(`${api}/pets?sort=-id&status=sold&limit=1`);
      const cursor = nextCursor(page.headers.get('link'))!;
      const res = await signed(`${api}/pets/sales?cursor=${cursor}`, admin, 'GET');
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /another listing/);
    });
  });

  describe('POST /pets/mine (buyer role)', () => {
    it("answers the buyer's own purchases, by the ID token's email, to aws-api-gateway-client", async () => {
      for (const email of [ALICE, BOB]) {
        const authToken = await backend.token({ email });
        const res = await apig(buyer).invokeApi({}, '/pets/mine', 'POST', {}, { authToken });
        assert.equal(res.status, 200);
        assert.deepEqual(
          res.data,
          soldNewestFirst.filter((p) => p.soldTo === email),
        );
      }
      assert.deepEqual(ran, ['listMine', 'listMine']);
    });

    it('pages by Link: the same body POSTed to the next URL, signed', async () => {
      const body = { authToken: await backend.token({ email: ALICE }), email: BOB };
      const pets: Pet[] = [];
      let url: string | undefined = `${api}/pets/mine?limit=1`;
      while (url) {
        const res = await signed(url, buyer, 'POST', body);
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(res.headers.get('cache-control'), 'no-store');
        pets.push(...((await res.json()) as Pet[]));
        url = nextUrl(res.headers.get('link'));
        if (url) assert.match(url, new RegExp(`^${api}/pets/mine\\?limit=1&cursor=[\\w-]+$`));
      }
      // Alice's, whatever the body's `email` says.
      assert.deepEqual(
        pets,
        soldNewestFirst.filter((p) => p.soldTo === ALICE),
      );
    });

    it("answers 401 to a missing or another application's token, through the gateway", async () => {
      for (const body of [
        {},
        { authToken: await backend.token({ email: ALICE }, { audience: 'another-client' }) },
      ]) {
        const res = await signed(`${api}/pets/mine`, buyer, 'POST', body);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
      }
    });

    it('refuses the admin role with AccessDeniedException naming …/test/POST/pets/mine', async () => {
      await expectRefusal(
        await signed(`${api}/pets/mine`, admin, 'POST', {
          authToken: await backend.token({ email: ALICE }),
        }),
        'AccessDeniedException',
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-admin/auth0-admin1 is not authorized to perform: execute-api:Invoke on resource: ${methodArn('POST', '/pets/mine')}`,
      );
    });

    it('refuses unsigned calls with Missing Authentication Token', async () => {
      await expectRefusal(
        await fetch(`${api}/pets/mine`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ authToken: await backend.token({ email: ALICE }) }),
        }),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });
  });

  it('answers the preflights of both views without auth', async () => {
    for (const [path, method] of [
      ['/pets/sales', 'GET'],
      ['/pets/mine', 'POST'],
    ]) {
      const res = await fetch(`${api}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': method! },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('access-control-allow-methods') ?? '', new RegExp(method!));
    }
    assert.deepEqual(ran, []);
  });

  it('shows no buyer on the public GET /pets, the way a browser calls it', async () => {
    const res = await fetch(`${api}/pets`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.doesNotMatch(text, /@/);
    assert.equal((JSON.parse(text) as Pet[]).filter((p) => p.isSold).length, 4);
  });
});
