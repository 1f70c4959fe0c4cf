import type { TestContext } from 'node:test';

/** One log record or EMF document the Lambdas wrote, parsed. */
export type LogRecord = Record<string, unknown>;

export interface CapturedLogs {
  /** Everything written, as written (one string per record). */
  readonly lines: string[];
  /** The log records (those with a `level`), parsed. */
  records(): LogRecord[];
  /** The EMF documents (those with `_aws`), parsed. */
  metrics(): LogRecord[];
  /** Stops capturing; also done when the test ends. */
  stop(): void;
}

const devSettings = { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' };

/**
 * Captures what the Lambdas' Powertools Logger and Metrics write during a test. In
 * Powertools' dev mode (POWERTOOLS_DEV, the way its docs give for tests) both write
 * through the global console, one call per record, so mocking console sees each
 * record whole; metrics, which dev mode turns off, are turned back on. The Lambdas
 * make their Logger and Metrics again when these variables change
 * (lambda/observability.ts), so the capture starts with the next record.
 */
export function captureLogs(t: TestContext): CapturedLogs {
  const saved = Object.fromEntries(Object.keys(devSettings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, devSettings);
  const lines: string[] = [];
  const push = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) =>
    t.mock.method(console, name, push),
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const spy of spies) spy.mock.restore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  t.after(stop);
  const parsed = () => lines.map((line) => JSON.parse(line) as LogRecord);
  return {
    lines,
    records: () => parsed().filter((r) => 'level' in r),
    metrics: () => parsed().filter((r) => '_aws' in r),
    stop,
  };
}
