// One Lambda function run as AWS runs it: a pool of execution environments
// (execution-environment.ts), each a Node 24 process of its own with the function's
// environment, memory and timeout. An environment serves one invocation at a time;
// concurrent invocations get more of them, up to the function's concurrency.
import { ExecutionEnvironment, errorPayload } from './execution-environment';
import type { FunctionConfig } from './function-config';

export {
  LAMBDA_MAX_RESPONSE_BYTES,
  type FunctionConfig,
  type RoleCredentials,
} from './function-config';

/** What Lambda's Invoke answers: the payload, and FunctionError when the function failed. */
export interface FunctionResult {
  payload: string;
  functionError?: 'Unhandled';
  /** Set when this invocation had to start an environment (a cold start). */
  initDurationMs?: number;
}

export class LambdaFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  /** When each environment started (its credentials were issued then). */
  private readonly started = new Map<ExecutionEnvironment, number>();
  /** Invocations waiting for an environment; undefined hands them a free slot instead. */
  private readonly waiting: ((env?: ExecutionEnvironment) => void)[] = [];
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
        env = this.start();
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
    const env = this.start('provisioned-concurrency');
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
    this.started.clear();
    this.idle.length = 0;
  }

  /** The process ids of the running environments (for tests). */
  get pids(): number[] {
    return [...this.all].flatMap((env) => (env.pid === undefined ? [] : [env.pid]));
  }

  private start(initType?: 'provisioned-concurrency'): ExecutionEnvironment {
    const env = new ExecutionEnvironment(this.config, initType);
    this.all.add(env);
    this.started.set(env, Date.now());
    return env;
  }

  /** Past its age limit: retired before its role credentials could expire. */
  private tooOld(env: ExecutionEnvironment): boolean {
    const limit = this.config.maxEnvironmentAgeMs;
    return limit !== undefined && Date.now() - (this.started.get(env) ?? 0) > limit;
  }

  /** An idle environment, or undefined when the caller may start one. */
  private async acquire(): Promise<ExecutionEnvironment | undefined> {
    let env = this.idle.pop();
    // One that died while idle (a crash in a background task) or grew too old is dropped.
    while (env && (!env.alive || this.tooOld(env))) {
      this.all.delete(env);
      this.started.delete(env);
      if (env.alive) void env.stop();
      env = this.idle.pop();
    }
    if (!env && this.all.size >= (this.config.maxEnvironments ?? 10)) {
      env = await new Promise<ExecutionEnvironment | undefined>((resolve) =>
        this.waiting.push(resolve),
      );
    }
    return env;
  }

  private release(env: ExecutionEnvironment): void {
    const next = this.waiting.shift();
    if (next) next(env);
    else this.idle.push(env);
  }

  private discard(env: ExecutionEnvironment): void {
    this.all.delete(env);
    this.started.delete(env);
    void env.stop();
    // A slot freed: a waiting invocation starts an environment of its own.
    this.waiting.shift()?.(undefined);
  }
}
