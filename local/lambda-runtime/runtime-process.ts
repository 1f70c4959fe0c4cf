// The Node 24 process of one execution environment, started as the nodejs24.x
// runtime starts it: its bootstrap (bootstrap.mjs), V8's heap sized from the
// function's memory, and only the variables Lambda defines.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaRuntime } from '../../api/bundling';
import type { FunctionConfig, RoleCredentials } from './function-config';
import { RUNTIME_SECRET_VARIABLE } from './runtime-api-guard';

const bootstrap = join(dirname(fileURLToPath(import.meta.url)), 'bootstrap.mjs');

export type InitType = 'on-demand' | 'provisioned-concurrency';

/** Signals as Lambda (a Go program) names them in "Runtime exited with error: signal: …". */
const signalNames: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
};

/** The process, polling the Runtime API on 127.0.0.1:`runtimeApiPort`; its output goes to `config.log`. */
export function spawnRuntime(
  c: FunctionConfig,
  runtimeApiPort: number,
  initType: InitType,
  runtimeApiSecret: string,
): ChildProcess {
  // The nodejs24.x runtime's own bootstrap sizes V8's heap from the function's memory:
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
    AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${runtimeApiPort}`,
    AWS_LAMBDA_FUNCTION_NAME: c.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMb),
    AWS_LAMBDA_INITIALIZATION_TYPE: initType,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${c.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    AWS_REGION: c.region,
    AWS_DEFAULT_REGION: c.region,
    ...c.runtimeEnvironment,
    ...c.environment,
    ...roleVariables(c.credentials?.()),
    // Last, so that no variable of the function's replaces it; bootstrap.mjs removes it
    // before the handler loads.
    [RUNTIME_SECRET_VARIABLE]: runtimeApiSecret,
  };
  const child = spawn(c.node, args, { cwd: c.codeDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = c.log ?? (() => undefined);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.setEncoding('utf8').on('data', (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) log(`${c.name}\t${line}`);
    });
  }
  return child;
}

/** The role's credentials as Lambda names them; set last, since a function cannot override them. */
function roleVariables(credentials: RoleCredentials | undefined): Record<string, string> {
  if (!credentials) return {};
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  };
}

/** How the process ended, in Lambda's words: `signal: killed`, `exit status 1`. */
export function howItExited(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal: ${signalNames[signal] ?? signal}` : `exit status ${code}`;
}
