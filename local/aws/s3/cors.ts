/**
 * A bucket's CORS configuration, evaluated as S3 does: a preflight (`OPTIONS` with
 * `Origin` and `Access-Control-Request-Method`) is answered by the first rule whose
 * origins, methods and headers all allow it, and refused with 403 otherwise; an
 * actual request from an allowed origin gets the same rule's headers, and one from
 * any other origin gets none, so the page cannot read the answer.
 */
import type { BucketCorsRule } from '../../../api/photo-bucket';
import { wildcardMatch } from '../iam';
import { S3Error } from './errors';

export type Headers = Record<string, string>;

function ruleFor(
  rules: readonly BucketCorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[],
): BucketCorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((allowed) => wildcardMatch(allowed, origin)) &&
      rule.allowedMethods.includes(method as BucketCorsRule['allowedMethods'][number]) &&
      requestHeaders.every((name) =>
        (rule.allowedHeaders ?? []).some((allowed) => wildcardMatch(allowed, name, true)),
      ),
  );
}

function headersOf(rule: BucketCorsRule, origin: string): Headers {
  const wildcard = rule.allowedOrigins.includes('*');
  return {
    'Access-Control-Allow-Origin': wildcard ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    ...(rule.exposedHeaders?.length
      ? { 'Access-Control-Expose-Headers': rule.exposedHeaders.join(', ') }
      : {}),
    ...(rule.maxAge !== undefined ? { 'Access-Control-Max-Age': String(rule.maxAge) } : {}),
    ...(wildcard ? {} : { 'Access-Control-Allow-Credentials': 'true' }),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** The answer to a preflight: the headers, or S3's 403 (400 without an Origin). */
export function preflight(
  rules: readonly BucketCorsRule[],
  origin: string | undefined,
  method: string | undefined,
  requestHeaders: string | undefined,
): Headers {
  if (!origin || !method) {
    throw new S3Error(
      'BadRequest',
      400,
      'Insufficient information. Origin request header needed.',
      {},
      'preflight without Origin or method',
    );
  }
  const names = (requestHeaders ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const rule = ruleFor(rules, origin, method, names);
  if (!rule) {
    throw new S3Error(
      'AccessForbidden',
      403,
      rules.length
        ? "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
        : 'CORSResponse: CORS is not enabled for this bucket.',
      { Method: method, ResourceType: 'OBJECT' },
      `preflight from ${origin} refused`,
    );
  }
  return {
    ...headersOf(rule, origin),
    ...(names.length ? { 'Access-Control-Allow-Headers': names.join(', ') } : {}),
  };
}

/** The CORS headers of an actual request's answer: none unless a rule allows its origin. */
export function corsFor(
  rules: readonly BucketCorsRule[],
  origin: string | undefined,
  method: string,
): Headers {
  if (!origin) return {};
  const rule = ruleFor(rules, origin, method, []);
  return rule ? headersOf(rule, origin) : {};
}
