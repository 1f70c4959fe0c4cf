// The Lambda service behind the local gateway: the manifest's real bundles answering
// through API Gateway, and a function's failures in Node 24 becoming API Gateway's
// answers for a failed Lambda proxy integration.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { handlerNames, lambdaEnv, type HandlerName } from '../../api/handlers';
import { audience, issuer, startBackend, type Backend } from '../../node-testing/backend';
import { ADMIN_SUBS } from '../../node-testing/edge';
import { CredentialStore, startAwsEdge } from '../aws/index';
import { aws } from '../settings';
import { bundleFunctions, LambdaFunction, processInvoker, startLambdaService } from './index';
import { lambdaNodeBinary } from './node';

type Edge = Awaited<ReturnType<typeof startAwsEdge>>;

describe('the Lambda service behind the local gateway', () => {
  describe('with the manifest’s bundles', () => {
    let backend: Backend;
    let service: Awaited<ReturnType<typeof startLambdaService>>;
    let edge: Edge;

    before(async () => {
      backend = await startBackend();
      await backend.seed([
        { id: 1, type: 'dog', price: 249.99 },
        { id: 2, type: 'cat', price: 124.99 },
      ]);
      const jwksUrl = process.env[lambdaEnv.jwksUrl] ?? '';
      service = await startLambdaService({
        region: aws.region,
        account: aws.account,
        values: {
          tableName: backend.tableName,
          cursorSecretId: backend.secrets.cursorSecretId,
          identity: { issuer, audience, jwksUrl },
        },
        runtimeEnvironment: {
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_DYNAMODB: process.env['AWS_ENDPOINT_URL_DYNAMODB'] ?? '',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? '',
        },
      });
      edge = await startAwsEdge({
        port: 0,
        ...aws,
        credentials: new CredentialStore(),
        invoke: service.invoke,
        identity: { issuer, jwksUrl, audience, admins: ADMIN_SUBS },
      });
    });
    after(async () => {
      await edge?.close();
      await service?.close();
      await backend?.close();
    });

    it('answers GET /pets and its next page from the getPets bundle, with its cursor secret', async () => {
      const first = await fetch(`${edge.url}/test/pets?limit=1`);
      assert.equal(first.status, 200, await first.clone().text());
      assert.deepEqual(
        ((await first.json()) as { id: number }[]).map((p) => p.id),
        [1],
      );
      const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1];
      assert.ok(next, 'a Link to the next page, its cursor signed with the secret’s key');
      const second = await fetch(`${edge.url}${new URL(next).pathname}${new URL(next).search}`);
      assert.equal(second.status, 200, await second.clone().text());
      assert.deepEqual(
        ((await second.json()) as { id: number }[]).map((p) => p.id),
        [2],
      );
      assert.ok(service.functions.getPets.pids.length > 0, 'getPets runs in a process');
      assert.ok(!service.functions.getPets.pids.includes(process.pid));
    });
  });

  describe('with a function that fails', () => {
    let edge: Edge;
    let probe: LambdaFunction;
    let remove: () => Promise<void>;

    before(async () => {
      const bundles = await bundleFunctions({ probe: 'local/lambda-runtime/fixtures/probe.ts' });
      remove = bundles.remove;
      probe = new LambdaFunction({
        name: 'probe',
        codeDir: bundles.codeDir('probe'),
        memoryMb: 256,
        timeoutSeconds: 1,
        region: aws.region,
        account: aws.account,
        node: lambdaNodeBinary(),
      });
      const every = Object.fromEntries(handlerNames.map((n) => [n, probe])) as Record<
        HandlerName,
        LambdaFunction
      >;
      edge = await startAwsEdge({
        port: 0,
        ...aws,
        credentials: new CredentialStore(),
        invoke: processInvoker(every, 6 * 1024 * 1024),
        identity: { issuer, jwksUrl: 'http://127.0.0.1:1/jwks', audience, admins: ADMIN_SUBS },
      });
    });
    after(async () => {
      await edge?.close();
      await probe?.close();
      await remove?.();
    });

    it('passes on the answer of a function running on Node 24', async () => {
      const res = await fetch(`${edge.url}/test/pets`);
      assert.equal(res.status, 200);
      assert.match(((await res.json()) as { node: string }).node, /^v24\./);
    });

    it('keeps serving every call when a stranger posts a broken escape to a Runtime API mid-invocation', async () => {
      const first = await fetch(`${edge.url}/test/pets`);
      const { env } = (await first.json()) as { env: Record<string, string> };
      const runtimeApi = env['AWS_LAMBDA_RUNTIME_API'];
      assert.ok(runtimeApi, 'the environment’s Runtime API, which the handler sees');
      const calls = Array.from({ length: 10 }, () => fetch(`${edge.url}/test/pets?delayMs=300`));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stranger = await fetch(
        `http://${runtimeApi}/2018-06-01/runtime/invocation/%E0%A4%A/response`,
        { method: 'POST', body: '{}', signal: AbortSignal.timeout(2000) },
      );
      assert.equal(stranger.status, 403, 'not the environment’s own runtime');
      for (const res of await Promise.all(calls)) assert.equal(res.status, 200);
      assert.equal((await fetch(`${edge.url}/test/pets`)).status, 200);
    });

    for (const [what, query] of [
      ['runs past its timeout', 'hang=1'],
      ['exits', 'exit=1'],
      ['throws', 'throw=bad'],
      ['answers more than 6 MB', 'bytes=7000000'],
    ] as const) {
      it(`answers 502 {"message": "Internal server error"} when the function ${what}`, async () => {
        const res = await fetch(`${edge.url}/test/pets?${query}`);
        assert.equal(res.status, 502);
        assert.equal(await res.text(), '{"message": "Internal server error"}');
        assert.equal(res.headers.get('x-amzn-errortype'), 'InternalServerErrorException');
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
      });
    }
  });
});
