// The Lambdas' logs and metrics, as CloudWatch receives them: one Powertools log
// record per request with its request ids, and EMF documents CloudWatch turns into
// the Requests and PetsSold metrics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Context } from 'aws-lambda';
import { observability } from '../api/handlers';
import { apiEvent, loadHandlers, startBackend } from '../node-testing/backend';
import { capturableLogs, captureLogs, type LogRecord } from '../node-testing/logs';

// The Logger and Metrics read their settings once, when the handlers load: captured
// logs need Powertools' dev mode from the start. Another environment (the local
// cloud's short lines, a missing variable) is a file of its own beside this one.
const backend = await startBackend({ env: capturableLogs });
const handlers = await loadHandlers();
after(() => backend.close());

before(async () => {
  await backend.seed(Array.from({ length: 5 }, (_, i) => ({ id: i + 1, type: 'cat', price: 3 })));
});

/** The context Lambda hands a handler, as far as the logger reads it. */
function lambdaContext(awsRequestId: string): Context {
  return {
    awsRequestId,
    functionName: 'SecurePets-test-getPets',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:SecurePets-test-getPets',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/SecurePets-test-getPets',
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The EMF document's declaration: namespace, dimension sets and metric names. */
function declared(doc: LogRecord) {
  const [directive] = (doc['_aws'] as { CloudWatchMetrics: Record<string, unknown>[] })
    .CloudWatchMetrics;
  return directive;
}

describe('request logs and metrics (Powertools)', () => {
  it('logs one line per request with both request ids, and counts it by route and status', async (t) => {
    const logs = captureLogs(t);
    const event = apiEvent('GET', '/pets', undefined, { query: { limit: '2' } });
    const res = await handlers.getPets(event, lambdaContext('lambda-request-1'));
    logs.stop();
    assert.equal(res.statusCode, 200);

    const [line, ...others] = logs.records();
    assert.deepEqual(others, [], 'one line per request');
    assert.ok(line);
    assert.equal(line['level'], 'INFO');
    assert.equal(line['message'], 'request');
    assert.equal(line['service'], observability.serviceName);
    assert.equal(line['route'], 'getPets');
    // API Gateway's id (the access log's requestId) and Lambda's own.
    assert.equal(line['requestId'], event.requestContext.requestId);
    assert.equal(line['function_request_id'], 'lambda-request-1');
    assert.equal(typeof line['cold_start'], 'boolean');
    assert.equal(line['status'], 200);
    assert.equal(line['pets'], 2);
    assert.equal(typeof line['read'], 'number');
    assert.equal(typeof line['ms'], 'number');
    assert.match(String(line['timestamp']), /^\d{4}-\d\d-\d\dT/);

    const [doc, ...more] = logs.metrics();
    assert.deepEqual(more, [], 'one metrics document per request');
    assert.ok(doc);
    assert.deepEqual(declared(doc), {
      Namespace: observability.metricsNamespace,
      Dimensions: [['service', 'route', 'status']],
      Metrics: [{ Name: 'Requests', Unit: 'Count' }],
    });
    assert.equal(doc['Requests'], 1);
    assert.equal(doc['service'], observability.serviceName);
    assert.equal(doc['route'], 'getPets');
    assert.equal(doc['status'], '200');
  });

  it('logs a refusal with its reason and status, counted under that status', async (t) => {
    const logs = captureLogs(t);
    const res = await handlers.getPets(
      apiEvent('GET', '/pets', undefined, { query: { limit: 'x' } }),
    );
    logs.stop();
    assert.equal(res.statusCode, 400);
    const [line] = logs.records();
    assert.equal(line?.['level'], 'INFO');
    assert.equal(line?.['status'], 400);
    assert.equal(line?.['error'], (JSON.parse(res.body) as { message: string }).message);
    assert.equal(logs.metrics()[0]?.['status'], '400');
  });

  it('counts a sale as PetsSold, under the service alone, and logs the buyer’s sub only', async (t) => {
    const authToken = await backend.token({ sub: 'amazon|counted', email: 'counted@example.com' });
    const logs = captureLogs(t);
    const res = await handlers.purchasePet(
      apiEvent('POST', '/pets/purchase', { petId: 5, authToken }),
    );
    logs.stop();
    assert.equal(res.statusCode, 200, res.body);
    const sold = logs.records().find((r) => r['message'] === 'sold');
    assert.deepEqual(
      { petId: sold?.['petId'], buyerSub: sold?.['buyerSub'] },
      { petId: 5, buyerSub: 'amazon|counted' },
    );
    const sale = logs.metrics().find((doc) => 'PetsSold' in doc);
    assert.ok(sale);
    assert.deepEqual(declared(sale), {
      Namespace: observability.metricsNamespace,
      Dimensions: [['service']],
      Metrics: [{ Name: 'PetsSold', Unit: 'Count' }],
    });
    assert.equal(sale['PetsSold'], 1);
    assert.ok(!logs.lines.some((l) => l.includes('counted@example.com')));
  });
});
