// One Lambda function run as AWS runs it: each execution environment is a Node 22
// process of its own (bootstrap.mjs) with the function's environment, memory and
// timeout, talking to a Lambda Runtime API that this file serves on 127.0.0.1. An
// environment serves one invocation at a time; concurrent invocations get more of them.
//
// Hand-written: the npm packages that emulate Lambda (serverless-offline,
// lambda-local, aws-lambda-runtime-interface-emulator in Docker) either run handlers
// in the caller's process or need Docker; this is only the Runtime API's four routes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaRuntime } from '../../api/bundling';

/** Lambda's synchronous payload limit for an answer: 6 MiB plus the 100 bytes AWS allows. */
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;
/** On-demand init gets 10 s of its own before the first invocation's timeout starts. */
const INIT_LIMIT_MS = 10_000;
const bootstrap = join(dirname(fileURLToPath(import.meta.url)), 'bootstrap.mjs');

export interface FunctionConfig {
  name: string;
  /** The folder holding the bundle (LAMBDA_TASK_ROOT); index.mjs for 'index.handler'. */
  codeDir: string;
  handler?: string;
  /** The function's own variables, as in its configuration. */
  environment?: Record<string, string>;
  /**
   * What the local Lambda service adds, as AWS adds the execution role's credentials:
   * credentials, and the SDK's endpoint variables pointing at the local services.
   */
  runtimeEnvironment?: Record<string, string>;
  memoryMb: number;
  timeoutSeconds: number;
  region: string;
  account: string;
  /** The Node binary of the Lambdas' runtime major (node.ts). */
  node: string;
  /** Answers larger than this fail with Function.ResponseSizeTooLarge. */
  maxResponseBytes?: number;
  /** How many environments may run at once (reserved concurrency); more invocations wait. */
  maxEnvironments?: number;
  /** Every line the function writes (stdout and stderr), prefixed with its name. */
  log?: (line: string) => void;
}

/** What Lambda's Invoke answers: the payload, and FunctionError when the function failed. */
export interface FunctionResult {
  payload: string;
  functionError?: 'Unhandled';
  /** Set when this invocation had to start an environment (a cold start). */
  initDurationMs?: number;
}

interface Outcome {
  payload: string;
  failed: boolean;
}

const errorPayload = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage });

/** Signals as Lambda (a Go program) names them in "Runtime exited with error: signal: …". */
const signalNames: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
};

export class LambdaFunction {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  /** Invocations waiting for an environment; undefined hands them a free slot instead. */
  private readonly waiting: ((env?: Environment) => void)[] = [];
  private closed = false;
  private warming?: Promise<string | undefined>;

  constructor(readonly config: FunctionConfig) {}

  /** Lambda's Invoke (RequestResponse): the event as JSON in, the payload out. */
  async invoke(event: unknown): Promise<FunctionResult> {
    const body = JSON.stringify(event);
    for (;;) {
      if (this.closed) {
        return {
          payload: errorPayload('ServiceException', `${this.config.name} was stopped`),
          functionError: 'Unhandled',
        };
      }
      let initDurationMs: number | undefined;
      if (this.warming) await this.warming;
      let env = await this.acquire();
      if (!env) {
        const started = performance.now();
        env = new Environment(this.config);
        this.all.add(env);
        const initError = await env.ready;
        initDurationMs = performance.now() - started;
        if (initError) {
          this.discard(env);
          return { payload: initError.payload, functionError: 'Unhandled', initDurationMs };
        }
      }
      const outcome = await env.invoke(body);
      // The environment died before the runtime took the event: AWS gives it a new one.
      if (outcome === 'not-delivered') {
        this.discard(env);
        continue;
      }
      if (env.alive && !this.closed) this.release(env);
      else this.discard(env);
      return {
        payload: outcome.payload,
        ...(outcome.failed ? { functionError: 'Unhandled' as const } : {}),
        ...(initDurationMs !== undefined ? { initDurationMs } : {}),
      };
    }
  }

  /**
   * Starts an environment ahead of the first invocation, as provisioned concurrency
   * does, so that the first call is warm. Resolves with the init error, if any (the
   * environment is then dropped and the next invocation starts afresh).
   */
  warm(): Promise<string | undefined> {
    if (this.closed || this.all.size > 0) return Promise.resolve(undefined);
    // An invocation that comes meanwhile waits for this environment rather than
    // starting a second one: it is further along.
    this.warming = this.startWarm().finally(() => (this.warming = undefined));
    return this.warming;
  }

  private async startWarm(): Promise<string | undefined> {
    const env = new Environment(this.config, 'provisioned-concurrency');
    this.all.add(env);
    const initError = await env.ready;
    if (initError || this.closed) {
      this.discard(env);
      return this.closed ? undefined : initError?.payload;
    }
    if (env.alive) this.release(env);
    else this.discard(env);
    return undefined;
  }

  /** Stops every environment, as Lambda does when a function is updated; in-flight invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake(undefined);
    await Promise.all(
      [...this.all].map((env) => env.fail('Runtime.ExitError', 'Error: Runtime exited: stopped')),
    );
    this.all.clear();
    this.idle.length = 0;
  }

  /** The process ids of the running environments (for tests). */
  get pids(): number[] {
    return [...this.all].flatMap((env) => (env.pid === undefined ? [] : [env.pid]));
  }

  /** An idle environment, or undefined when the caller may start one. */
  private async acquire(): Promise<Environment | undefined> {
    let env = this.idle.pop();
    // One that died while idle (a crash in a background task) is dropped.
    while (env && !env.alive) {
      this.all.delete(env);
      env = this.idle.pop();
    }
    if (!env && this.all.size >= (this.config.maxEnvironments ?? 10)) {
      env = await new Promise<Environment | undefined>((resolve) => this.waiting.push(resolve));
    }
    return env;
  }

  private release(env: Environment): void {
    const next = this.waiting.shift();
    if (next) next(env);
    else this.idle.push(env);
  }

  private discard(env: Environment): void {
    this.all.delete(env);
    void env.stop();
    // A slot freed: a waiting invocation starts an environment of its own.
    this.waiting.shift()?.(undefined);
  }
}

interface Pending {
  id: string;
  body: string;
  done: (outcome: Outcome | 'not-delivered') => void;
}

/** One execution environment: a Node 22 process and the Runtime API it polls. */
class Environment {
  /** Resolves when the handler module has loaded, with the init error if it failed. */
  readonly ready: Promise<Outcome | undefined>;
  alive = true;
  private readonly server: Server;
  private child?: ChildProcess;
  private parked?: ServerResponse;
  private queued?: Pending;
  private current?: Pending;
  private onInit?: (error?: Outcome) => void;
  /** Resolves when the process has exited (or never started). */
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: FunctionConfig,
    private readonly initType: 'on-demand' | 'provisioned-concurrency' = 'on-demand',
  ) {
    this.server = createServer((req, res) => this.route(req, res));
    this.ready = new Promise((resolve) => (this.onInit = resolve));
    const limit = setTimeout(
      () =>
        void this.fail('Sandbox.Timedout', `Init timed out after ${INIT_LIMIT_MS / 1000} seconds`),
      INIT_LIMIT_MS,
    );
    void this.ready.then(() => clearTimeout(limit));
    this.server.listen(0, '127.0.0.1', () => this.start());
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  invoke(body: string): Promise<Outcome | 'not-delivered'> {
    const id = randomUUID();
    const timeout = this.config.timeoutSeconds;
    if (!this.alive) return Promise.resolve('not-delivered');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // AWS stops the sandbox; the next invocation starts a fresh one.
        void this.fail(
          'Sandbox.Timedout',
          `RequestId: ${id} Error: Task timed out after ${timeout.toFixed(2)} seconds`,
        );
      }, timeout * 1000);
      const pending: Pending = {
        id,
        body,
        done: (outcome: Outcome | 'not-delivered') => {
          clearTimeout(timer);
          this.current = undefined;
          resolve(outcome);
        },
      };
      if (this.parked) this.deliver(this.parked, pending);
      else this.queued = pending;
    });
  }

  /** Kills the process and closes its Runtime API; resolves once the process is gone. */
  async stop(): Promise<void> {
    this.alive = false;
    this.child?.kill('SIGKILL');
    this.parked?.destroy();
    this.server.closeAllConnections();
    await Promise.all([
      this.exited,
      new Promise<void>((resolve) => this.server.close(() => resolve())),
    ]);
  }

  /**
   * Ends the environment, then fails whatever it was doing: as in AWS, the caller
   * hears of a timeout or crash once the sandbox is gone.
   */
  async fail(errorType: string, errorMessage: string): Promise<void> {
    if (!this.alive) return;
    const outcome = { payload: errorPayload(errorType, errorMessage), failed: true };
    const { onInit, current, queued } = this;
    this.onInit = undefined;
    await this.stop();
    onInit?.(outcome);
    current?.done(outcome);
    queued?.done('not-delivered');
  }

  private start(): void {
    const c = this.config;
    const { port } = this.server.address() as AddressInfo;
    // The nodejs22.x runtime's own bootstrap sizes V8's heap from the function's memory:
    // a tenth for the young generation, the rest for the old.
    const newSpace = Math.floor(c.memoryMb / 10);
    const args = [
      '--expose-gc',
      '--max-http-header-size=81920',
      `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
      `--max-old-space-size=${c.memoryMb - newSpace}`,
      bootstrap,
    ];
    // Only what Lambda defines, then the function's own variables: nothing leaks
    // from the local cloud's process (no NODE_OPTIONS from tsx, no shell variables).
    const env: Record<string, string> = {
      PATH: `${dirname(c.node)}:/usr/local/bin:/usr/bin:/bin`,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: c.codeDir,
      _HANDLER: c.handler ?? 'index.handler',
      AWS_EXECUTION_ENV: `AWS_Lambda_${lambdaRuntime}`,
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`,
      AWS_LAMBDA_FUNCTION_NAME: c.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMb),
      AWS_LAMBDA_INITIALIZATION_TYPE: this.initType,
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${c.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      AWS_REGION: c.region,
      AWS_DEFAULT_REGION: c.region,
      ...c.runtimeEnvironment,
      ...c.environment,
    };
    const child = spawn(c.node, args, { cwd: c.codeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const log = c.log ?? (() => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) log(`${c.name}\t${line}`);
      });
    }
    child.on('error', (error) => void this.fail('Runtime.ExitError', `Error: ${error.message}`));
    child.on('exit', (code, signal) => {
      const how = signal ? `signal: ${signalNames[signal] ?? signal}` : `exit status ${code}`;
      const id = this.current?.id;
      void this.fail(
        'Runtime.ExitError',
        `${id ? `RequestId: ${id} ` : ''}Error: Runtime exited with error: ${how}`,
      );
    });
  }

  private deliver(res: ServerResponse, pending: Pending): void {
    this.parked = undefined;
    this.queued = undefined;
    this.current = pending;
    const c = this.config;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': pending.id,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + c.timeoutSeconds * 1000),
      'Lambda-Runtime-Invoked-Function-Arn': `arn:aws:lambda:${c.region}:${c.account}:function:${c.name}`,
      'Lambda-Runtime-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Sampled=0`,
    });
    res.end(pending.body);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const reply = (status: number, doc: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
    };
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      // The first poll means the handler module loaded: init is over.
      this.onInit?.();
      this.onInit = undefined;
      if (this.queued) return this.deliver(res, this.queued);
      this.parked = res;
      // The runtime dropped its poll: it is exiting, so no invocation goes to it.
      res.on('close', () => {
        if (this.parked === res) void this.fail('Runtime.ExitError', 'Error: Runtime exited');
      });
      return;
    }
    const match =
      /^\/2018-06-01\/runtime\/(?:invocation\/([^/]+)\/(response|error)|init\/(error))$/.exec(url);
    if (req.method !== 'POST' || !match) return reply(404, { errorType: 'InvalidRequest' });
    const [, id, kind = 'error'] = match;
    const max = this.config.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!id) {
        // /init/error: the module did not load; AWS answers the invocation with it.
        reply(202, { status: 'OK' });
        this.onInit?.({ payload: body, failed: true });
        this.onInit = undefined;
        void this.stop();
        return;
      }
      const current = this.current;
      if (!current || current.id !== decodeURIComponent(id)) {
        return reply(400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
      }
      if (kind === 'response' && size > max) {
        reply(413, {
          errorMessage: `Exceeded maximum allowed payload size (${max} bytes).`,
          errorType: 'RequestEntityTooLarge',
        });
        current.done({
          payload: errorPayload(
            'Function.ResponseSizeTooLarge',
            `Response payload size (${size} bytes) exceeded maximum allowed payload size (${max} bytes).`,
          ),
          failed: true,
        });
        return;
      }
      reply(202, { status: 'OK' });
      current.done({ payload: body, failed: kind === 'error' });
    });
  }
}
