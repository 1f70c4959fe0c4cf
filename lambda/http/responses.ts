import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { forwardedHostHeader } from '../../api/cdn-cache';
import { corsHeaders } from '../../api/http-api';
import { header } from './request-parsing';

/** A JSON response with the CORS headers every response carries. */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...corsHeaders(), 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** 204: CORS headers and nothing else. */
export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...corsHeaders(), ...headers }, body: '' };
}

/** The ETag header: a concurrency token (the catalogue's or a pet's), quoted as HTTP wants. */
export function etagHeader(tag: string): Record<string, string> {
  return { ETag: `"${tag}"` };
}

/** A host name or address with an optional port: anything else is not put in a header. */
const HOST = /^(?:\[[\da-fA-F:.]+\]|[A-Za-z\d.-]+)(?::\d{1,5})?$/;

/**
 * The absolute URL of this resource with `query`, as the client reached it: scheme
 * from X-Forwarded-Proto (https unless it says http), host from X-Forwarded-Host when
 * the request came through the CDN (its viewer-request function sets it to the
 * viewer's Host, api/cdn.ts), else requestContext.domainName (else Host; with
 * X-Forwarded-Port when not the scheme's own), path from requestContext.path, which
 * on execute-api's own domain starts with the stage and on a custom domain with its
 * base path; through the CDN it is the viewer's path, which starts with the stage too.
 */
export function selfUrl(event: APIGatewayProxyEvent, query: Record<string, string>): string {
  const proto = header(event, 'X-Forwarded-Proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = proto === 'http' ? 'http' : 'https';
  const hosts = [
    header(event, forwardedHostHeader),
    event.requestContext?.domainName,
    header(event, 'Host'),
  ];
  let host = hosts.find((h) => h !== undefined && HOST.test(h)) ?? 'localhost';
  const port = header(event, 'X-Forwarded-Port')?.trim();
  if (!/:\d+$/.test(host) && port && /^\d{1,5}$/.test(port)) {
    if (port !== (scheme === 'https' ? '443' : '80')) host += `:${port}`;
  }
  const url = new URL(`${scheme}://${host}`);
  // The setters percent-encode, so nothing from the request can break out of `<…>`.
  url.pathname = event.requestContext?.path ?? event.path ?? '/';
  url.search = new URLSearchParams(query).toString();
  return url.href;
}
