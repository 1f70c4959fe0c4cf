// One execution environment: a Node 24 process (runtime-process.ts) and the Lambda
// Runtime API it polls, served here on 127.0.0.1. It serves one invocation at a
// time; a timeout or crash ends it, as AWS stops the sandbox. The API answers its own
// process only (runtime-api-guard.ts).
//
// Hand-written: the npm packages that emulate Lambda (serverless-offline,
// lambda-local, aws-lambda-runtime-interface-emulator in Docker) either run handlers
// in the caller's process or need Docker; this is only the Runtime API's four routes.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FunctionConfig, LAMBDA_MAX_RESPONSE_BYTES } from './function-config';
import { newRuntimeSecret, refuseStranger } from './runtime-api-guard';
import { runtimeRoute } from './runtime-api-routes';
import { howItExited, type InitType, spawnRuntime } from './runtime-process';

/** On-demand init gets 10 s of its own before the first invocation's timeout starts. */
const INIT_LIMIT_MS = 10_000;

/** What an invocation (or init) came to: the payload, and whether the function failed. */
export interface Outcome {
  payload: string;
  failed: boolean;
}

/** Lambda's error document, `{ errorType, errorMessage }`. */
export const errorPayload = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage });

interface Pending {
  id: string;
  body: string;
  done: (outcome: Outcome | 'not-delivered') => void;
}

export class ExecutionEnvironment {
  /** Resolves when the handler module has loaded, with the init error if it failed. */
  readonly ready: Promise<Outcome | undefined>;
  alive = true;
  private readonly server: Server;
  /** Given to the process alone; the Runtime API refuses a call without it. */
  private readonly secret = newRuntimeSecret();
  private port = 0;
  private child?: ChildProcess;
  private parked?: ServerResponse;
  private queued?: Pending;
  private current?: Pending;
  private onInit?: (error?: Outcome) => void;
  /** Resolves when the process has exited (or never started). */
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: FunctionConfig,
    private readonly initType: InitType = 'on-demand',
  ) {
    this.server = createServer((req, res) => this.serve(req, res));
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

  /** Where the Runtime API listens, and the secret its process sends (for tests). */
  get runtimeApi(): { port: number; secret: string } {
    return { port: this.port, secret: this.secret };
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
    this.port = (this.server.address() as AddressInfo).port;
    const child = spawnRuntime(this.config, this.port, this.initType, this.secret);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    child.on('error', (error) => void this.fail('Runtime.ExitError', `Error: ${error.message}`));
    child.on('exit', (code, signal) => {
      const id = this.current?.id;
      void this.fail(
        'Runtime.ExitError',
        `${id ? `RequestId: ${id} ` : ''}Error: Runtime exited with error: ${howItExited(code, signal)}`,
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

  /** Every request: a stranger's is refused, and none that throws takes the local cloud down. */
  private serve(req: IncomingMessage, res: ServerResponse): void {
    try {
      if (refuseStranger(req, res, this.port, this.secret)) return;
      this.route(req, res);
    } catch (error) {
      this.internalError(res, error);
    }
  }

  /** The Runtime API: next invocation, its response or error, and init error. */
  private route(req: IncomingMessage, res: ServerResponse): void {
    const route = runtimeRoute(req.method, req.url);
    switch (route.kind) {
      case 'next':
        return this.next(res);
      case 'init-error':
        return this.initError(req, res);
      case 'response':
      case 'error':
        return this.result(req, res, route.kind, route.requestId);
      case 'malformed':
        // What AWS's Runtime API, a Go server, answers a request line it cannot parse.
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        return void res.end('400 Bad Request');
      case 'unknown':
        return reply(res, 404, { errorType: 'InvalidRequest' });
    }
  }

  private next(res: ServerResponse): void {
    // One runtime, one invocation at a time: a second poll is not another runtime's
    // turn (only Lambda Managed Instances take concurrent polls).
    if (this.parked || this.current) {
      return reply(res, 403, {
        errorType: 'InvalidStateTransition',
        errorMessage: 'The runtime already has an outstanding GET next or invocation.',
      });
    }
    // The first poll means the handler module loaded: init is over.
    this.onInit?.();
    this.onInit = undefined;
    if (this.queued) return this.deliver(res, this.queued);
    this.parked = res;
    // The runtime dropped its poll: it is exiting, so no invocation goes to it.
    res.on('close', () => {
      if (this.parked === res) void this.fail('Runtime.ExitError', 'Error: Runtime exited');
    });
  }

  /** /init/error, during init only: the module did not load; AWS answers the invocation with it. */
  private initError(req: IncomingMessage, res: ServerResponse): void {
    if (!this.onInit) return reply(res, 403, notDuringInit);
    this.readBody(req, res, (body) => {
      if (!this.onInit) return reply(res, 403, notDuringInit);
      reply(res, 202, { status: 'OK' });
      this.onInit({ payload: body, failed: true });
      this.onInit = undefined;
      void this.stop();
    });
  }

  /** The invocation's response or error, for the invocation in flight only. */
  private result(
    req: IncomingMessage,
    res: ServerResponse,
    kind: 'response' | 'error',
    requestId: string,
  ): void {
    const current = this.current;
    if (!current || current.id !== requestId) return reply(res, 400, invalidRequestId);
    const max = this.config.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES;
    this.readBody(req, res, (body, size) => {
      // It timed out or crashed while the body came in.
      if (this.current !== current) return reply(res, 400, invalidRequestId);
      if (kind === 'response' && size > max) {
        reply(res, 413, {
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
      reply(res, 202, { status: 'OK' });
      current.done({ payload: body, failed: kind === 'error' });
    });
  }

  /** The body as text (kept up to the payload limit) and its full size, then `then`. */
  private readBody(
    req: IncomingMessage,
    res: ServerResponse,
    then: (body: string, size: number) => void,
  ): void {
    const max = this.config.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        then(Buffer.concat(chunks).toString('utf8'), size);
      } catch (error) {
        this.internalError(res, error);
      }
    });
  }

  /** What Lambda's Runtime API answers when it fails itself; the cause goes to the log. */
  private internalError(res: ServerResponse, error: unknown): void {
    this.config.log?.(`${this.config.name}\tRuntime API error: ${String(error)}`);
    if (res.headersSent) return void res.destroy();
    reply(res, 500, { errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
  }
}

const invalidRequestId = { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' };
const notDuringInit = {
  errorType: 'InvalidStateTransition',
  errorMessage:
    'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed',
};

/** The Runtime API's JSON answer. */
function reply(res: ServerResponse, status: number, doc: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
}
