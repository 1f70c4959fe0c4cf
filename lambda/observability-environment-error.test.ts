// The Lambdas' logs and metrics when a function is deployed without a variable it
// needs (PETS_TABLE empty): the request is a 500 and the log says why. The handlers
// read their environment once, as in a Lambda container, so this is a process of its
// own (node:test runs each file in one).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { lambdaEnv } from '../api/handlers';
import { apiEvent, loadHandlers, startBackend } from '../node-testing/backend';
import { capturableLogs, captureLogs } from '../node-testing/logs';

const backend = await startBackend({ env: { ...capturableLogs, [lambdaEnv.table]: '' } });
const handlers = await loadHandlers();
after(() => backend.close());

describe('request logs and metrics (Powertools)', () => {
  it('logs an unexpected failure as an ERROR with its stack, answered and counted as 500', async (t) => {
    const logs = captureLogs(t);
    try {
      const res = await handlers.getPets(apiEvent('GET', '/pets'));
      assert.equal(res.statusCode, 500);
      assert.deepEqual(JSON.parse(res.body), { message: 'Internal server error' });
    } finally {
      logs.stop();
    }
    const [line] = logs.records();
    assert.equal(line?.['level'], 'ERROR');
    assert.equal(line?.['status'], 500);
    const error = line?.['error'] as { name: string; message: string; stack: string | string[] };
    assert.equal(error.name, 'EnvironmentError');
    assert.match(error.message, /PETS_TABLE is not set/);
    // A string in CloudWatch; Powertools' dev mode splits it into lines.
    assert.match([error.stack].flat().join('\n'), /config\.ts/);
    assert.equal(logs.metrics()[0]?.['status'], '500');
  });
});
