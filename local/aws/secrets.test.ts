// Secrets Manager on the edge: the real @aws-sdk/client-secrets-manager (and
// Powertools, which the Lambdas read the cursor key with) against `POST /` with
// X-Amz-Target, next to STS's form-encoded `POST /`; and the local cloud's key file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { cursorSecretName, loadSecrets } from '../secrets-file';
import { LocalSecrets } from './secrets';
import { ACCOUNT, REGION, startTestEdge } from '../../node-testing/edge';
import { startTokenIssuer, type TokenIssuer } from '../../node-testing/token-issuer';

const KEY = Buffer.alloc(32, 7).toString('base64');
const dummyKeys = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('Secrets Manager on the edge', () => {
  let idp: TokenIssuer;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  const secrets = new LocalSecrets(ACCOUNT, REGION, { [cursorSecretName]: KEY });

  before(async () => {
    idp = await startTokenIssuer();
    edge = await startTestEdge({ idp, secrets });
  });
  after(async () => {
    await edge.edge.close();
    await idp.close();
  });

  const client = () =>
    new SecretsManagerClient({
      region: REGION,
      endpoint: edge.edge.url,
      credentials: dummyKeys,
      maxAttempts: 1,
    });

  it('answers GetSecretValue by name and by ARN through the real SDK client', async () => {
    const sm = client();
    try {
      const byName = await sm.send(new GetSecretValueCommand({ SecretId: cursorSecretName }));
      assert.equal(byName.SecretString, KEY);
      assert.equal(byName.Name, cursorSecretName);
      assert.equal(byName.ARN, secrets.arnOf(cursorSecretName));
      assert.match(
        byName.ARN ?? '',
        /^arn:aws:secretsmanager:us-east-1:000000000000:secret:secure-pets\/cursor-key-\w{6}$/,
      );
      assert.deepEqual(byName.VersionStages, ['AWSCURRENT']);
      assert.ok(byName.CreatedDate instanceof Date);
      const byArn = await sm.send(new GetSecretValueCommand({ SecretId: byName.ARN }));
      assert.equal(byArn.SecretString, KEY);
    } finally {
      sm.destroy();
    }
    assert.match(
      edge.lines.join('\n'),
      /POST \/ -> 200 SecretsManager GetSecretValue secure-pets\/cursor-key/,
    );
    assert.ok(!edge.lines.join('\n').includes(KEY), 'a secret value is never logged');
  });

  it('refuses an unknown secret with ResourceNotFoundException, as AWS does', async () => {
    const sm = client();
    try {
      const error = await sm.send(new GetSecretValueCommand({ SecretId: 'nope' })).then(
        () => assert.fail('should be refused'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ResourceNotFoundException);
      assert.equal(error.message, "Secrets Manager can't find the specified secret.");
      assert.equal(error.$metadata.httpStatusCode, 400);
    } finally {
      sm.destroy();
    }
  });

  it('is found through AWS_ENDPOINT_URL_SECRETS_MANAGER, by Powertools as the Lambdas read it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: edge.edge.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    try {
      const value = await getSecret(cursorSecretName, { forceFetch: true });
      assert.equal(value, KEY);
    } finally {
      process.env = saved;
    }
  });

  it('leaves STS’s form-encoded POST / alone', async () => {
    const sts = new STSClient({ region: REGION, endpoint: edge.edge.url, maxAttempts: 1 });
    try {
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/pets-admin`,
          RoleSessionName: 'auth0-admin1',
          WebIdentityToken: await idp.token({ sub: 'auth0|admin1' }),
        }),
      );
      assert.match(out.Credentials?.AccessKeyId ?? '', /^ASIA/);
    } finally {
      sts.destroy();
    }
  });
});

describe('the local cloud’s cursor key', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pets-secrets-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is made once (32 random bytes, base64) in secrets.json, mode 0600, and kept across restarts', async () => {
    const first = await loadSecrets(dir);
    const key = first[cursorSecretName]!;
    assert.equal(Buffer.from(key, 'base64').length, 32);
    const file = join(dir, 'secrets.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { [cursorSecretName]: key });
    assert.deepEqual(await loadSecrets(dir), first);
    const other = await mkdtemp(join(tmpdir(), 'pets-secrets-'));
    try {
      assert.notEqual((await loadSecrets(other))[cursorSecretName], key);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
