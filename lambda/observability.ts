import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { lambdaEnv, observability } from '../api/handlers';

/**
 * The local cloud's log line: the level, the message and the line's own fields,
 * without what only CloudWatch needs (timestamp, service, sampling rate, trace id),
 * so the terminal shows one short JSON line per request among the cloud's own lines.
 */
export class ShortLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: { level: attributes.logLevel, message: attributes.message },
    }).addAttributes(additional);
  }
}

/** The variables Powertools reads when a Logger or Metrics is made, and ours. */
const settings = [
  'POWERTOOLS_DEV',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  'AWS_LAMBDA_LOG_LEVEL',
  lambdaEnv.logFormat,
];
let made: { key: string; logger: Logger; metrics: Metrics } | undefined;

/**
 * The function's Powertools Logger and Metrics, made on first use rather than at
 * import (as lambda/config.ts reads its variables), so that tests and the local cloud
 * can set the environment first; made again only when those variables change.
 * Names come from api/handlers.ts, the same the stack puts in the environment.
 */
function tools(): { logger: Logger; metrics: Metrics } {
  const key = settings.map((name) => process.env[name] ?? '').join('\0');
  if (made?.key !== key) {
    const short = process.env[lambdaEnv.logFormat] === 'short';
    made = {
      key,
      logger: new Logger({
        serviceName: observability.serviceName,
        ...(short ? { logFormatter: new ShortLogFormatter() } : {}),
      }),
      metrics: new Metrics({
        namespace: observability.metricsNamespace,
        serviceName: observability.serviceName,
      }),
    };
  }
  return made;
}

/** The logger, for the rare line outside a request's own (a failed refresh, an incomplete undo). */
export function logger(): Logger {
  return tools().logger;
}

/** What one request's log line says besides its route, status and time. */
export type RequestLine = Record<string, unknown>;

/**
 * Called once a request is answered: one INFO line (`request`) with the route, API
 * Gateway's request id (the access log's `requestId`), the status, what the route
 * added (e.g. `read`, `pets`) and the time taken; and one EMF document counting the
 * request by route and status (`Requests`), which CloudWatch turns into a metric from
 * the log itself, so no permission beyond writing the log is needed. Everything
 * happens in one synchronous step, so requests that overlap in one process never
 * share dimensions (a Lambda process serves one request at a time; the tests and the
 * bench call the handlers concurrently).
 */
export function recordRequest(
  route: string,
  requestId: string | undefined,
  status: number,
  line: RequestLine,
  ms: number,
  context?: Context,
): void {
  const { logger, metrics } = tools();
  // The Lambda's own request id and cold start, on every line of this invocation.
  if (context) logger.addContext(context);
  logger.info('request', { route, requestId, status, ...line, ms });
  metrics.addDimensions({ route, status: String(status) });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/** An unexpected failure: logged as an ERROR with its stack, counted as a 500. */
export function recordFailure(
  route: string,
  requestId: string | undefined,
  error: unknown,
  ms: number,
  context?: Context,
): void {
  const { logger, metrics } = tools();
  if (context) logger.addContext(context);
  logger.error('request failed', { route, requestId, status: 500, ms, error });
  metrics.addDimensions({ route, status: '500' });
  metrics.addMetric('Requests', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/**
 * A sale: a line with the pet and the buyer's `sub` (an opaque id, never the email),
 * and a `PetsSold` count of its own, flushed at once under the service dimension only.
 */
export function recordSale(petId: number, buyerSub: string | undefined): void {
  const { logger, metrics } = tools();
  logger.info('sold', { petId, buyerSub });
  metrics.singleMetric().addMetric('PetsSold', MetricUnit.Count, 1);
}
