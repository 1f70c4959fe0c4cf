/**
 * How the CDN caches the public reads (the paths are cdn.ts's): the query strings its
 * cache keys on, the Cache-Control the Lambdas send, the cache policy's TTL bounds, and
 * the header that tells a Lambda the request came through the CDN. No imports: the
 * app reads `publicCache` too.
 */

/** The only query strings in the cache key and in the origin request (the GET /pets query). */
export const cacheQueryStrings = ['limit', 'cursor', 'status', 'type', 'sort'] as const;

/**
 * What a public read's answer lets caches do. 5 s: a sale shows in every cached page
 * within 5 s, while a page viewed 100,000 times a second reaches the origin about once
 * per 5 s per edge cache (simultaneous misses are collapsed into one request). No
 * stale-while-revalidate: it would let a cached page show a sale up to that many
 * seconds later still, past the N seconds the contract allows.
 */
export const publicCache = { maxAgeSeconds: 5 } as const;

export const publicCacheControl = `public, max-age=${publicCache.maxAgeSeconds}`;

/**
 * The cache policy's TTLs: the origin's Cache-Control decides (min and default 0, so
 * an answer without one is not kept); the maximum caps a mistaken header at the
 * longest the contract allows (10 s).
 */
export const cacheTtlSeconds = { min: 0, default: 0, max: 10 } as const;

/**
 * The header the viewer-request function sets to the viewer's Host, the only header the
 * origin request policy forwards: CloudFront sends API Gateway the origin's own Host
 * (forwarding the viewer's breaks API Gateway), so this is how a Lambda knows the
 * request came through the CDN and which host its `Link` must name.
 */
export const forwardedHostHeader = 'X-Forwarded-Host';
