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

/*
 * The function's one Powertools Logger and Metrics, made at import as Powertools
 * documents: they read their settings (POWERTOOLS_*, LOG_LEVEL, and PETS_LOG_FORMAT)
 * from the environment once, so tests set it before they import a handler. Names come
 * from api/handlers.ts, the same the stack puts in the environment.
 */
export const logger = new Logger({
  serviceName: observability.serviceName,
  ...(process.env[lambdaEnv.logFormat] === 'short'
    ? { logFormatter: new ShortLogFormatter() }
    : {}),
});

const metrics = new Metrics({
  namespace: observability.metricsNamespace,
  serviceName: observability.serviceName,
});

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
  logger.info('sold', { petId, buyerSub });
  metrics.singleMetric().addMetric('PetsSold', MetricUnit.Count, 1);
}
