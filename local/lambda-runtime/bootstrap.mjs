// The inside of one Lambda execution environment, run by Node 24 as its own process:
// what /var/runtime does in the nodejs24.x runtime, reduced to the parts the local cloud
// uses. It imports the handler named by _HANDLER from LAMBDA_TASK_ROOT, then loops on
// the Runtime API at AWS_LAMBDA_RUNTIME_API: GET next, call the handler, POST the result.
// Plain JavaScript with no dependency: it runs from the repo as it is.
/* global Buffer */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

// Not `import … from 'node:http'`: an ESM import of it reads its lazy WebSocket getters,
// which loads undici and costs ~50-100 ms of every cold start here.
const { Agent, request } = process.getBuiltinModule('node:http');
const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '';
const [hostname, port] = api.split(':');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const base = '/2018-06-01/runtime';
// The local Runtime API answers only the process it started, which it gave this secret
// (runtime-api-guard.ts names the variable and the header). Out of the environment
// before the handler loads: the handler sees Lambda's variables only.
const secret = process.env.LOCAL_RUNTIME_API_SECRET;
delete process.env.LOCAL_RUNTIME_API_SECRET;
const secretHeader = secret ? { 'Local-Runtime-Secret': secret } : {};

function call(method, path, body, headers = {}, via = agent) {
  return new Promise((resolve, reject) => {
    const options = { hostname, port, path, method, agent: via };
    const req = request({ ...options, headers: { ...headers, ...secretHeader } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error document the runtime posts: the same three fields as AWS's. */
function errorDoc(err, fallbackType) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: fallbackType ?? e.name ?? 'Error',
    errorMessage: e.message,
    trace: (e.stack ?? '').split('\n'),
  };
}

/** Logs an error as AWS's runtime client does ("Invoke Error", "Init Error"), then posts it. */
function postError(path, doc, via) {
  const { trace, ...rest } = doc;
  console.error(
    path.endsWith('init/error') ? 'Init Error' : 'Invoke Error',
    `\t${JSON.stringify({ ...rest, stack: trace })}`,
  );
  const headers = {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': doc.errorType,
  };
  return call('POST', path, JSON.stringify(doc), headers, via);
}

// Console lines as the runtime's text log format: time, request id, level, message.
let requestId;
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  const tag = level === 'log' ? 'INFO' : level.toUpperCase();
  console[level] = (...args) =>
    process.stdout.write(
      `${new Date().toISOString()}\t${requestId ?? '-'}\t${tag}\t${format(...args)}\n`,
    );
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? 'index.handler';
  const dot = spec.lastIndexOf('.');
  const [moduleName, name] = [spec.slice(0, dot), spec.slice(dot + 1)];
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => join(root, moduleName + ext))
    .find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[name];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  // Callback-style handlers, which nodejs24.x still accepts.
  if (fn.length >= 3) {
    return (event, context) =>
      new Promise((resolve, reject) => {
        const r = fn(event, context, (err, value) => (err ? reject(err) : resolve(value)));
        if (r && typeof r.then === 'function') r.then(resolve, reject);
      });
  }
  return fn;
}

function contextFor(headers) {
  const env = process.env;
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// An error outside any await of the handler ends the environment, as in AWS: report it
// for the invocation in flight (or as the init error), then exit. Its own connection:
// the shared one may be parked on a long-polling GET next.
let inInit = true;
let dying = false;
const fatal = async (err) => {
  if (dying) return;
  dying = true;
  agent.destroy(); // drops a parked GET next: the API then knows this environment is gone
  const doc = errorDoc(err, 'Runtime.UnhandledPromiseRejection');
  const path = inInit ? `${base}/init/error` : `${base}/invocation/${requestId}/error`;
  await postError(path, doc, false).catch(() => undefined);
  process.exit(128);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  const type = err?.name?.startsWith('Runtime.')
    ? err.name
    : err?.code === 'ERR_MODULE_NOT_FOUND'
      ? 'Runtime.ImportModuleError'
      : undefined;
  await postError(`${base}/init/error`, errorDoc(err, type));
  process.exit(129);
}
inInit = false;

for (;;) {
  const next = await call('GET', `${base}/invocation/next`);
  // No event came (the API refused the poll): nothing to run, so the runtime exits.
  if (next.status !== 200) {
    console.error(`Runtime API answered GET next with ${next.status}: ${next.body}`);
    process.exit(130);
  }
  requestId = next.headers['lambda-runtime-aws-request-id'];
  const trace = next.headers['lambda-runtime-trace-id'];
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  let result;
  try {
    const event = JSON.parse(next.body.toString('utf8'));
    result = await handler(event, contextFor(next.headers));
  } catch (err) {
    await postError(`${base}/invocation/${requestId}/error`, errorDoc(err));
    continue;
  }
  const body = JSON.stringify(result === undefined ? null : result);
  const res = await call('POST', `${base}/invocation/${requestId}/response`, body, {
    'Content-Type': 'application/json',
  });
  // 413 past 6 MB: the API has already failed the invocation, as in AWS.
  if (res.status !== 202) {
    process.stdout.write(
      `${new Date().toISOString()}\t${requestId}\tERROR\tFailed to post handler success response. Http response code: ${res.status}. ${res.body}\n`,
    );
  }
}
