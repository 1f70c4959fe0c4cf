// API Gateway's and Lambda's limits at the local gateway, and its response
// compression: the numbers of api/http-api.ts by default, small overrides where the
// real ones would make a test send 10 MB or wait 29 s.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  handlerNames,
  handlers as manifest,
  type HandlerName,
  type LambdaHandler,
} from '../../api/handlers';
import { api } from '../../api/http-api';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { newApigClient } from './apig-client';
import { negotiateEncoding } from './compression';
import { gatewayLimits } from './gateway-limits';
import { configuredTimeoutMs, inProcessInvoker } from './invoke';
import { signRequest } from './sign';
import { ACCOUNT, REGION, startTestEdge } from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A JSON array string of exactly `bytes` bytes (at least 2). */
function jsonOfSize(bytes: number): string {
  return `[${'1,'.repeat(Math.floor((bytes - 3) / 2))}${bytes % 2 === 0 ? '11' : '1'}]`;
}

/** getPets answers a body of `?bytes=` bytes (default 10). */
const sized = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: jsonOfSize(Number(event.queryStringParameters?.['bytes'] ?? 10)),
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with node:http, which neither asks for nor decodes compression by itself. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function assertApiGatewayError(
  response: RawResponse,
  status: number,
  body: string,
  errorType?: string,
) {
  assert.equal(response.status, status);
  assert.equal(response.body.toString('utf8'), body);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(response.headers['access-control-allow-origin'], '*');
  assert.match(String(response.headers['access-control-expose-headers']), /x-amzn-ErrorType/);
  assert.equal(response.headers['x-amzn-errortype'], errorType);
}

describe('limits and compression', () => {
  let idp: TokenIssuer;
  before(async () => {
    idp = await startTokenIssuer();
  });
  after(async () => {
    await idp.close();
  });

  it('defaults to the API definition: 10 MB, 6 MB, 29 s, each function its own timeout, 1024 bytes', () => {
    assert.deepEqual(gatewayLimits(), {
      maxRequestBytes: 10_485_760,
      maxLambdaRequestBytes: 6_291_456,
      maxLambdaResponseBytes: 6_291_456,
      integrationTimeoutMs: 29_000,
      minimumCompressionSize: 1024,
    });
    assert.equal(gatewayLimits().maxRequestBytes, api.limits.maxRequestBytes);
    assert.equal(configuredTimeoutMs('putPet'), manifest.putPet.timeoutSeconds * 1000);
    assert.equal(gatewayLimits({ integrationTimeoutMs: 5 }).integrationTimeoutMs, 5);
  });

  describe('at the real limits', () => {
    let edge: Awaited<ReturnType<typeof startTestEdge>>;
    let api: string;
    before(async () => {
      edge = await startTestEdge({
        idp,
        handlers: {
          getPets: sized,
          updatePets: async (event) => ({ statusCode: 200, body: `${event.body?.length ?? 0}` }),
        },
      });
      api = `${edge.edge.url}/test`;
    });
    after(() => edge.edge.close());

    it('refuses a body over 10 MB with 413 and API Gateway wording, before auth or any Lambda', async () => {
      const response = await raw(`${api}/pets`, {
        method: 'POST',
        body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
      });
      assertApiGatewayError(
        response,
        413,
        JSON.stringify({ message: 'HTTP content length exceeded 10485760 bytes.' }),
      );
      assert.equal(edge.calls.length, 0);
      assert.match(edge.lines.join('\n'), /POST \/test\/pets -> 413 refused \(body too large\)/);
    });

    it('turns an answer over 6 MB into 502 Internal server error', async () => {
      const ok = await raw(`${api}/pets?bytes=${6 * 1024 * 1024 - 100}`);
      assert.equal(ok.status, 200);
      const tooBig = await raw(`${api}/pets?bytes=${6 * 1024 * 1024}`);
      assertApiGatewayError(
        tooBig,
        502,
        '{"message": "Internal server error"}',
        'InternalServerErrorException',
      );
      assert.match(
        edge.lines.join('\n'),
        /getPets failed: Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(6291456 bytes\)/,
      );
    });
  });

  describe('with small overrides', () => {
    let edge: Awaited<ReturnType<typeof startTestEdge>>;
    let api: string;
    let finishedAfterTimeout = false;
    let admin: { accessKeyId: string; secretAccessKey: string; sessionToken: string };

    before(async () => {
      edge = await startTestEdge({
        idp,
        limits: {
          maxRequestBytes: 4096,
          maxLambdaRequestBytes: 20_000, // the signed headers appear twice in the event
          maxLambdaResponseBytes: 3000,
          functionTimeoutMs: 150,
          integrationTimeoutMs: 2000,
        },
        handlers: {
          getPets: async (event) => {
            const wait = Number(event.queryStringParameters?.['sleep'] ?? 0);
            if (wait) {
              await sleep(wait);
              finishedAfterTimeout = true;
            }
            if (event.queryStringParameters?.['throw']) throw new TypeError('boom');
            if (event.queryStringParameters?.['malformed']) {
              return { body: 'no status' } as unknown as APIGatewayProxyResult;
            }
            return sized(event);
          },
          updatePets: async (event) => ({ statusCode: 200, body: `${event.body?.length ?? 0}` }),
        },
      });
      api = `${edge.edge.url}/test`;
      const sts = new STSClient({ region: REGION, endpoint: edge.edge.url, maxAttempts: 1 });
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/pets-admin`,
          RoleSessionName: 'auth0-admin1',
          WebIdentityToken: await idp.token({ sub: 'auth0|admin1' }),
        }),
      );
      sts.destroy();
      admin = {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      };
    });
    after(() => edge.edge.close());
    beforeEach(() => {
      edge.calls.length = 0;
    });

    const signedPost = async (body: string) => {
      const r = await signRequest({
        url: `${api}/pets`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        credentials: admin,
        region: REGION,
      });
      return raw(r.url, { method: 'POST', headers: r.headers, body });
    };

    it('takes a body of exactly maxRequestBytes and refuses one byte more', async () => {
      const fits = await signedPost(jsonOfSize(4096));
      assert.equal(fits.status, 200);
      assert.equal(fits.body.toString(), '4096');
      const over = await signedPost(jsonOfSize(4097));
      assertApiGatewayError(
        over,
        413,
        JSON.stringify({ message: 'HTTP content length exceeded 4096 bytes.' }),
      );
    });

    it('refuses an event over Lambda’s payload limit with 413 Request Too Long; the Lambda never runs', async () => {
      let ran = false;
      const small = await startTestEdge({
        idp,
        limits: { maxLambdaRequestBytes: 2000 },
        handlers: {
          getPets: async () => {
            ran = true;
            return { statusCode: 200, body: '[]' };
          },
        },
      });
      try {
        const response = await raw(`${small.edge.url}/test/pets?q=${'x'.repeat(2000)}`);
        assertApiGatewayError(response, 413, JSON.stringify({ message: 'Request Too Long' }));
        assert.equal(ran, false);
        assert.match(small.lines.join('\n'), /Request must be smaller than 2000 bytes/);
      } finally {
        await small.edge.close();
      }
    });

    it('turns an answer over maxLambdaResponseBytes into 502; the limit counts the whole proxy result', async () => {
      const under = await raw(`${api}/pets?bytes=2000`);
      assert.equal(under.status, 200);
      // 2990 bytes of body fit 3000, but not with statusCode and headers around them.
      const over = await raw(`${api}/pets?bytes=2990`);
      assertApiGatewayError(
        over,
        502,
        '{"message": "Internal server error"}',
        'InternalServerErrorException',
      );
    });

    it('turns a thrown error or a malformed result into 502', async () => {
      for (const query of ['throw=1', 'malformed=1']) {
        const response = await raw(`${api}/pets?${query}`);
        assertApiGatewayError(
          response,
          502,
          '{"message": "Internal server error"}',
          'InternalServerErrorException',
        );
      }
      const log = edge.lines.join('\n');
      assert.match(log, /getPets failed: boom/);
      assert.match(log, /getPets failed: malformed proxy result/);
    });

    it('turns a function past its configured timeout into 502; in process the handler runs on', async () => {
      finishedAfterTimeout = false;
      const started = Date.now();
      const response = await raw(`${api}/pets?sleep=400`);
      assertApiGatewayError(
        response,
        502,
        '{"message": "Internal server error"}',
        'InternalServerErrorException',
      );
      assert.ok(Date.now() - started < 400, 'answered at the function timeout');
      assert.match(edge.lines.join('\n'), /getPets failed: Task timed out after 0\.15 seconds/);
      assert.equal(finishedAfterTimeout, false);
      await sleep(400);
      assert.equal(finishedAfterTimeout, true, 'nothing stops an in-process handler');
    });

    it('turns an integration past integrationTimeoutMs into 504 Endpoint request timed out', async () => {
      const slow = await startTestEdge({
        idp,
        limits: { integrationTimeoutMs: 100, functionTimeoutMs: 5000 },
        handlers: {
          getPets: async () => {
            await sleep(300);
            return { statusCode: 200, body: '[]' };
          },
        },
      });
      try {
        const response = await raw(`${slow.edge.url}/test/pets`);
        assertApiGatewayError(
          response,
          504,
          '{"message": "Endpoint request timed out"}',
          'InternalServerErrorException',
        );
        assert.match(slow.lines.join('\n'), /getPets passed the 100 ms integration timeout/);
      } finally {
        await sleep(250); // let the handler finish before the edge goes
        await slow.edge.close();
      }
    });
  });

  describe('compression (minimumCompressionSize 1024)', () => {
    let edge: Awaited<ReturnType<typeof startTestEdge>>;
    let api: string;
    let lastHeaders: APIGatewayProxyEvent['headers'] = {};
    before(async () => {
      edge = await startTestEdge({
        idp,
        handlers: {
          getPets: async (event) => {
            lastHeaders = event.headers;
            const result = await sized(event);
            if (event.queryStringParameters?.['encoded']) {
              result.headers = { ...result.headers, 'Content-Encoding': 'br' };
            }
            return result;
          },
        },
      });
      api = `${edge.edge.url}/test`;
    });
    after(() => edge.edge.close());

    it('gzips an answer of at least 1024 bytes for a client that accepts gzip, and adds no Vary', async () => {
      const response = await raw(`${api}/pets?bytes=1024`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.equal(response.headers['vary'], undefined);
      assert.equal(response.headers['access-control-allow-origin'], '*');
      assert.equal(Number(response.headers['content-length']), response.body.length);
      assert.equal(gunzipSync(response.body).toString(), jsonOfSize(1024));
    });

    it('sends identity below the threshold, without Accept-Encoding, or when the integration encoded it', async () => {
      const small = await raw(`${api}/pets?bytes=1023`, { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(small.headers['content-encoding'], undefined);
      assert.equal(small.body.toString(), jsonOfSize(1023));
      const plain = await raw(`${api}/pets?bytes=5000`);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.body.toString(), jsonOfSize(5000));
      const encoded = await raw(`${api}/pets?bytes=5000&encoded=1`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      assert.equal(encoded.headers['content-encoding'], 'br');
      assert.equal(encoded.body.toString(), jsonOfSize(5000));
    });

    it('negotiates as API Gateway: gzip or deflate when highest-weighted, else identity', async () => {
      const cases: [string, 'gzip' | 'deflate' | undefined][] = [
        ['gzip, deflate, br', 'gzip'], // Chrome and axios ask this way
        ['deflate', 'deflate'],
        ['deflate;q=0.5,gzip;q=1.0', 'gzip'],
        ['gzip;q=1.0,identity;q=0.5,*;q=0', 'gzip'],
        ['br', undefined],
        ['br;q=1, gzip;q=0.8', undefined], // its first choice is not one API Gateway has
        ['gzip;q=0', undefined],
        ['identity', undefined],
        ['*', undefined],
        ['', undefined],
      ];
      for (const [accept, expected] of cases) {
        assert.equal(negotiateEncoding(accept) ?? undefined, expected, accept);
        const response = await raw(`${api}/pets?bytes=2000`, {
          headers: accept ? { 'Accept-Encoding': accept } : {},
        });
        assert.equal(response.headers['content-encoding'], expected, accept);
        const body =
          expected === 'gzip'
            ? gunzipSync(response.body)
            : expected === 'deflate'
              ? inflateSync(response.body)
              : response.body;
        assert.equal(body.toString(), jsonOfSize(2000), accept);
      }
    });

    it('is decoded transparently by fetch and by aws-api-gateway-client (axios)', async () => {
      const viaFetch = await fetch(`${api}/pets?bytes=3000`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      assert.equal(viaFetch.headers.get('content-encoding'), 'gzip');
      assert.equal(await viaFetch.text(), jsonOfSize(3000));

      const client = newApigClient({ invokeUrl: api, region: REGION });
      const response = await client.invokeApi(
        {},
        '/pets',
        'GET',
        { queryParams: { bytes: '3000' }, headers: { 'Accept-Encoding': 'gzip, deflate' } },
        undefined,
      );
      assert.equal(response.status, 200);
      assert.deepEqual(response.data, JSON.parse(jsonOfSize(3000)));
      assert.equal(
        lastHeaders['Accept-Encoding'] ?? lastHeaders['accept-encoding'],
        'gzip, deflate',
      );
    });
  });

  it('invokes in process with Lambda’s answers: ok, function error, refused event', async () => {
    // Every function of the manifest (a new one must not break this test), then the
    // ones whose outcomes it checks.
    const unused: LambdaHandler = async () => ({ statusCode: 500, body: 'unused' });
    const invoke = inProcessInvoker(
      {
        ...(Object.fromEntries(handlerNames.map((name) => [name, unused])) as Record<
          HandlerName,
          LambdaHandler
        >),
        getPets: async () => ({ statusCode: 200, body: '[]' }),
        updatePets: () => Promise.reject(new RangeError('nope')),
        putPet: () => new Promise(() => undefined), // never settles
        deletePet: async () => ({ statusCode: 204, body: '' }),
        purchasePet: async () => ({ statusCode: 200, body: 'x'.repeat(100) }),
      },
      { timeoutMs: () => 20, maxRequestBytes: 5000, maxResponseBytes: 100 },
    );
    const event = { body: null } as unknown as APIGatewayProxyEvent;
    assert.deepEqual(await invoke('getPets', event), {
      status: 'ok',
      payload: '{"statusCode":200,"body":"[]"}',
    });
    assert.deepEqual(await invoke('updatePets', event), {
      status: 'function-error',
      errorType: 'RangeError',
      errorMessage: 'nope',
    });
    assert.deepEqual(await invoke('putPet', event), {
      status: 'function-error',
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 0.02 seconds',
    });
    assert.equal((await invoke('purchasePet', event)).status, 'function-error');
    const big = { body: 'x'.repeat(5000) } as unknown as APIGatewayProxyEvent;
    assert.equal((await invoke('deletePet', big)).status, 'request-too-large');
  });
});
