import type { IncomingMessage, ServerResponse } from 'node:http';
import { Script } from 'node:vm';
import { cdnPathPatterns, viewerRequestFunctionSource } from '../api/cdn';
import { cacheQueryStrings, cacheTtlSeconds, forwardedHostHeader } from '../api/cdn-cache';

/** CloudFront's `X-Cache` values (the standard log's x-edge-result-type, " from cloudfront"). */
export const xCache = {
  hit: 'Hit from cloudfront',
  miss: 'Miss from cloudfront',
  error: 'Error from cloudfront',
  functionGenerated: 'FunctionGeneratedResponse from cloudfront',
} as const;

export interface CdnOptions {
  /** The REST API's origin (`http://localhost:4566`); the stage is the path's first segment. */
  origin: string;
  /** The clock the cache ages by (the local cloud's, which the e2e tests move). */
  now?: () => number;
  /** How many answers the cache holds before it drops the oldest. */
  maxEntries?: number;
}

interface Entry {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  storedAt: number;
  ttlMs: number;
  staleMs: number;
}

interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers?: Record<string, { value: string }>;
  body?: { data: string } | string;
}

interface FunctionRequest {
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
}

/** Response headers that belong to one connection or that the site's compression sets again. */
const notForwarded = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'date',
]);

/**
 * The site's CloudFront distribution for the public reads (infra/lib/site.ts builds the
 * real one from the same api/cdn.ts): the behaviors' path patterns, the viewer-request
 * function (the same source, run in a node:vm context), a cache keyed as the cache
 * policy keys it (the path and the allow-listed query strings in the order given; no
 * header, no cookie), an origin request that carries only those query strings and
 * X-Forwarded-Host, TTLs from the origin's Cache-Control within the policy's bounds,
 * stale-while-revalidate (the stale copy answers at once, one request refreshes it
 * behind), simultaneous misses for one key collapsed into one origin request, and
 * `X-Cache` and `Age` as CloudFront sends them.
 */
export class LocalCdn {
  readonly #origin: string;
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Entry>>();
  readonly #viewerRequest = new Script(
    `${viewerRequestFunctionSource()}\n;handler`,
  ).runInNewContext({}) as (event: unknown) => FunctionRequest | FunctionResponse;
  readonly #patterns = cdnPathPatterns().map(
    (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`),
  );

  constructor({ origin, now = Date.now, maxEntries = 10_000 }: CdnOptions) {
    this.#origin = origin.replace(/\/+$/, '');
    this.#now = now;
    this.#maxEntries = maxEntries;
  }

  /** Whether a request path (no query) falls under one of the CDN behaviors. */
  handles(path: string): boolean {
    return this.#patterns.some((p) => p.test(path));
  }

  /** Answers a GET or HEAD under the behaviors; never throws. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://cdn.invalid');
      const outcome = this.#viewerRequest(functionEvent(req, url));
      if ('statusCode' in outcome) return respondFromFunction(res, outcome);
      const query = allowedQuery(url.search);
      const key = `${url.pathname}?${query}`;
      const now = this.#now();
      const cached = this.#cache.get(key);
      if (cached && now - cached.storedAt < cached.ttlMs) {
        return send(req, res, cached, xCache.hit, now);
      }
      if (cached && now - cached.storedAt < cached.ttlMs + cached.staleMs) {
        // stale-while-revalidate: answer from the cache, refresh once behind it.
        void this.#fetch(key, url.pathname, query, outcome).catch(() => undefined);
        return send(req, res, cached, xCache.hit, now);
      }
      const fresh = await this.#fetch(key, url.pathname, query, outcome);
      send(req, res, fresh, xCache.miss, undefined);
    } catch {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Cache': xCache.error });
      res.end('502 Bad Gateway: CloudFront could not connect to the origin.\n');
    }
  }

  /** The origin's answer for a key, one request at a time per key (request collapsing). */
  #fetch(key: string, path: string, query: string, request: FunctionRequest): Promise<Entry> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const promise = this.#fromOrigin(path, query, request)
      .then((entry) => {
        this.#store(key, entry);
        return entry;
      })
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  async #fromOrigin(path: string, query: string, request: FunctionRequest): Promise<Entry> {
    const forwarded = request.headers[forwardedHostHeader.toLowerCase()]?.value;
    const res = await fetch(`${this.#origin}${path}${query ? `?${query}` : ''}`, {
      headers: {
        'User-Agent': 'Amazon CloudFront',
        ...(forwarded !== undefined && { [forwardedHostHeader]: forwarded }),
      },
      redirect: 'manual',
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!notForwarded.has(name)) headers[name] = value;
    });
    const body = Buffer.from(await res.arrayBuffer());
    const { ttlMs, staleMs } = cacheLifetime(res.status, res.headers.get('cache-control'));
    return { status: res.status, headers, body, storedAt: this.#now(), ttlMs, staleMs };
  }

  #store(key: string, entry: Entry): void {
    this.#cache.delete(key);
    if (entry.ttlMs <= 0) return;
    this.#cache.set(key, entry);
    if (this.#cache.size > this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}

/**
 * How long CloudFront keeps an answer under the cache policy's TTLs (api/cdn.ts):
 * `s-maxage` or `max-age` within min..max; none, `no-store`, `no-cache` or `private`
 * keeps nothing (min and default TTL are 0). The distribution's error responses keep
 * 429 and 5xx for 0 s whatever they say. stale-while-revalidate as the origin says.
 */
export function cacheLifetime(
  status: number,
  cacheControl: string | null,
): { ttlMs: number; staleMs: number } {
  const none = { ttlMs: 0, staleMs: 0 };
  if (status === 429 || status >= 500 || !cacheControl) return none;
  const directives = new Map(
    cacheControl.split(',').map((d) => {
      const [name = '', value] = d.trim().toLowerCase().split('=');
      return [name, value?.replace(/^"|"$/g, '')] as const;
    }),
  );
  if (['no-store', 'no-cache', 'private'].some((d) => directives.has(d))) return none;
  const seconds = (name: string) => {
    const value = Number(directives.get(name));
    return directives.has(name) && Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const maxAge = seconds('s-maxage') ?? seconds('max-age');
  if (maxAge === undefined) return none;
  const ttl = Math.min(Math.max(maxAge, cacheTtlSeconds.min), cacheTtlSeconds.max);
  return { ttlMs: ttl * 1000, staleMs: (seconds('stale-while-revalidate') ?? 0) * 1000 };
}

/** The query string of the origin request and of the cache key: the allow-listed pairs, as sent. */
export function allowedQuery(search: string): string {
  const allowed = new Set<string>(cacheQueryStrings);
  return search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && allowed.has(safeDecode(pair.split('=')[0] ?? '')))
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The CloudFront Functions event of a viewer request (headers lower-case, as CloudFront gives them). */
function functionEvent(req: IncomingMessage, url: URL) {
  const headers: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name] = { value: Array.isArray(value) ? value.join(',') : value };
  }
  const querystring: Record<string, { value: string }> = {};
  for (const [name, value] of url.searchParams) querystring[name] = { value };
  const host = headers['host']?.value ?? '';
  return {
    version: '1.0',
    context: { eventType: 'viewer-request', distributionDomainName: host },
    viewer: { ip: req.socket.remoteAddress ?? '' },
    request: { method: req.method, uri: url.pathname, querystring, headers, cookies: {} },
  };
}

function respondFromFunction(res: ServerResponse, outcome: FunctionResponse): void {
  const headers: Record<string, string> = { 'X-Cache': xCache.functionGenerated };
  for (const [name, { value }] of Object.entries(outcome.headers ?? {})) headers[name] = value;
  res.writeHead(outcome.statusCode, outcome.statusDescription, headers);
  const body = outcome.body;
  res.end(typeof body === 'string' ? body : (body?.data ?? ''));
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  entry: Entry,
  cache: string,
  now: number | undefined,
): void {
  const headers: Record<string, string> = { ...entry.headers, 'X-Cache': cache };
  // Age: whole seconds the answer has spent in the cache, on hits only.
  if (now !== undefined)
    headers['Age'] = String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)));
  res.writeHead(entry.status, headers);
  res.end(req.method === 'HEAD' ? undefined : entry.body);
}
