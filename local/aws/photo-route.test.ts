// POST /pets/{id}/photo through the local API Gateway with requests signed by
// @smithy/signature-v4 and credentials from the local STS: the admin role gets its
// upload form, the buyer role and unsigned callers are refused before any Lambda runs,
// as API Gateway refuses a role whose policy lacks execute-api:Invoke on the method
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html).
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HandlerName } from '../../api/handlers';
import { lambdaEnv } from '../../api/handlers';
import {
  type Backend,
  loadHandlers,
  makePets,
  recordingRuns,
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
import { signRequest, type SigningCredentials } from './sign';

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;

describe('POST /pets/{id}/photo at the gateway', () => {
  let backend: Backend;
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let api: string;
  const ran: HandlerName[] = [];

  const credentialsFor = async (sub: string, roleArn: string) =>
    webIdentityCredentials(edge.edge.url, {
      roleArn,
      token: await idp.token({ sub }),
      sessionName: sub.replace('|', '-'),
    });

  async function get(path: string, credentials?: SigningCredentials): Promise<Response> {
    if (!credentials) return fetch(`${api}${path}`);
    const r = await signRequest({
      url: `${api}${path}`,
      method: 'GET',
      credentials,
      region: REGION,
    });
    return fetch(r.url, { method: r.method, headers: r.headers });
  }

  async function post(path: string, credentials?: SigningCredentials): Promise<Response> {
    const body = JSON.stringify({ contentType: 'image/jpeg' });
    const headers = { 'content-type': 'application/json' };
    if (!credentials) return fetch(`${api}${path}`, { method: 'POST', headers, body });
    const r = await signRequest({
      url: `${api}${path}`,
      method: 'POST',
      body,
      headers,
      credentials,
      region: REGION,
    });
    return fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  }

  before(async () => {
    backend = await startBackend({ env: { [lambdaEnv.photosBucket]: 'photos-test' } });
    await backend.seed(makePets(3));
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

  it('gives the admin role an upload form for the pet', async () => {
    const res = await post('/pets/2/photo', await credentialsFor('auth0|admin1', ADMIN));
    const body = (await res.json()) as { url: string; fields: Record<string, string> };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(body.fields['key']!, /^uploads\/2\//);
    assert.deepEqual(ran, ['photoUpload']);
  });

  it('refuses the buyer role with AccessDeniedException, before any Lambda runs', async () => {
    const res = await post('/pets/2/photo', await credentialsFor('amazon|buyer1', BUYER));
    const body = (await res.json()) as { message: string };
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.equal(
      body.message,
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/amazon-buyer1 is not authorized to perform: ` +
        `execute-api:Invoke on resource: arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/test/POST/pets/2/photo`,
    );
    assert.deepEqual(ran, []);
  });

  it('refuses an unsigned call with MissingAuthenticationTokenException', async () => {
    const res = await post('/pets/2/photo');
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(ran, []);
  });

  describe('GET /pets/{id}/photo', () => {
    it('tells the admin role the photo and why the latest upload was refused, nothing else', async () => {
      const admin = await credentialsFor('auth0|admin1', ADMIN);
      const none = await get('/pets/3/photo', admin);
      assert.equal(none.status, 200);
      assert.deepEqual(await none.json(), {});
      const error = {
        key: 'uploads/3/abcdefghijklmnopqrstuvwx',
        reason: 'No.',
        at: '2026-01-01T00:00:00.000Z',
      };
      const photo = {
        url: '/photos/3/h-640.webp',
        width: 640,
        height: 480,
        srcset: '/photos/3/h-640.webp 640w',
      };
      await backend.client.send(
        new UpdateItemCommand({
          TableName: backend.tableName,
          Key: { id: { N: '3' } },
          UpdateExpression: 'SET photoError = :e, photo = :p',
          ExpressionAttributeValues: marshall({ ':e': error, ':p': photo }),
        }),
      );
      const res = await get('/pets/3/photo', admin);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await res.json(), { photo, error });
      assert.deepEqual(ran, ['photoState', 'photoState']);
    });

    it('answers 404 for a pet that is not there', async () => {
      const res = await get('/pets/99/photo', await credentialsFor('auth0|admin1', ADMIN));
      assert.equal(res.status, 404);
    });

    it('refuses the buyer role and an unsigned call before any Lambda runs', async () => {
      const buyer = await get('/pets/3/photo', await credentialsFor('amazon|buyer1', BUYER));
      assert.equal(buyer.status, 403);
      assert.equal(buyer.headers.get('x-amzn-errortype'), 'AccessDeniedException');
      const unsigned = await get('/pets/3/photo');
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      assert.deepEqual(ran, []);
    });
  });
});
