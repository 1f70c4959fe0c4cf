// Secrets Manager's signature and IAM checks on the edge, with the real
// @aws-sdk/client-secrets-manager, @smithy/signature-v4 and plain fetch.
//
// What AWS answers, and where it says so:
// - Statuses: Secrets Manager's Common Errors
//   https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html
//   (AccessDeniedException 400, IncompleteSignature 400, MissingAuthenticationToken 403).
// - Unsigned: "MissingAuthenticationTokenException: Missing Authentication Token" from
//   GetSecretValue, https://github.com/aws/aws-sdk-cpp/issues/2466
// - Stale: "InvalidSignatureException … GetSecretValue operation: Signature expired: … is
//   now earlier than … - 5 min.)", https://github.com/boto/botocore/issues/3587
// - Denied: "AccessDeniedException: User: arn:aws:sts::…:assumed-role/… is not authorized
//   to perform: secretsmanager:GetSecretValue on resource: … because no identity-based
//   policy allows the secretsmanager:GetSecretValue action", status code 400,
//   https://github.com/mongodb/awscdk-resources-mongodbatlas/issues/207
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SignatureV4 } from '@smithy/signature-v4';
import { roleArn } from '../../api/roles';
import { ACCOUNT, REGION, startTestEdge } from '../../node-testing/edge';
import { webIdentityCredentials } from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';
import { cursorSecretName } from '../secrets-file';
import { functionCredentials } from './function-credentials';
import { localRolePolicies } from './role-policies';
import { LocalSecrets } from './secrets';
import { serviceCredentials } from './service-credentials';

const KEY = Buffer.alloc(32, 9).toString('base64');
const values = {
  tableName: 'Pets',
  cursorSecretId: cursorSecretName,
  identity: { issuer: 'http://127.0.0.1:1/', audience: 'pets-spa', jwksUrl: 'http://127.0.0.1:1/' },
};

describe('Secrets Manager checks the caller as AWS does', () => {
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;

  before(async () => {
    idp = await startTokenIssuer();
    edge = await startTestEdge({
      idp,
      secrets: new LocalSecrets(ACCOUNT, REGION, { [cursorSecretName]: KEY }),
      policies: localRolePolicies({ region: REGION, account: ACCOUNT, apiId: 'x' }, values),
    });
  });
  after(async () => {
    await edge.edge.close();
    await idp.close();
  });

  const body = JSON.stringify({ SecretId: cursorSecretName });
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'secretsmanager.GetSecretValue',
  };

  async function getSecret(credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }): Promise<string | SecretsManagerServiceException> {
    const sm = new SecretsManagerClient({
      region: REGION,
      endpoint: edge.edge.url,
      credentials,
      maxAttempts: 1,
    });
    try {
      return (await sm.send(new GetSecretValueCommand({ SecretId: cursorSecretName })))
        .SecretString!;
    } catch (error) {
      if (error instanceof SecretsManagerServiceException) return error;
      throw error;
    } finally {
      sm.destroy();
    }
  }

  it('answers the local service credentials (test/test)', async () => {
    assert.equal(await getSecret(serviceCredentials), KEY);
  });

  it('refuses an unsigned GetSecretValue with 403 MissingAuthenticationTokenException', async () => {
    const res = await fetch(`${edge.edge.url}/`, { method: 'POST', headers, body });
    assert.equal(res.status, 403);
    const answer = (await res.json()) as { __type: string; message: string };
    assert.deepEqual(answer, {
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    assert.ok(!JSON.stringify(answer).includes(KEY));
  });

  it('refuses a signature ten minutes stale with InvalidSignatureException "Signature expired"', async () => {
    const url = new URL(edge.edge.url);
    const signer = new SignatureV4({
      credentials: serviceCredentials,
      region: REGION,
      service: 'secretsmanager',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: new Date(Date.now() - 10 * 60_000) },
    );
    const sent = { ...signed.headers };
    delete sent['host'];
    const res = await fetch(`${edge.edge.url}/`, { method: 'POST', headers: sent, body });
    assert.equal(res.status, 400);
    const answer = (await res.json()) as { __type: string; message: string };
    assert.equal(answer.__type, 'InvalidSignatureException');
    assert.match(answer.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('refuses a key it never issued with UnrecognizedClientException', async () => {
    const error = await getSecret({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    assert.ok(error instanceof SecretsManagerServiceException);
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  it('refuses a buyer’s credentials with AccessDeniedException: browser roles invoke the API only', async () => {
    const buyer = await webIdentityCredentials(edge.edge.url, {
      roleArn: roleArn('buyer', ACCOUNT),
      token: await idp.token({ sub: 'google-oauth2|1234' }),
      sessionName: 'google-oauth2-1234',
    });
    const error = await getSecret(buyer);
    assert.ok(error instanceof SecretsManagerServiceException);
    assert.equal(error.name, 'AccessDeniedException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(
      error.message,
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/pets-buyer/google-oauth2-1234 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${cursorSecretName}-local1 because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
  });

  it('gives a Lambda role the secrets its function reads, and no other role', async () => {
    const roleOf = functionCredentials(edge.credentials, ACCOUNT);
    assert.equal(await getSecret(roleOf('getPets')), KEY, 'getPets signs paging cursors');
    const denied = await getSecret(roleOf('purchasePet'));
    assert.ok(denied instanceof SecretsManagerServiceException);
    assert.equal(denied.name, 'AccessDeniedException', 'purchasePet has no cursor key');
  });
});
