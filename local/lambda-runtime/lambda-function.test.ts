// The execution environments, with real Node 24 processes running a deploy-style
// bundle of fixtures/probe.ts: what a function sees, and how its failures come out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bundleFunctions, type Bundles } from './bundle';
import { LambdaFunction, type FunctionConfig } from './lambda-function';
import { lambdaNodeBinary } from './node';

interface ProbeAnswer {
  node: string;
  pid: number;
  heapLimitMb: number;
  remainingMs: number;
  functionName: string;
  memoryLimitInMB: string;
  env: Record<string, string>;
}

describe('a Lambda function in Node 24 processes', () => {
  let bundles: Bundles;
  let node: string;
  const opened: LambdaFunction[] = [];

  before(async () => {
    node = lambdaNodeBinary();
    bundles = await bundleFunctions({
      probe: 'local/lambda-runtime/fixtures/probe.ts',
      broken: 'local/lambda-runtime/fixtures/broken.ts',
    });
  });
  after(async () => {
    await Promise.all(opened.map((fn) => fn.close()));
    await bundles?.remove();
  });

  const make = (config: Partial<FunctionConfig> = {}) => {
    const fn = new LambdaFunction({
      name: 'probe',
      codeDir: bundles.codeDir(config.name ?? 'probe'),
      memoryMb: 256,
      timeoutSeconds: 10,
      region: 'us-east-1',
      account: '000000000000',
      node,
      ...config,
    });
    opened.push(fn);
    return fn;
  };
  const answerOf = (payload: string) =>
    JSON.parse((JSON.parse(payload) as { body: string }).body) as ProbeAnswer;

  it('runs the handler on Node 24, in a process of its own that later calls reuse', async () => {
    const fn = make();
    const cold = await fn.invoke({});
    assert.equal(cold.functionError, undefined, cold.payload);
    assert.ok(cold.initDurationMs !== undefined, 'the first call starts an environment');
    const first = answerOf(cold.payload);
    assert.match(first.node, /^v24\./);
    assert.notEqual(first.pid, process.pid);
    const warm = await fn.invoke({});
    assert.equal(warm.initDurationMs, undefined, 'the second call finds it warm');
    assert.equal(answerOf(warm.payload).pid, first.pid);
  });

  it('starts an environment ahead of the first call when warmed, as provisioned concurrency', async () => {
    const fn = make();
    assert.equal(await fn.warm(), undefined);
    const first = await fn.invoke({});
    assert.equal(first.initDurationMs, undefined, 'the first call finds it warm');
    const answer = answerOf(first.payload);
    assert.equal(answer.env['AWS_LAMBDA_INITIALIZATION_TYPE'], 'provisioned-concurrency');
    assert.match(
      (await make({ name: 'broken' }).warm()) ?? '',
      /PETS_TABLE is not set/,
      'an init error comes back',
    );
  });

  it('gives the function its environment, memory and deadline, and nothing of the caller’s', async () => {
    process.env['SECRET_OF_THE_CLOUD'] = 'must not leak';
    const fn = make({
      memoryMb: 384,
      timeoutSeconds: 7,
      environment: { PETS_TABLE: 'Pets' },
      runtimeEnvironment: { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
    });
    const answer = answerOf((await fn.invoke({})).payload);
    assert.equal(answer.env['PETS_TABLE'], 'Pets');
    assert.equal(answer.env['AWS_ACCESS_KEY_ID'], 'local');
    assert.equal(answer.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'], '384');
    assert.equal(answer.env['AWS_EXECUTION_ENV'], 'AWS_Lambda_nodejs24.x');
    assert.equal(answer.env['AWS_REGION'], 'us-east-1');
    assert.equal(answer.env['SECRET_OF_THE_CLOUD'], undefined);
    assert.equal(answer.env['NODE_OPTIONS'], undefined);
    assert.equal(answer.functionName, 'probe');
    assert.equal(answer.memoryLimitInMB, '384');
    assert.ok(
      answer.remainingMs > 0 && answer.remainingMs <= 7000,
      `${answer.remainingMs} ms left`,
    );
    // V8's heap is sized from the memory, as the runtime's bootstrap does (90 % old
    // space, the rest young; V8 adds its own reserve), not from the machine's RAM.
    assert.ok(
      answer.heapLimitMb >= 384 * 0.9 && answer.heapLimitMb <= 384 * 1.25,
      `heap limit ${answer.heapLimitMb} MB at 384 MB`,
    );
  });

  it('gives the function its role’s credentials, never the developer’s AWS variables', async () => {
    const developer = {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SESSION_TOKEN: 'the-developer-session',
      AWS_PROFILE: 'production',
      AWS_CONFIG_FILE: '/home/dev/.aws/config',
      AWS_SHARED_CREDENTIALS_FILE: '/home/dev/.aws/credentials',
    };
    const saved = { ...process.env };
    Object.assign(process.env, developer);
    try {
      let issued = 0;
      const fn = make({
        // A function's configuration cannot set the role's variables.
        environment: { PETS_TABLE: 'Pets', AWS_ACCESS_KEY_ID: 'from-the-config' },
        credentials: () => ({
          accessKeyId: `ASIAROLE${++issued}`,
          secretAccessKey: 'role-secret',
          sessionToken: 'role-token',
        }),
      });
      const { env } = answerOf((await fn.invoke({})).payload);
      assert.equal(env['AWS_ACCESS_KEY_ID'], 'ASIAROLE1');
      assert.equal(env['AWS_SECRET_ACCESS_KEY'], 'role-secret');
      assert.equal(env['AWS_SESSION_TOKEN'], 'role-token');
      for (const name of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
        assert.equal(env[name], undefined, name);
      }
      assert.ok(!JSON.stringify(env).includes('AKIAIOSFODNN7EXAMPLE'));
    } finally {
      process.env = saved;
    }
  });

  it('retires an environment past its age limit, and the next one gets fresh credentials', async () => {
    let issued = 0;
    const fn = make({
      maxEnvironmentAgeMs: 50,
      credentials: () => ({
        accessKeyId: `ASIAROLE${++issued}`,
        secretAccessKey: 'role-secret',
        sessionToken: 'role-token',
      }),
    });
    const first = answerOf((await fn.invoke({})).payload);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = answerOf((await fn.invoke({})).payload);
    assert.notEqual(second.pid, first.pid, 'a new environment');
    assert.equal(first.env['AWS_ACCESS_KEY_ID'], 'ASIAROLE1');
    assert.equal(second.env['AWS_ACCESS_KEY_ID'], 'ASIAROLE2');
  });

  it('stops the process at the timeout and answers Sandbox.Timedout', async () => {
    const fn = make({ timeoutSeconds: 1 });
    const { pid } = answerOf((await fn.invoke({})).payload);
    const result = await fn.invoke({ hang: true });
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.payload) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Sandbox.Timedout');
    assert.match(error.errorMessage, /Task timed out after 1\.00 seconds$/);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the process is gone');
    const next = await fn.invoke({});
    assert.ok(next.initDurationMs !== undefined, 'the next call gets a fresh environment');
    assert.notEqual(answerOf(next.payload).pid, pid);
  });

  it('refuses an answer over the payload limit with Function.ResponseSizeTooLarge', async () => {
    const fn = make();
    const result = await fn.invoke({ bytes: 7_000_000 });
    assert.equal(result.functionError, 'Unhandled');
    // Lambda's words (e.g. umihico/pythonista-chromeless#11), the answer's size included.
    assert.deepEqual(JSON.parse(result.payload), {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage:
        'Response payload size (7000028 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
    const small = await fn.invoke({ bytes: 5_000_000 });
    assert.equal(small.functionError, undefined, 'an answer under 6 MB passes');
  });

  it('reports an error the handler throws, and keeps the environment', async () => {
    const fn = make();
    const { pid } = answerOf((await fn.invoke({})).payload);
    const result = await fn.invoke({ throw: 'bad input' });
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.payload) as Record<string, unknown>;
    assert.equal(error['errorType'], 'TypeError');
    assert.equal(error['errorMessage'], 'bad input');
    assert.equal(answerOf((await fn.invoke({})).payload).pid, pid);
  });

  it('reports a process that exits or runs out of memory as Runtime.ExitError', async () => {
    const exits = await make().invoke({ exit: 3 });
    assert.equal(exits.functionError, 'Unhandled');
    assert.deepEqual(JSON.parse(exits.payload), {
      errorType: 'Runtime.ExitError',
      errorMessage: JSON.parse(exits.payload).errorMessage,
    });
    assert.match(
      JSON.parse(exits.payload).errorMessage,
      /Runtime exited with error: exit status 3$/,
    );
    const oom = await make({ memoryMb: 128 }).invoke({ oom: true });
    assert.equal(oom.functionError, 'Unhandled');
    assert.equal(JSON.parse(oom.payload).errorType, 'Runtime.ExitError');
  });

  it('answers an init error for a handler whose module throws', async () => {
    const result = await make({ name: 'broken' }).invoke({});
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.payload) as Record<string, unknown>;
    assert.equal(error['errorMessage'], 'PETS_TABLE is not set');
  });

  it('serves concurrent invocations from separate environments', async () => {
    const fn = make();
    const [a, b] = await Promise.all([fn.invoke({}), fn.invoke({})]);
    assert.notEqual(answerOf(a!.payload).pid, answerOf(b!.payload).pid);
  });
});
