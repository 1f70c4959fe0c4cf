// The local cloud's Lambdas run on their execution roles' credentials, issued by
// the local STS, and never see the developer's own AWS variables: started here with
// an AKIA… key, a session token and a profile in this process's environment, a real
// getPets bundle still reads the table through the verifying DynamoDB with its role's
// keys, and its process's environment (/proc/{pid}/environ) holds none of them.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { apiEvent } from '../node-testing/backend';
import { CredentialStore } from './aws/credentials';
import { localRolePolicies } from './aws/role-policies';
import { serviceCredentials } from './aws/service-credentials';
import { lambdaValues, startCloudLambdas } from './cloud-lambdas';
import { startDynamoDB, type DynamoDBServer } from './dynamodb';
import { ensureTable } from './ensure-table';
import { seedIfEmpty } from './seed-pets';
import { aws, tableName } from './settings';

const developer = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'the-developers-own-session-token',
  AWS_PROFILE: 'production',
};

describe('the local cloud’s Lambdas', () => {
  const saved = { ...process.env };
  const credentials = new CredentialStore();
  let dynamodb: DynamoDBServer;
  let lambdas: Awaited<ReturnType<typeof startCloudLambdas>>;

  before(async () => {
    Object.assign(process.env, developer);
    dynamodb = await startDynamoDB({
      port: 0,
      access: { credentials, policies: localRolePolicies(aws, lambdaValues) },
    });
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: aws.region,
      credentials: serviceCredentials,
    });
    await ensureTable(client, tableName, () => undefined);
    await seedIfEmpty(client, tableName);
    client.destroy();
    lambdas = await startCloudLambdas({
      dynamodbEndpoint: dynamodb.endpoint,
      edgeEndpoint: 'http://127.0.0.1:9',
      credentials,
    });
  });
  after(async () => {
    await lambdas?.close();
    await dynamodb?.close();
    process.env = saved;
  });

  it('read the table with their role’s credentials, and never see the developer’s', async () => {
    const result = await lambdas.invoke('getPets', apiEvent('GET', '/pets', undefined, {}));
    assert.equal(result.status, 'ok', JSON.stringify(result));
    const answer = JSON.parse(result.status === 'ok' ? result.payload : '{}') as {
      statusCode: number;
      body: string;
    };
    assert.equal(answer.statusCode, 200, answer.body);
    assert.ok((JSON.parse(answer.body) as unknown[]).length > 0, 'the seeded pets');

    const [pid] = lambdas.functions.getPets.pids;
    assert.ok(pid !== undefined);
    const environ = Object.fromEntries(
      (await readFile(`/proc/${pid}/environ`, 'utf8'))
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
    assert.match(environ['AWS_ACCESS_KEY_ID'] ?? '', /^ASIA[A-Z2-7]{16}$/);
    const role = credentials.lookup(environ['AWS_ACCESS_KEY_ID']!);
    assert.equal(role?.roleName, 'secure-pets-getPets-role');
    assert.equal(environ['AWS_SESSION_TOKEN'], role?.sessionToken);
    assert.equal(environ['AWS_PROFILE'], undefined);
    for (const value of Object.values(developer)) {
      assert.ok(!Object.values(environ).includes(value), `${value} leaked`);
    }
  });
});
