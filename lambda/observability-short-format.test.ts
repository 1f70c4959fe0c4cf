// The local cloud's short log lines (PETS_LOG_FORMAT=short, which the local cloud
// sets for every Lambda). The Logger reads it once, when the handlers load, so this is
// a process of its own (node:test runs each file in one).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lambdaEnv } from '../api/handlers';
import { apiEvent, loadHandlers, startBackend } from '../node-testing/backend';
import { capturableLogs, captureLogs } from '../node-testing/logs';

const backend = await startBackend({ env: { ...capturableLogs, [lambdaEnv.logFormat]: 'short' } });
const handlers = await loadHandlers();
after(() => backend.close());

before(async () => {
  await backend.seed(Array.from({ length: 5 }, (_, i) => ({ id: i + 1, type: 'cat', price: 3 })));
});

describe('request logs and metrics (Powertools)', () => {
  it('writes the local cloud’s short line: level, message and the request’s own fields', async (t) => {
    const logs = captureLogs(t);
    const event = apiEvent('GET', '/pets', undefined, { query: { limit: '1' } });
    await handlers.getPets(event);
    logs.stop();
    const [line] = logs.records();
    assert.deepEqual(Object.keys(line ?? {}), [
      'level',
      'message',
      'route',
      'requestId',
      'status',
      ...Object.keys(line ?? {}).slice(5, -1),
      'ms',
    ]);
    assert.ok(!('timestamp' in (line ?? {})) && !('service' in (line ?? {})));
    assert.equal(line?.['requestId'], event.requestContext.requestId);
  });
});
