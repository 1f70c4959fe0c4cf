// Presigned URLs (SigV4 in the query string) at the local API Gateway, made by AWS's
// own presigner (@smithy/signature-v4's `presign`) and by aws4fetch (`AwsV4Signer`,
// `signQuery: true`), with credentials from the local STS and the real Lambdas and
// table behind: what API Gateway accepts on an AWS_IAM method in the Authorization
// header it accepts in the query string, and refuses the same way.
//
// The contract, as AWS documents and answers it:
// - the parameters: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
//   (X-Amz-Algorithm, -Credential, -Date, -Expires at most 604800, -SignedHeaders,
//   -Security-Token, -Signature) and the common parameters of every SigV4 service,
//   https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/CommonParameters.md;
// - X-Amz-Expires counts for S3 alone; other services keep their own signature
//   lifetime: https://github.com/aws/aws-sdk-go/pull/2224 (aws/request/request.go,
//   Presign: "All other AWS services will use a fixed expiration time"), hence at most
//   the gateway's 5-minute skew here;
// - the payload hash is the body's (the query-signed vectors of
//   https://github.com/awslabs/aws-c-auth/tree/main/tests/aws-signing-test-suite/v4);
//   UNSIGNED-PAYLOAD is S3's;
// - AWS's own front end's answers, as dynalite copies DynamoDB's
//   (https://github.com/architect/dynalite/blob/main/index.js): "Found both
//   'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
//   (InvalidSignatureException), "AWS query-string parameters must include '…'.
//   Re-examine the query-string parameters." (IncompleteSignatureException), and
//   "Signature expired: … is now earlier than … (… - 5 min.)" for a stale signature
//   (also https://github.com/aws/aws-sdk-js/issues/573). API Gateway sends them as its
//   403 with `x-amzn-ErrorType` (gateway.test.ts).
import assert from 'node:assert/strict';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { AwsV4Signer } from 'aws4fetch';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { HandlerName } from '../../api/handlers';
import type { Pet } from '../../api/pet';
import { INVALID_SECURITY_TOKEN, SIGNATURE_MISMATCH } from './errors';
import { presignUrl, signRequest, type SigningCredentials } from './sign';
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

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;
const MINUTE = 60_000;

// Pets 1..9; every third sold.
const store: Pet[] = makePets(9).map((p) =>
  p.id % 3 === 0 ? { ...p, isSold: true, soldTo: `buyer${p.id}@example.com` } : p,
);
const soldNewestFirst = store.filter((p) => p.isSold).sort((a, b) => b.id - a.id);

interface Creds extends SigningCredentials {
  sessionToken: string;
}

describe('presigned URLs at the gateway', () => {
  let backend: Backend;
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let api: string;
  let admin: Creds;
  let buyer: Creds;
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
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp, handlers: recordingRuns(await loadHandlers(), ran) });
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

  /** A URL presigned by @smithy/signature-v4, as the AWS SDKs presign. */
  const presign = (
    url: string,
    credentials: SigningCredentials,
    options: {
      method?: string;
      body?: string;
      headers?: Record<string, string>;
      expiresIn?: number;
      signingDate?: Date;
    } = {},
  ) => presignUrl({ url, credentials, region: REGION, ...options });

  /** A URL presigned by aws4fetch (`signQuery`), with no X-Amz-Expires unless `url` has one. */
  async function presignWithAws4fetch(
    url: string,
    credentials: Creds,
    options: { method?: string; datetime?: string } = {},
  ): Promise<string> {
    const signer = new AwsV4Signer({
      url,
      method: options.method ?? 'GET',
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      service: 'execute-api',
      region: REGION,
      signQuery: true,
      datetime: options.datetime,
    });
    return (await signer.sign()).url.toString();
  }

  const amzDate = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

  async function expectRefusal(response: Response, type: string, message: string | RegExp) {
    const body = (await response.json()) as { message: string };
    assert.equal(response.status, 403, body.message);
    assert.equal(response.headers.get('x-amzn-errortype'), type);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    if (typeof message === 'string') assert.equal(body.message, message);
    else assert.match(body.message, message);
    assert.deepEqual(ran, [], 'the Lambda must not run');
  }

  async function petInTable(id: number) {
    const out = await backend.client.send(
      new GetItemCommand({ TableName: backend.tableName, Key: { id: { N: String(id) } } }),
    );
    return out.Item;
  }

  describe('accepted', () => {
    it("answers an admin's GET /pets/sales presigned by @smithy/signature-v4 with the sales", async () => {
      const url = await presign(`${api}/pets/sales`, admin);
      assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
      assert.match(url, /X-Amz-Security-Token=/);
      const res = await fetch(url);
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await res.json(), soldNewestFirst);
      assert.deepEqual(ran, ['listSales']);
    });

    it("answers an admin's GET /pets/sales presigned by aws4fetch (signQuery), with or without X-Amz-Expires", async () => {
      for (const url of [
        `${api}/pets/sales?limit=2`,
        `${api}/pets/sales?limit=2&X-Amz-Expires=60`,
      ]) {
        const presigned = await presignWithAws4fetch(url, admin);
        assert.match(presigned, /X-Amz-Algorithm=AWS4-HMAC-SHA256/);
        const res = await fetch(presigned);
        assert.equal(res.status, 200, await res.clone().text());
        assert.deepEqual(await res.json(), soldNewestFirst.slice(0, 2));
      }
      assert.deepEqual(ran, ['listSales', 'listSales']);
    });

    it("signs the body by its hash: a buyer's presigned POST /pets/mine gets their purchases, another body or UNSIGNED-PAYLOAD is refused", async () => {
      const body = JSON.stringify({
        authToken: await backend.token({ email: 'buyer3@example.com' }),
      });
      const headers = { 'content-type': 'application/json' };
      const url = await presign(`${api}/pets/mine`, buyer, { method: 'POST', body, headers });
      assert.doesNotMatch(url, /UNSIGNED-PAYLOAD/);
      const res = await fetch(url, { method: 'POST', headers, body });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(
        await res.json(),
        soldNewestFirst.filter((p) => p.id === 3),
      );
      assert.deepEqual(ran, ['listMine']);
      ran.length = 0;

      const other = JSON.stringify({
        authToken: await backend.token({ email: 'buyer6@example.com' }),
      });
      await expectRefusal(
        await fetch(url, { method: 'POST', headers, body: other }),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
      // S3's unsigned payload (X-Amz-Content-Sha256=UNSIGNED-PAYLOAD, hoisted into the query).
      const unsigned = await presign(`${api}/pets/mine`, buyer, {
        method: 'POST',
        body,
        headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      assert.match(unsigned, /X-Amz-Content-Sha256=UNSIGNED-PAYLOAD/i);
      await expectRefusal(
        await fetch(unsigned, { method: 'POST', headers, body }),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
    });

    it('accepts a URL signed up to 5 minutes ago or ahead (the clock skew)', async () => {
      for (const offset of [-4 * MINUTE, 4 * MINUTE]) {
        const signingDate = new Date(Date.now() + offset);
        const res = await fetch(await presign(`${api}/pets/sales`, admin, { signingDate }));
        assert.equal(res.status, 200, `${offset}: ${await res.clone().text()}`);
      }
    });
  });

  describe('refused, with nothing run and nothing changed', () => {
    it("refuses a buyer's presigned URL for an admin route with AccessDeniedException, as the header form", async () => {
      const message = `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/amazon-buyer1 is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/test/GET/pets/sales`;
      const headerSigned = await signRequest({
        url: `${api}/pets/sales`,
        method: 'GET',
        credentials: buyer,
        region: REGION,
      });
      await expectRefusal(
        await fetch(headerSigned.url, { headers: headerSigned.headers }),
        'AccessDeniedException',
        message,
      );
      await expectRefusal(
        await fetch(await presign(`${api}/pets/sales`, buyer)),
        'AccessDeniedException',
        message,
      );
      await expectRefusal(
        await fetch(await presignWithAws4fetch(`${api}/pets/sales`, buyer)),
        'AccessDeniedException',
        message,
      );
    });

    it('refuses a changed, added or removed query parameter: the signature no longer matches', async () => {
      const url = await presign(`${api}/pets/sales?limit=1`, admin, { expiresIn: 60 });
      const changed = [
        url.replace('limit=1', 'limit=100'),
        url.replace('X-Amz-Expires=60', 'X-Amz-Expires=300'),
        `${url}&cursor=x`,
        url.replace('limit=1&', ''),
      ];
      for (const tampered of changed) {
        assert.notEqual(tampered, url);
        await expectRefusal(await fetch(tampered), 'InvalidSignatureException', SIGNATURE_MISMATCH);
      }
    });

    it("refuses an admin's presigned DELETE /pets/3 sent for another pet, which stays", async () => {
      const url = await presign(`${api}/pets/3`, admin, { method: 'DELETE' });
      const other = url.replace('/pets/3?', '/pets/4?');
      await expectRefusal(
        await fetch(other, { method: 'DELETE' }),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
      assert.ok(await petInTable(4), 'pet 4 is still stored');
      // The URL as signed is refused for another method too.
      await expectRefusal(
        await fetch(url, { method: 'PUT', body: '{}' }),
        'InvalidSignatureException',
        SIGNATURE_MISMATCH,
      );
      assert.ok(await petInTable(3), 'pet 3 is still stored');
    });

    it('refuses a URL past its X-Amz-Expires with "Signature expired"', async () => {
      const signingDate = new Date(Date.now() - 2 * MINUTE);
      const url = await presign(`${api}/pets/sales`, admin, { expiresIn: 60, signingDate });
      await expectRefusal(
        await fetch(url),
        'InvalidSignatureException',
        new RegExp(
          `^Signature expired: ${amzDate(signingDate)} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 1 min\\.\\)$`,
        ),
      );
      const withAws4fetch = await presignWithAws4fetch(
        `${api}/pets/sales?X-Amz-Expires=30`,
        admin,
        {
          datetime: amzDate(signingDate),
        },
      );
      await expectRefusal(
        await fetch(withAws4fetch),
        'InvalidSignatureException',
        /^Signature expired: .* - 30 sec\.\)$/,
      );
    });

    it('refuses a URL signed 10 minutes ago, whatever its X-Amz-Expires: the 5-minute skew', async () => {
      const signingDate = new Date(Date.now() - 10 * MINUTE);
      for (const url of [
        await presign(`${api}/pets/sales`, admin, { expiresIn: 3600, signingDate }),
        await presignWithAws4fetch(`${api}/pets/sales`, admin, { datetime: amzDate(signingDate) }),
      ]) {
        await expectRefusal(
          await fetch(url),
          'InvalidSignatureException',
          new RegExp(
            `^Signature expired: ${amzDate(signingDate)} is now earlier than .* - 5 min\\.\\)$`,
          ),
        );
      }
    });

    it('refuses a URL signed 10 minutes ahead: "Signature not yet current"', async () => {
      const signingDate = new Date(Date.now() + 10 * MINUTE);
      for (const url of [
        await presign(`${api}/pets/sales`, admin, { signingDate }),
        await presignWithAws4fetch(`${api}/pets/sales`, admin, { datetime: amzDate(signingDate) }),
      ]) {
        await expectRefusal(
          await fetch(url),
          'InvalidSignatureException',
          new RegExp(
            `^Signature not yet current: ${amzDate(signingDate)} is still later than .* \\+ 5 min\\.\\)$`,
          ),
        );
      }
    });

    it('refuses an X-Amz-Expires over a week, or not a number', async () => {
      const url = await presign(`${api}/pets/sales`, admin);
      await expectRefusal(
        await fetch(url.replace('X-Amz-Expires=300', 'X-Amz-Expires=604801')),
        'IncompleteSignatureException',
        'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
      );
      await expectRefusal(
        await fetch(url.replace('X-Amz-Expires=300', 'X-Amz-Expires=5m')),
        'IncompleteSignatureException',
        'X-Amz-Expires should be a number',
      );
    });

    it('refuses a URL that also carries an Authorization header', async () => {
      const url = await presign(`${api}/pets/sales`, admin);
      const headerSigned = await signRequest({
        url: `${api}/pets/sales`,
        method: 'GET',
        credentials: admin,
        region: REGION,
      });
      await expectRefusal(
        await fetch(url, { headers: headerSigned.headers }),
        'InvalidSignatureException',
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      );
    });

    it('refuses missing parameters, another algorithm, a missing or foreign security token', async () => {
      const url = await presign(`${api}/pets/sales`, admin);
      const without = (name: string) => url.replace(new RegExp(`&?${name}=[^&]*`), '');
      await expectRefusal(
        await fetch(without('X-Amz-Signature')),
        'IncompleteSignatureException',
        "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
      );
      await expectRefusal(
        await fetch(without('X-Amz-Credential').replace(/X-Amz-Date=[^&]*&?/, '')),
        'IncompleteSignatureException',
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
      );
      await expectRefusal(
        await fetch(
          url.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA1'),
        ),
        'IncompleteSignatureException',
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
      );
      await expectRefusal(
        await fetch(without('X-Amz-Security-Token')),
        'UnrecognizedClientException',
        INVALID_SECURITY_TOKEN,
      );
      const buyersToken = encodeURIComponent(buyer.sessionToken);
      await expectRefusal(
        await fetch(
          url.replace(/X-Amz-Security-Token=[^&]*/, `X-Amz-Security-Token=${buyersToken}`),
        ),
        'UnrecognizedClientException',
        INVALID_SECURITY_TOKEN,
      );
    });
  });
});
