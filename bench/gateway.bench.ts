// `npm run bench -- gateway`: the gateway's own overhead per request — SigV4
// verification (recomputed with @smithy/signature-v4) plus the IAM policy
// evaluation — measured two ways:
//   1. in process: Gateway.authorize() over N distinct signed requests, in the
//      Authorization header (POST /pets) and presigned in the query string (GET /pets/sales);
//   2. over HTTP: signed POST (auth + policy + no-op Lambda) minus an unsigned GET
//      (routing + no-op Lambda) on the same keep-alive connection.
// Target: p50 <= 2 ms.
import { performance } from 'node:perf_hooks';
import { handlerNames } from '../api/handlers';
import { api } from '../api/http-api';
import { databaseSub, roleArn } from '../api/roles';
import { CredentialStore } from '../local/aws/credentials';
import { Gateway } from '../local/aws/gateway';
import type { IncomingRequest } from '../local/aws/gateway-request';
import { startAwsEdge } from '../local/aws/index';
import { presignUrl, signRequest, type SignedRequest } from '../local/aws/sign';
import { ACCOUNT, API_ID, REGION } from '../node-testing/edge';

const N = Number(process.env['BENCH_N'] ?? 2000);
const TARGET_MS = 2;
const BODY = JSON.stringify({ pets: [{ id: 1, type: 'dog', price: 249.99 }] });

const noop = () => Promise.resolve({ statusCode: 200, headers: {}, body: '[]' });
const handlers = Object.fromEntries(handlerNames.map((name) => [name, noop])) as Record<
  (typeof handlerNames)[number],
  typeof noop
>;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

const credentials = new CredentialStore();
const admin = credentials.issue({
  roleArn: roleArn('admin', ACCOUNT),
  subject: databaseSub('bench'),
  sessionName: 'bench',
});
const signing = {
  accessKeyId: admin.accessKeyId,
  secretAccessKey: admin.secretAccessKey,
  sessionToken: admin.sessionToken,
};

async function signedRequests(base: string, count: number): Promise<SignedRequest[]> {
  const out: SignedRequest[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      await signRequest({
        url: `${base}/${api.stage}/pets`,
        method: 'POST',
        // Distinct bodies, so no request is a replay of another's hashes.
        body: BODY.replace('249.99', String(i)),
        headers: { 'content-type': 'application/json' },
        credentials: signing,
        region: REGION,
      }),
    );
  }
  return out;
}

const gateway = new Gateway({
  region: REGION,
  account: ACCOUNT,
  apiId: API_ID,
  credentials,
  handlers,
  now: Date.now,
});

async function inProcess() {
  const signed = await signedRequests('http://localhost:4566', N);
  const requests: IncomingRequest[] = signed.map((r) => ({
    method: 'POST',
    path: `/${api.stage}/pets`,
    query: '',
    headers: { ...r.headers, host: 'localhost:4566' },
    body: Buffer.from(r.body ?? ''),
  }));
  return timeAuthorize('POST', '/pets', requests);
}

/** The same for presigned URLs (SigV4 in the query string): GET /pets/sales?limit=i. */
async function presignedInProcess() {
  const requests: IncomingRequest[] = [];
  for (let i = 0; i < N; i++) {
    const url = new URL(
      await presignUrl({
        url: `http://localhost:4566/${api.stage}/pets/sales?limit=${i + 1}`,
        credentials: signing,
        region: REGION,
      }),
    );
    const body = Buffer.alloc(0);
    requests.push({
      method: 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      headers: { host: url.host },
      body,
    });
  }
  return timeAuthorize('GET', '/pets/sales', requests);
}

async function timeAuthorize(method: string, path: string, requests: IncomingRequest[]) {
  const route = gateway.route(method, path)!;
  for (const r of requests.slice(0, 200)) await gateway.authorize(r, route); // warm-up
  const samples: number[] = [];
  for (const r of requests) {
    const t = performance.now();
    await gateway.authorize(r, route);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

async function overHttp() {
  const edge = await startAwsEdge({
    port: 0,
    region: REGION,
    account: ACCOUNT,
    apiId: API_ID,
    credentials,
    handlers,
    identity: {
      issuer: 'http://127.0.0.1:1/',
      jwksUrl: 'http://127.0.0.1:1/jwks',
      audience: 'x',
      admins: [databaseSub('bench')],
    },
  });
  try {
    const count = Math.min(N, 1000);
    const signed = await signedRequests(edge.url, count + 100);
    const time = async (send: () => Promise<Response>) => {
      const t = performance.now();
      const response = await send();
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      return performance.now() - t;
    };
    const baseline: number[] = [];
    const authed: number[] = [];
    for (let i = 0; i < count + 100; i++) {
      const r = signed[i]!;
      // Interleaved, so both see the same machine load; the first 100 warm up.
      const b = await time(() => fetch(`${edge.url}/${api.stage}/pets`));
      const a = await time(() =>
        fetch(r.url, { method: 'POST', headers: r.headers, body: r.body }),
      );
      if (i >= 100) {
        baseline.push(b);
        authed.push(a);
      }
    }
    return { baseline: stats(baseline), authed: stats(authed) };
  } finally {
    await edge.close();
  }
}

const direct = await inProcess();
const presigned = await presignedInProcess();
const http = await overHttp();
const ms = (v: number) => `${v.toFixed(3)} ms`;
const rows = [
  ['authorize() in process (verify + policy)', direct],
  ['authorize() in process, presigned GET (query-string SigV4)', presigned],
  ['HTTP unsigned GET /pets (baseline)', http.baseline],
  ['HTTP signed POST /pets (auth + policy)', http.authed],
  [
    'HTTP overhead (signed - baseline)',
    {
      p50: http.authed.p50 - http.baseline.p50,
      p99: http.authed.p99 - http.baseline.p99,
      mean: http.authed.mean - http.baseline.mean,
    },
  ],
] as const;
console.log(`Gateway overhead per request, N=${N} (${process.version}, ${process.arch})\n`);
console.log(`| measure | p50 | p99 | mean |\n| --- | --- | --- | --- |`);
for (const [name, s] of rows)
  console.log(`| ${name} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.mean)} |`);
const verdict = direct.p50 <= TARGET_MS ? 'meets' : 'MISSES';
console.log(`\nauthorize() p50 ${ms(direct.p50)} ${verdict} the target of p50 <= ${TARGET_MS} ms.`);
