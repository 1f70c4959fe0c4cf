// The gateway with real clients: requests signed by @smithy/signature-v4 and by
// aws-api-gateway-client (what the app uses), credentials from the local STS.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { newApigClient } from './apig-client';
import { signRequest, type SigningCredentials, type SignedRequest } from './sign';
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
const PETS_BODY = JSON.stringify({ pets: [{ id: 1, type: 'dog', price: 249.99 }] });

interface Creds extends SigningCredentials {
  sessionToken: string;
}

describe('API Gateway', () => {
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let clock = Date.now();
  let admin: Creds;
  let buyer: Creds;
  let api: string;

  async function credentialsFor(sub: string, roleArn: string): Promise<Creds> {
    const token = await idp.token({ sub }, { iat: Math.floor(clock / 1000) });
    return webIdentityCredentials(edge.edge.url, {
      roleArn,
      token,
      sessionName: sub.replace('|', '-'),
    });
  }

  before(async () => {
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp, now: () => clock });
    api = `${edge.edge.url}/test`;
    admin = await credentialsFor('auth0|admin1', ADMIN);
    buyer = await credentialsFor('amazon|buyer1', BUYER);
  });
  after(async () => {
    await edge.edge.close();
    await idp.close();
  });
  beforeEach(() => {
    clock = Date.now();
    edge.calls.length = 0;
  });

  const sign = (
    path: string,
    credentials: SigningCredentials,
    extra: { method?: string; body?: string; signingDate?: Date } = {},
  ) =>
    signRequest({
      url: `${api}${path}`,
      method: extra.method ?? 'POST',
      body: extra.body ?? PETS_BODY,
      headers: { 'content-type': 'application/json' },
      credentials,
      region: REGION,
      signingDate: extra.signingDate,
    });

  const send = (r: SignedRequest) =>
    fetch(r.url, { method: r.method, headers: r.headers, body: r.body });

  async function expectRefusal(response: Response, type: string, message: string | RegExp) {
    const body = (await response.json()) as { message: string };
    assert.equal(response.status, 403, body.message);
    assert.equal(response.headers.get('x-amzn-errortype'), type);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    if (typeof message === 'string') assert.equal(body.message, message);
    else assert.match(body.message, message);
    assert.equal(edge.calls.length, 0, 'the Lambda must not run');
  }

  describe('allowed calls', () => {
    it('runs the admin Lambda for a request signed by @smithy/signature-v4, with the event API Gateway builds', async () => {
      const response = await send(await sign('/pets?dry=1', admin));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await response.json(), {
        handler: 'updatePets',
        user: `arn:aws:sts::${ACCOUNT}:assumed-role/pets-admin/auth0-admin1`,
      });
      assert.equal(edge.calls.length, 1);
      const { event } = edge.calls[0]!;
      assert.equal(event.resource, '/pets');
      assert.equal(event.path, '/pets');
      assert.equal(event.httpMethod, 'POST');
      assert.equal(event.body, PETS_BODY);
      assert.equal(event.isBase64Encoded, false);
      assert.equal(event.pathParameters, null);
      assert.equal(event.stageVariables, null);
      assert.deepEqual(event.queryStringParameters, { dry: '1' });
      assert.equal(event.headers['content-type'], 'application/json');
      assert.deepEqual(event.multiValueHeaders['content-type'], ['application/json']);
      const ctx = event.requestContext;
      assert.equal(ctx.accountId, ACCOUNT);
      assert.equal(ctx.apiId, API_ID);
      assert.equal(ctx.stage, 'test');
      assert.equal(ctx.path, '/test/pets');
      assert.equal(ctx.resourcePath, '/pets');
      assert.equal(ctx.httpMethod, 'POST');
      assert.equal(ctx.requestTimeEpoch, clock);
      assert.match(ctx.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(ctx.identity.accessKey, admin.accessKeyId);
      assert.equal(
        ctx.identity.userArn,
        `arn:aws:sts::${ACCOUNT}:assumed-role/pets-admin/auth0-admin1`,
      );
      assert.match(ctx.identity.caller ?? '', /^AROA\w+:auth0-admin1$/);
      assert.equal(ctx.identity.cognitoIdentityId, null);
      assert.equal(ctx.identity.sourceIp, '127.0.0.1');
    });

    it('runs the purchase Lambda for a buyer signing with aws-api-gateway-client', async () => {
      const client = newApigClient({
        invokeUrl: api,
        region: REGION,
        accessKey: buyer.accessKeyId,
        secretKey: buyer.secretAccessKey,
        sessionToken: buyer.sessionToken,
      });
      const response = await client.invokeApi(
        {},
        '/pets/purchase',
        'POST',
        {},
        { petId: 1, authToken: 'x' },
      );
      assert.equal(response.status, 200);
      assert.equal((response.data as { handler: string }).handler, 'purchasePet');
      assert.equal(edge.calls[0]?.event.body, JSON.stringify({ petId: 1, authToken: 'x' }));
      assert.equal(edge.calls[0]?.event.requestContext.identity.accessKey, buyer.accessKeyId);
    });

    // Not `*`: the client encodes it as `%2a`, where SigV4 (and so real API Gateway)
    // wants `%2A`, so such a signature fails against AWS too.
    it('verifies aws-api-gateway-client query strings and extra signed headers', async () => {
      const client = newApigClient({
        invokeUrl: api,
        region: REGION,
        accessKey: admin.accessKeyId,
        secretKey: admin.secretAccessKey,
        sessionToken: admin.sessionToken,
      });
      const response = await client.invokeApi(
        {},
        '/pets',
        'POST',
        { headers: { 'If-Match': '"v1"' }, queryParams: { note: "a b/c!'()", x: '1' } },
        { pets: [] },
      );
      assert.equal(response.status, 200);
      assert.deepEqual(edge.calls[0]?.event.queryStringParameters, { note: "a b/c!'()", x: '1' });
      assert.equal(edge.calls[0]?.event.headers['If-Match'], '"v1"');
    });

    it('lets anyone GET /pets without a signature', async () => {
      const response = await fetch(`${api}/pets`);
      assert.equal(response.status, 200);
      assert.equal(edge.calls[0]?.handler, 'getPets');
      assert.equal(edge.calls[0]?.event.requestContext.identity.userArn, null);
    });

    it('answers preflights without auth and unknown routes like API Gateway', async () => {
      const preflight = await fetch(`${api}/pets/purchase`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(preflight.status, 200);
      assert.match(
        preflight.headers.get('access-control-allow-headers') ?? '',
        /x-amz-security-token/,
      );
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      await expectRefusal(
        await fetch(`${api}/nope`),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
      await expectRefusal(
        await fetch(`${api}/pets`, { method: 'DELETE' }),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
      await expectRefusal(
        await fetch(`${edge.edge.url}/prod/pets`),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });

    it('lets the browser keep a preflight for the two hours the stack declares', async () => {
      // Chromium keeps a preflight at most 7200 s, and 5 s when Max-Age is absent:
      // https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age
      for (const path of ['/pets/purchase', '/pets/42', '/pets/mine']) {
        const preflight = await fetch(`${api}${path}`, {
          method: 'OPTIONS',
          headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'POST' },
        });
        assert.equal(preflight.status, 200, path);
        assert.equal(preflight.headers.get('access-control-max-age'), '7200', path);
      }
      // Answers other than preflights have nothing for a browser to keep.
      const list = await fetch(`${api}/pets`, { headers: { Origin: 'http://localhost:4200' } });
      assert.equal(list.headers.get('access-control-max-age'), null);
    });

    it('turns a failing Lambda into API Gateway 502', async () => {
      const failing = await startTestEdge({
        idp,
        handlers: { getPets: () => Promise.reject(new Error('boom')) },
      });
      try {
        const response = await fetch(`${failing.edge.url}/test/pets`);
        assert.equal(response.status, 502);
        assert.equal(response.headers.get('access-control-allow-origin'), '*');
        assert.deepEqual(await response.json(), { message: 'Internal server error' });
        assert.match(failing.lines.join('\n'), /getPets failed: boom/);
      } finally {
        await failing.edge.close();
      }
    });
  });

  describe('per-pet routes (/pets/{id})', () => {
    const arnOf = (method: string, path: string) =>
      `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/test/${method}${path}`;

    it('runs putPet and deletePet for the admin role, with the templated resource and decoded pathParameters', async () => {
      const put = await send(
        await sign('/pets/42', admin, {
          method: 'PUT',
          body: JSON.stringify({ type: 'dog', price: 1 }),
        }),
      );
      assert.equal(put.status, 200);
      assert.equal(((await put.json()) as { handler: string }).handler, 'putPet');
      const del = await send(await sign('/pets/42', admin, { method: 'DELETE', body: '' }));
      assert.equal(del.status, 200);
      assert.equal(((await del.json()) as { handler: string }).handler, 'deletePet');

      assert.deepEqual(
        edge.calls.map((c) => c.handler),
        ['putPet', 'deletePet'],
      );
      for (const [i, method] of (['PUT', 'DELETE'] as const).entries()) {
        const { event } = edge.calls[i]!;
        assert.equal(event.httpMethod, method);
        assert.equal(event.resource, '/pets/{id}');
        assert.equal(event.path, '/pets/42');
        assert.deepEqual(event.pathParameters, { id: '42' });
        assert.equal(event.requestContext.resourcePath, '/pets/{id}');
        assert.equal(event.requestContext.path, '/test/pets/42');
        assert.equal(event.requestContext.httpMethod, method);
        assert.match(event.requestContext.resourceId, /^[a-z0-9]{1,6}$/);
      }
      assert.equal(edge.calls[1]!.event.body, null);
    });

    it('prefers literal segments: /pets/purchase is the purchase, anything else is an id', async () => {
      const client = newApigClient({
        invokeUrl: api,
        region: REGION,
        accessKey: admin.accessKeyId,
        secretKey: admin.secretAccessKey,
        sessionToken: admin.sessionToken,
      });
      // aws-api-gateway-client expands the template itself, as the app does.
      const response = await client.invokeApi(
        { id: 'a b' },
        '/pets/{id}',
        'PUT',
        {},
        { type: 'cat', price: 2 },
      );
      assert.equal(response.status, 200);
      assert.equal(edge.calls[0]?.handler, 'putPet');
      assert.deepEqual(edge.calls[0]?.event.pathParameters, { id: 'a b' });
      assert.equal(edge.calls[0]?.event.path, '/pets/a%20b');

      // PUT has no literal /pets/purchase, so that is an id (the Lambda's 400 to give).
      const put = await send(await sign('/pets/purchase', admin, { method: 'PUT' }));
      assert.equal(put.status, 200);
      assert.deepEqual(edge.calls[1]?.event.pathParameters, { id: 'purchase' });
      const purchase = await send(await sign('/pets/purchase', buyer));
      assert.equal(purchase.status, 200);
      assert.equal(edge.calls[2]?.handler, 'purchasePet');
      assert.equal(edge.calls[2]?.event.pathParameters, null);
    });

    it('refuses a buyer on PUT and DELETE /pets/42, naming the real path in the method ARN', async () => {
      for (const method of ['PUT', 'DELETE']) {
        await expectRefusal(
          await send(await sign('/pets/42', buyer, { method })),
          'AccessDeniedException',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/amazon-buyer1 is not authorized to perform: execute-api:Invoke on resource: ${arnOf(method, '/pets/42')}`,
        );
      }
    });

    it('refuses unsigned writes and unknown methods or depths with Missing Authentication Token', async () => {
      for (const [method, path] of [
        ['PUT', '/pets/42'],
        ['DELETE', '/pets/42'],
        // GET /pets/42 is the public pet (one-pet.test.ts); a GET one level deeper is not.
        ['GET', '/pets/42/x'],
        ['POST', '/pets/42'],
        ['PUT', '/pets/42/x'],
        ['PUT', '/pets/'],
      ] as const) {
        await expectRefusal(
          await fetch(`${api}${path}`, { method, body: method === 'GET' ? undefined : '{}' }),
          'MissingAuthenticationTokenException',
          'Missing Authentication Token',
        );
      }
    });

    it('answers the preflight on /pets/42 with every method, PUT and DELETE included', async () => {
      const preflight = await fetch(`${api}/pets/42`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'PUT' },
      });
      assert.equal(preflight.status, 200);
      const methods = (preflight.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
      for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'])
        assert.ok(methods.includes(m), m);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /If-Match/);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      await expectRefusal(
        await fetch(`${api}/pets/42/x`, { method: 'OPTIONS' }),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });

    it('builds requestContext.domainName and the X-Forwarded-* headers a Lambda makes absolute URLs from', async () => {
      const response = await send(
        await sign('/pets/42?x=1', admin, {
          method: 'PUT',
          body: JSON.stringify({ type: 'dog', price: 1 }),
        }),
      );
      assert.equal(response.status, 200);
      const { event } = edge.calls[0]!;
      const host = new URL(api).host; // 127.0.0.1:{port}
      const ctx = event.requestContext;
      assert.equal(ctx.domainName, host);
      assert.equal(ctx.domainPrefix, '127');
      assert.match(ctx.requestTime ?? '', /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(event.headers['X-Forwarded-For'], '127.0.0.1');
      assert.equal(event.headers['X-Forwarded-Port'], new URL(api).port);
      assert.equal(event.headers['X-Forwarded-Proto'], 'http');
      assert.deepEqual(event.multiValueHeaders['X-Forwarded-Proto'], ['http']);
      // What the Lambdas put in `Link: <…>; rel="next"`: the URL the client called.
      const self = `${event.headers['X-Forwarded-Proto']}://${ctx.domainName}${ctx.path}`;
      assert.equal(self, `${api}/pets/42`);
    });

    it('takes domainName from the Host the client used and appends to a client X-Forwarded-For', async () => {
      const port = Number(new URL(api).port);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/test/pets?limit=2',
            headers: {
              Host: `localhost:${port}`,
              'X-Forwarded-For': '203.0.113.7',
              'X-Forwarded-Proto': 'https',
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 200);
      const { event } = edge.calls[0]!;
      assert.equal(event.requestContext.domainName, `localhost:${port}`);
      assert.equal(event.requestContext.domainPrefix, 'localhost');
      assert.equal(event.headers['X-Forwarded-For'], '203.0.113.7, 127.0.0.1');
      // The gateway, not the client, says how the gateway was reached.
      assert.equal(event.headers['X-Forwarded-Proto'], 'http');
      assert.equal(
        Object.keys(event.headers).filter((h) => h.toLowerCase() === 'x-forwarded-proto').length,
        1,
      );
      assert.equal(
        `${event.headers['X-Forwarded-Proto']}://${event.requestContext.domainName}${event.requestContext.path}`,
        `http://localhost:${port}/test/pets`,
      );
    });
  });

  describe('refusals (the Lambda never runs)', () => {
    it('unsigned', async () => {
      await expectRefusal(
        await fetch(`${api}/pets`, { method: 'POST', body: PETS_BODY }),
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
      );
    });

    it('incomplete Authorization header', async () => {
      const r = await sign('/pets', admin);
      r.headers['authorization'] = r.headers['authorization']!.replace(/, Signature=\w+/, '');
      await expectRefusal(
        await send(r),
        'IncompleteSignatureException',
        /requires 'Signature' parameter/,
      );
    });

    it('tampered body', async () => {
      const r = await sign('/pets', admin);
      r.body = PETS_BODY.replace('249.99', '0.01');
      await expectRefusal(
        await send(r),
        'InvalidSignatureException',
        /^The request signature we calculated does not match/,
      );
    });

    it('tampered signed header', async () => {
      const r = await sign('/pets', admin);
      r.headers['content-type'] = 'text/plain';
      await expectRefusal(
        await send(r),
        'InvalidSignatureException',
        /^The request signature we calculated does not match/,
      );
    });

    it('signed for another path (replayed on the admin route)', async () => {
      const r = await sign('/pets/purchase', buyer);
      r.url = `${api}/pets`;
      await expectRefusal(await send(r), 'InvalidSignatureException', /does not match/);
    });

    it('stale date (more than 5 minutes of skew) and a date in the future', async () => {
      const stale = await sign('/pets', admin, {
        signingDate: new Date(clock - 5 * 60_000 - 1000),
      });
      await expectRefusal(
        await send(stale),
        'InvalidSignatureException',
        /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
      );
      const future = await sign('/pets', admin, { signingDate: new Date(clock + 6 * 60_000) });
      await expectRefusal(
        await send(future),
        'InvalidSignatureException',
        /^Signature not yet current/,
      );
      const justInside = await sign('/pets', admin, { signingDate: new Date(clock - 4 * 60_000) });
      assert.equal((await send(justInside)).status, 200);
    });

    it('unknown key', async () => {
      const r = await sign('/pets', { ...admin, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
      await expectRefusal(
        await send(r),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    });

    it('missing or wrong security token', async () => {
      const { sessionToken: _dropped, ...noToken } = admin;
      void _dropped;
      await expectRefusal(
        await send(await sign('/pets', noToken)),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
      const wrong = await sign('/pets', { ...admin, sessionToken: buyer.sessionToken });
      await expectRefusal(
        await send(wrong),
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    });

    it('a signature made with the wrong secret', async () => {
      const r = await sign('/pets', { ...admin, secretAccessKey: buyer.secretAccessKey });
      await expectRefusal(await send(r), 'InvalidSignatureException', /does not match/);
    });

    it('expired credentials', async () => {
      const later = clock + 3601_000;
      const r = await sign('/pets', admin, { signingDate: new Date(later) });
      clock = later;
      await expectRefusal(
        await send(r),
        'UnrecognizedClientException',
        'The security token included in the request is expired',
      );
    });

    it('wrong role: a buyer on the admin method, an admin on the purchase method', async () => {
      const resource = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/test/POST/pets`;
      await expectRefusal(
        await send(await sign('/pets', buyer)),
        'AccessDeniedException',
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/amazon-buyer1 is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
      );
      await expectRefusal(
        await send(await sign('/pets/purchase', admin)),
        'AccessDeniedException',
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-admin/auth0-admin1 is not authorized to perform: execute-api:Invoke on resource: ${resource}/purchase`,
      );
    });

    it('aws-api-gateway-client with a stale clock or the wrong secret', async () => {
      for (const config of [
        {
          secretKey: admin.secretAccessKey,
          systemClockOffset: -10 * 60_000,
          type: 'InvalidSignatureException',
        },
        {
          secretKey: buyer.secretAccessKey,
          systemClockOffset: 0,
          type: 'InvalidSignatureException',
        },
      ]) {
        const client = newApigClient({
          invokeUrl: api,
          region: REGION,
          accessKey: admin.accessKeyId,
          secretKey: config.secretKey,
          sessionToken: admin.sessionToken,
          systemClockOffset: config.systemClockOffset,
        });
        const error = (await client.invokeApi({}, '/pets', 'POST', {}, { pets: [] }).then(
          () => assert.fail('should be refused'),
          (e: unknown) => e,
        )) as { response: { status: number; headers: Record<string, string> } };
        assert.equal(error.response.status, 403);
        assert.equal(error.response.headers['x-amzn-errortype'], config.type);
      }
      assert.equal(edge.calls.length, 0);
    });
  });

  it('logs allowed and refused calls with the reason and no secrets', () => {
    const log = edge.lines.join('\n');
    assert.match(
      log,
      /POST \/test\/pets -> 200 allowed arn:aws:sts::000000000000:assumed-role\/pets-admin/,
    );
    assert.match(log, /POST \/test\/pets -> 403 refused AccessDeniedException/);
    assert.match(log, /refused UnrecognizedClientException \(wrong security token\)/);
    for (const secret of [admin.secretAccessKey, admin.sessionToken, buyer.secretAccessKey]) {
      assert.ok(!log.includes(secret));
    }
  });
});
