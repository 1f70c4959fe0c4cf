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

/**
 * Powertools' dev mode, the way its docs give for tests: the Logger and Metrics write
 * through the global console, one call per record, so that mocking console sees each
 * record whole; metrics, which dev mode turns off, stay on. They read it once, when
 * they are made (at import, lambda/observability.ts): a test file that captures logs
 * starts its backend with this environment, then loads the handlers.
 */
export const capturableLogs: Readonly<Record<string, string>> = {
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_METRICS_DISABLED: 'false',
};

/**
 * Captures what the Lambdas' Powertools Logger and Metrics write during a test, in a
 * process whose handlers were loaded with `capturableLogs` set.
 */
export function captureLogs(t: TestContext): CapturedLogs {
  for (const [name, value] of Object.entries(capturableLogs)) {
    if (process.env[name] !== value) {
      throw new Error(`captureLogs needs ${name}=${value} set before the handlers are loaded`);
    }
  }
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
