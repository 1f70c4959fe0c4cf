// The local cloud as a child process (`local/main.ts` of a checkout), for the benches
// that drive it from outside, as a user's `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts `local/main.ts` in `root` with `env` added, and waits until `site` serves config.json. */
export async function startCloudProcess(options: {
  root: string;
  env: Record<string, string>;
  site: string;
  /** Each line the cloud prints (the Lambdas' logs among them); unset, they are dropped. */
  onLine?: (line: string) => void;
}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: options.root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.onLine ? 'pipe' : 'ignore', 'inherit'],
  });
  const onLine = options.onLine;
  if (onLine && child.stdout) {
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${options.site}/config.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill();
  throw new Error('the local cloud did not start');
}

/** Stops it as Ctrl-C does, so it closes its parts (the Lambdas' processes included). */
export async function stopCloudProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGINT');
  await exited;
}

/** A Lambda's Powertools JSON record among the local cloud's output lines, if `line` holds one that mentions `marker`. */
export function logRecord(line: string, marker: string): Record<string, unknown> | undefined {
  const json = line.indexOf('{');
  if (json < 0 || !line.includes(marker)) return undefined;
  try {
    return JSON.parse(line.slice(json)) as Record<string, unknown>;
  } catch {
    return undefined; // not a log record
  }
}
