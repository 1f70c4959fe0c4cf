// The Runtime API of one execution environment answers its own runtime only: a web page,
// a rebinding name, a second poller, a late /init/error, a broken path and a process
// without the environment's secret are each refused, the invocation's event reaches
// none of them, and the function goes on answering.
//
// The contract copied here:
// - the routes, and that init ends with the runtime's first GET next:
//   https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html and
//   https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
//   ("The runtime and each extension indicate completion by sending a Next API request");
//   only Lambda Managed Instances "can accept concurrent /next" (runtimes-api.html);
// - the status codes, from the API's OpenAPI document (runtime-api.yaml in
//   https://docs.aws.amazon.com/lambda/latest/dg/samples/runtime-api.zip): 403 for next
//   and init/error, 400 and 403 for an invocation's response and error;
// - the error documents, from AWS's own Runtime API (the runtime interface emulator):
//   400 InvalidRequestID "Invalid request ID" for an id that is not the invocation's
//   (https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/develop/lambda/rapi/rendering/render_error.go,
//   lambda/rapi/middleware/middleware.go, lambda/rapi/security_test.go), 403
//   InvalidStateTransition for /init/error once the runtime is Ready
//   (lambda/rapi/handler/initerror.go, lambda/core/states.go, lambda/rapi/handler/constants.go);
// - a request line whose path holds a broken %-escape fails url.ParseRequestURI in Go's
//   server, which answers "400 Bad Request"
//   (https://github.com/golang/go/blob/master/src/net/http/request.go, readRequest).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { bundleFunctions, type Bundles } from './bundle';
import { ExecutionEnvironment, type Outcome } from './execution-environment';
import { lambdaNodeBinary } from './node';
import { RUNTIME_SECRET_HEADER, RUNTIME_SECRET_VARIABLE } from './runtime-api-guard';

interface ProbeAnswer {
  pid: number;
  marker?: string;
  env: Record<string, string>;
}

/** What only the runtime may see: an event's token. */
const marker = `authToken-${randomUUID()}`;
const base = '/2018-06-01/runtime';

describe('the Runtime API of an execution environment', () => {
  let bundles: Bundles;
  let node: string;
  const opened: ExecutionEnvironment[] = [];

  before(async () => {
    node = lambdaNodeBinary();
    bundles = await bundleFunctions({ probe: 'local/lambda-runtime/fixtures/probe.ts' });
  });
  after(async () => {
    await Promise.all(opened.map((env) => env.stop()));
    await bundles?.remove();
  });

  /** An environment whose runtime has loaded the probe and polls GET next. */
  const start = async () => {
    const env = new ExecutionEnvironment({
      name: 'probe',
      codeDir: bundles.codeDir('probe'),
      memoryMb: 256,
      timeoutSeconds: 3,
      region: 'us-east-1',
      account: '000000000000',
      node,
    });
    opened.push(env);
    assert.equal(await env.ready, undefined, 'init succeeds');
    return env;
  };

  const invoke = (env: ExecutionEnvironment, event: object = {}) =>
    env.invoke(JSON.stringify({ marker, ...event }));

  /** The invocation succeeded, in the environment's own process, with its own event. */
  const assertAnsweredByRuntime = (env: ExecutionEnvironment, outcome: Outcome | string) => {
    assert.notEqual(outcome, 'not-delivered');
    const { payload, failed } = outcome as Outcome;
    assert.equal(failed, false, payload);
    const answer = JSON.parse((JSON.parse(payload) as { body: string }).body) as ProbeAnswer;
    assert.equal(answer.marker, marker, 'the handler ran the event');
    assert.equal(answer.pid, env.pid, 'in the environment’s own process');
    assert.ok(env.alive, 'the environment lives on');
    return answer;
  };

  interface Call {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Send the environment's secret, as a process that read it from /proc could. */
    withSecret?: boolean;
  }

  /** A stranger's request, with plain fetch; it must be answered at once, never parked. */
  const call = async (env: ExecutionEnvironment, path: string, c: Call = {}) => {
    const { port, secret } = env.runtimeApi;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: c.method ?? 'GET',
      headers: { ...(c.withSecret ? { [RUNTIME_SECRET_HEADER]: secret } : {}), ...c.headers },
      ...(c.body === undefined ? {} : { body: c.body }),
      signal: AbortSignal.timeout(2000),
    });
    const text = await res.text();
    assert.ok(!text.includes(marker), 'the event does not reach a stranger');
    return { status: res.status, text, headers: res.headers };
  };

  /** The stranger calls while the runtime polls; then an invocation comes, meant for the runtime. */
  const whileRuntimePolls = async <T>(env: ExecutionEnvironment, stranger: () => Promise<T>) => {
    const refused = stranger();
    const later = new Promise((resolve) => setTimeout(resolve, 50)).then(() => invoke(env));
    const [answer] = await Promise.all([refused, later]);
    assertAnsweredByRuntime(env, await later);
    return answer;
  };

  /** The stranger calls while an invocation is in flight; the invocation still gets its runtime's answer. */
  const whileInFlight = async <T>(env: ExecutionEnvironment, stranger: () => Promise<T>) => {
    const inFlight = invoke(env, { delayMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const answer = await stranger();
    assertAnsweredByRuntime(env, await inFlight);
    return answer;
  };

  const errorOf = (text: string) => JSON.parse(text) as { errorType: string; errorMessage: string };

  it('refuses GET next from a web page (an Origin), even one that knows the secret', async () => {
    const env = await start();
    const page = { headers: { Origin: 'https://evil.example' }, withSecret: true };
    const { status, text, headers } = await whileRuntimePolls(env, () =>
      call(env, `${base}/invocation/next`, page),
    );
    assert.equal(status, 403);
    assert.match(errorOf(text).errorMessage, /Origin/);
    assert.equal(headers.get('access-control-allow-origin'), null, 'no CORS');
    // A page's simple POST (no preflight) is refused too, and changes nothing.
    const post = await call(env, `${base}/init/error`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' },
      body: '{}',
    });
    assert.equal(post.status, 403);
    assertAnsweredByRuntime(env, await invoke(env));
  });

  it('refuses GET next under a foreign Host (DNS rebinding) with 421', async () => {
    const env = await start();
    const { port, secret } = env.runtimeApi;
    // fetch sends the real Host, so node:http sends the rebinding name.
    const rebound = () =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const headers = { Host: `rebind.example:${port}`, [RUNTIME_SECRET_HEADER]: secret };
        const req = request({ host: '127.0.0.1', port, path: `${base}/invocation/next`, headers });
        req.setTimeout(2000, () => req.destroy(new Error('parked: no answer')));
        req.on('error', reject);
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.end();
      });
    const res = await whileRuntimePolls(env, rebound);
    assert.equal(res.status, 421);
    assert.ok(!res.body.includes(marker));
  });

  it('refuses a second concurrent GET next, while the runtime polls or runs an invocation', async () => {
    const env = await start();
    const second = () => call(env, `${base}/invocation/next`, { withSecret: true });
    for (const during of [whileRuntimePolls, whileInFlight]) {
      const res = await during(env, second);
      assert.equal(res.status, 403);
      assert.equal(errorOf(res.text).errorType, 'InvalidStateTransition');
    }
  });

  it('refuses /init/error after init, however often, and the function keeps answering', async () => {
    const env = await start();
    const lateInitError = () =>
      call(env, `${base}/init/error`, {
        method: 'POST',
        withSecret: true,
        headers: { 'Lambda-Runtime-Function-Error-Type': 'Runtime.Forged' },
        body: JSON.stringify({ errorType: 'Runtime.Forged', errorMessage: 'forged' }),
      });
    for (let i = 0; i < 11; i++) {
      const res = await lateInitError();
      assert.equal(res.status, 403);
      assert.deepEqual(errorOf(res.text), {
        errorType: 'InvalidStateTransition',
        errorMessage:
          'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed',
      });
    }
    assert.equal((await whileInFlight(env, lateInitError)).status, 403);
    assertAnsweredByRuntime(env, await invoke(env));
  });

  it('answers a broken escape or a foreign request id with 400 while an invocation is in flight', async () => {
    const env = await start();
    const post = (path: string) =>
      call(env, path, { method: 'POST', withSecret: true, body: '{"forged":true}' });
    const broken = await whileInFlight(env, () => post(`${base}/invocation/%E0%A4%A/response`));
    assert.equal(broken.status, 400);
    assert.equal(broken.text, '400 Bad Request');
    for (const id of [randomUUID(), '%E0%A4%A0', 'not-a-request-id']) {
      for (const kind of ['response', 'error']) {
        const res = await whileInFlight(env, () => post(`${base}/invocation/${id}/${kind}`));
        assert.equal(res.status, 400, `${id}/${kind}`);
        assert.deepEqual(errorOf(res.text), {
          errorType: 'InvalidRequestID',
          errorMessage: 'Invalid request ID',
        });
      }
    }
  });

  it('refuses a call without the environment’s secret, or with another environment’s', async () => {
    const env = await start();
    const other = await start();
    const forged = { [RUNTIME_SECRET_HEADER]: other.runtimeApi.secret };
    for (const headers of [{}, forged]) {
      const next = () => call(env, `${base}/invocation/next`, { headers });
      const res = await whileRuntimePolls(env, next);
      assert.equal(res.status, 403);
      assert.equal(errorOf(res.text).errorType, 'Forbidden');
      const late = () => call(env, `${base}/init/error`, { method: 'POST', headers, body: '{}' });
      assert.equal((await whileInFlight(env, late)).status, 403);
    }
    const answer = assertAnsweredByRuntime(env, await invoke(env));
    assert.equal(answer.env[RUNTIME_SECRET_VARIABLE], undefined, 'the handler never sees it');
  });
});
