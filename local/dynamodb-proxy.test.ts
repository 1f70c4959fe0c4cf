// The local DynamoDB refuses what DynamoDB refuses, and a browser, before dynalite
// sees the call: real @aws-sdk/client-dynamodb clients, @smithy/signature-v4 for
// hand-made signatures, and plain fetch / node:http for hostile requests. After each
// refusal nothing is stored (a test/test client looks) and the service still answers.
//
// What DynamoDB answers (status 400, `{"__type":"com.amazon.coral.service#…","message":…}`),
// and where it says so:
// - Unsigned: MissingAuthenticationTokenException "Request is missing Authentication
//   Token", status 400: https://github.com/awslabs/aws-sdk-ios-samples/issues/111 (the
//   body) and https://github.com/architect/dynalite/issues/105 (status 400).
// - Unknown key: UnrecognizedClientException "The security token included in the request
//   is invalid", 400: https://github.com/baopham/laravel-dynamodb/issues/228 (the body),
//   https://github.com/jcabi/jcabi-dynamo/issues/101 (status 400).
// - Bad signature: InvalidSignatureException "The request signature we calculated does not
//   match the signature you provided…", 400:
//   https://www.packtpub.com/en-us/product/dynamodb-applied-design-patterns-6-9781783551897/chapter/working-with-the-dynamodb-api/error-handling
// - Stale: InvalidSignatureException "Signature expired: 20160610T180547Z is now earlier
//   than 20160610T180612Z (20160610T181112Z - 5 min.)", statusCode 400:
//   https://github.com/hassy/artillery-dino/issues/2, https://github.com/aws/aws-sdk-js/issues/254
// - Denied: AccessDeniedException "User: arn:aws:sts::…:assumed-role/…/… is not authorized
//   to perform: dynamodb:Query on resource: arn:aws:dynamodb:…:table/… because no
//   identity-based policy allows the dynamodb:Query action", status 400:
//   https://github.com/AntonShuvaev/intellij-dynamodb/issues/29,
//   https://github.com/airbytehq/airbyte/issues/25718 (Status Code: 400),
//   `com.amazon.coral.service#AccessDeniedException`: https://github.com/sebdah/dynamic-dynamodb/issues/321
// - Expired temporary credentials: HTTP 400, `{"__type":"com.amazon.coral.service#ExpiredTokenException",
//   "message":"The security token included in the request is expired"}`:
//   https://github.com/guregu/dynamo/issues/68
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CreateTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { roleArn } from '../api/roles';
import { CredentialStore } from './aws/credentials';
import { functionCredentials } from './aws/function-credentials';
import { localRolePolicies } from './aws/role-policies';
import { serviceCredentials } from './aws/service-credentials';
import { startDynamoDB, type DynamoDBServer } from './dynamodb';
import { aws } from './settings';

const TABLE = 'Pets';
const values = {
  tableName: TABLE,
  cursorSecretId: 'secure-pets/cursor-key',
  identity: { issuer: 'http://127.0.0.1:1/', audience: 'pets-spa', jwksUrl: 'http://127.0.0.1:1/' },
};

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

describe('the local DynamoDB checks every call as DynamoDB does', () => {
  const credentials = new CredentialStore();
  let server: DynamoDBServer;
  let admin: DynamoDBClient;
  const refused: string[] = [];

  const client = (keys: Keys) =>
    new DynamoDBClient({
      endpoint: server.endpoint,
      region: aws.region,
      credentials: keys,
      maxAttempts: 1,
    });

  before(async () => {
    server = await startDynamoDB({
      port: 0,
      access: { credentials, policies: localRolePolicies(aws, values) },
      log: (line) => refused.push(line),
    });
    admin = client(serviceCredentials);
    await admin.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await admin.send(new PutItemCommand({ TableName: TABLE, Item: { id: { N: '1' } } }));
  });
  after(async () => {
    admin?.destroy();
    await server?.close();
  });

  const putBody = (id: number) =>
    JSON.stringify({ TableName: TABLE, Item: { id: { N: String(id) }, price: { N: '0.01' } } });

  /** A PutItem signed by @smithy/signature-v4, as the SDK would send it. */
  async function signedPut(id: number, keys: Keys, signingDate = new Date()) {
    const url = new URL(server.endpoint);
    const signer = new SignatureV4({
      credentials: keys,
      region: aws.region,
      service: 'dynamodb',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.PutItem',
        },
        body: putBody(id),
      },
      { signingDate },
    );
    const headers = { ...signed.headers };
    delete headers['host'];
    return { headers, body: putBody(id) };
  }

  async function stored(id: number): Promise<boolean> {
    const got = await admin.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { N: String(id) } } }),
    );
    return got.Item !== undefined;
  }

  async function stillServing(): Promise<void> {
    const tables = await admin.send(new ListTablesCommand({}));
    assert.deepEqual(tables.TableNames, [TABLE]);
  }

  async function coralError(res: Response) {
    assert.equal(res.headers.get('access-control-allow-origin'), null, 'no CORS, ever');
    return { status: res.status, ...((await res.json()) as { __type: string; message: string }) };
  }

  it('serves the local service credentials, test/test, with full access', async () => {
    const { headers, body } = await signedPut(2, serviceCredentials);
    const res = await fetch(server.endpoint, { method: 'POST', headers, body });
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok(await stored(2));
  });

  it('refuses an unsigned call with MissingAuthenticationTokenException', async () => {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
      },
      body: putBody(10),
    });
    assert.deepEqual(await coralError(res), {
      status: 400,
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    assert.equal(await stored(10), false);
    await stillServing();
  });

  it('refuses Signature=0 with InvalidSignatureException', async () => {
    const { headers, body } = await signedPut(11, serviceCredentials);
    headers['authorization'] = String(headers['authorization']).replace(
      /Signature=\w+/,
      'Signature=0',
    );
    const res = await fetch(server.endpoint, { method: 'POST', headers, body });
    const answer = await coralError(res);
    assert.equal(answer.status, 400);
    assert.equal(answer.__type, 'com.amazon.coral.service#InvalidSignatureException');
    assert.match(answer.message, /^The request signature we calculated does not match/);
    assert.equal(await stored(11), false);
    await stillServing();
  });

  it('refuses a key it never issued with UnrecognizedClientException', async () => {
    const foreign = client({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    const error = await foreign
      .send(new PutItemCommand({ TableName: TABLE, Item: { id: { N: '12' } } }))
      .then(
        () => assert.fail('should be refused'),
        (e: unknown) => e,
      );
    foreign.destroy();
    assert.ok(error instanceof DynamoDBServiceException);
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.message, 'The security token included in the request is invalid.');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(await stored(12), false);
    await stillServing();
  });

  it('refuses test/test signed ten minutes ago with InvalidSignatureException "Signature expired"', async () => {
    const { headers, body } = await signedPut(
      13,
      serviceCredentials,
      new Date(Date.now() - 10 * 60_000),
    );
    const answer = await coralError(
      await fetch(server.endpoint, { method: 'POST', headers, body }),
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.__type, 'com.amazon.coral.service#InvalidSignatureException');
    assert.match(
      answer.message,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    assert.equal(await stored(13), false);
    await stillServing();
  });

  it('refuses a browser: a foreign Origin, even signed, and a preflight, with no CORS headers', async () => {
    const { headers, body } = await signedPut(14, serviceCredentials);
    const fromPage = await fetch(server.endpoint, {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body,
    });
    assert.equal(fromPage.status, 403);
    assert.equal(fromPage.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(server.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,content-type',
      },
    });
    assert.equal(preflight.status, 403);
    for (const name of ['allow-origin', 'allow-methods', 'allow-headers']) {
      assert.equal(preflight.headers.get(`access-control-${name}`), null);
    }
    assert.equal(await stored(14), false);
    await stillServing();
  });

  it('refuses Host: rebind.example with 421 before any work', async () => {
    const { headers, body } = await signedPut(15, serviceCredentials);
    const url = new URL(server.endpoint);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          headers: { ...headers, host: 'rebind.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 421);
    assert.equal(await stored(15), false);
    await stillServing();
  });

  it('refuses a buyer’s credentials with AccessDeniedException: browser roles invoke the API only', async () => {
    const buyer = credentials.issue({
      roleArn: roleArn('buyer', aws.account),
      subject: 'google-oauth2|1234',
      sessionName: 'google-oauth2-1234',
    });
    const db = client(buyer);
    const error = await db.send(new ScanCommand({ TableName: TABLE })).then(
      () => assert.fail('should be refused'),
      (e: unknown) => e,
    );
    db.destroy();
    assert.ok(error instanceof DynamoDBServiceException);
    assert.equal(error.name, 'AccessDeniedException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(
      error.message,
      `User: arn:aws:sts::${aws.account}:assumed-role/pets-buyer/google-oauth2-1234 is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:${aws.region}:${aws.account}:table/${TABLE} because no identity-based policy allows the dynamodb:Scan action`,
    );
  });

  it('gives a Lambda’s role its manifest actions only', async () => {
    const roleOf = functionCredentials(credentials, aws.account);
    const getPets = client(roleOf('getPets'));
    try {
      const page = await getPets.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': { N: '1' } },
        }),
      );
      assert.equal(page.Count, 1, 'getPets may Query');
      for (const command of [
        new ScanCommand({ TableName: TABLE }),
        new PutItemCommand({ TableName: TABLE, Item: { id: { N: '16' } } }),
        new GetItemCommand({ TableName: 'Other', Key: { id: { N: '1' } } }),
      ]) {
        const error = await getPets.send(command as QueryCommand).then(
          () => assert.fail('should be refused'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof DynamoDBServiceException);
        assert.equal(error.name, 'AccessDeniedException');
      }
    } finally {
      getPets.destroy();
    }
    assert.equal(await stored(16), false);
    const putPet = client(roleOf('putPet'));
    try {
      await putPet.send(new GetItemCommand({ TableName: TABLE, Key: { id: { N: '1' } } }));
    } finally {
      putPet.destroy();
    }
  });

  it('refuses expired temporary credentials with ExpiredTokenException', async () => {
    let now = Date.now();
    const store = new CredentialStore({ now: () => now });
    const local = await startDynamoDB({
      port: 0,
      access: { credentials: store, policies: localRolePolicies(aws, values) },
    });
    now -= 2 * 3600_000; // issued two hours ago, for one hour
    const old = store.issue({
      roleArn: roleArn('buyer', aws.account),
      subject: 'google-oauth2|1',
      sessionName: 'old-session',
    });
    const db = new DynamoDBClient({
      endpoint: local.endpoint,
      region: aws.region,
      credentials: old,
      maxAttempts: 1,
    });
    try {
      const error = await db.send(new ListTablesCommand({})).then(
        () => assert.fail('should be refused'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DynamoDBServiceException);
      assert.equal(error.name, 'ExpiredTokenException');
      assert.equal(error.message, 'The security token included in the request is expired');
      assert.equal(error.$metadata.httpStatusCode, 400);
    } finally {
      db.destroy();
      await local.close();
    }
  });

  it('survives a malformed Authorization and a client that hangs up mid-body', async () => {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.PutItem',
        authorization: 'AWS4-HMAC-SHA256 garbage',
        'x-amz-date': 'yesterday',
      },
      body: putBody(17),
    });
    const answer = await coralError(res);
    assert.equal(answer.status, 400);
    assert.equal(answer.__type, 'com.amazon.coral.service#IncompleteSignatureException');
    const url = new URL(server.endpoint);
    await new Promise<void>((resolve) => {
      const req = request({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: { 'content-length': '1000', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      });
      req.on('error', () => resolve());
      req.write('{"TableName":', () => {
        req.destroy();
        setTimeout(resolve, 50);
      });
    });
    assert.equal(await stored(17), false);
    await stillServing();
  });

  it('logs each refusal with its reason', () => {
    assert.ok(refused.some((line) => line.includes('MissingAuthenticationTokenException')));
    assert.ok(refused.some((line) => line.includes('AccessDeniedException')));
  });
});
