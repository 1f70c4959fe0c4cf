import compression from 'compression';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import sirv from 'sirv';
import type { AppConfig } from '../api/app-config';
import { pageHeaders } from '../api/csp';
import { configuredHosts, refuseForeignHost } from './host-check';
import { host } from './settings';
import { isPhotoPath, servePhoto, type SitePhotos } from './site-photos';

/** Angular's output hashing: `main-AB12CD34.js`. */
const hashedFile = /-[A-Z0-9]{8}\.\w+$/;

export interface SiteOptions {
  /** The production build (`dist/secure-pets/browser`). */
  root: string;
  port: number;
  /** Served as `/config.json`, the app's runtime configuration. */
  config: AppConfig;
  /** Names besides loopback that reach it (host:port); default PETS_ALLOWED_HOSTS. */
  allowedHosts?: readonly string[];
  /** The photos bucket, served at `/photos/*` (site-photos.ts); without it those are deep links. */
  photos?: SitePhotos;
}

/**
 * Serves the built app the way CloudFront in front of the bucket does (infra/lib/site.ts):
 * files as they are, a prerendered page for its route (`/login` is `login/index.html`),
 * `index.html` (the neutral frame of the signed-in pages) for any other path so that deep
 * links reach the router, `/config.json` made from the running local cloud, the same
 * Content-Security-Policy and security headers (api/csp.ts, built from that config.json),
 * and text compressed with Brotli or gzip as the browser accepts. `/photos/*` comes
 * from the photos bucket with the photo behavior's headers (site-photos.ts).
 *
 * Compression is the `compression` middleware (Express's) rather than node:zlib by hand:
 * it negotiates Accept-Encoding (q-values, identity), sets Vary, skips small and already
 * compressed bodies and HEAD, and streams. It compresses per request (Brotli quality 4),
 * which on loopback costs a few milliseconds; the build's files are not cached
 * compressed, so `npm run watch` output is served as soon as it is written.
 *
 * Like the distribution, it sends no CORS headers and allows GET and HEAD only: any
 * other method, a preflight included, gets CloudFront's 403. A request whose Host is
 * not the site's loopback name gets 421 (host-check.ts).
 */
export async function startSite({
  root,
  port,
  config,
  allowedHosts = configuredHosts(),
  photos,
}: SiteOptions): Promise<Server> {
  const headers = pageHeaders(config);
  const files = sirv(root, {
    single: true,
    dev: false,
    etag: true,
    setHeaders(res, pathname) {
      // Angular's hashed bundles never change; anything else (the pages, deep links
      // answered with index.html, the favicon) must be revalidated.
      res.setHeader(
        'Cache-Control',
        hashedFile.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  // Typed for Express, but it only uses what node:http's request and response have.
  const compress = compression() as unknown as (
    req: IncomingMessage,
    res: ServerResponse,
    next: () => void,
  ) => void;
  const configBody = JSON.stringify(config, null, 2);
  const server = createServer((req, res) => {
    if (refuseForeignHost(req, res, req.socket.localPort ?? port, allowedHosts)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // The distribution allows GET and HEAD only (infra/lib/site.ts).
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('This distribution is not configured to allow the HTTP request method.\n');
      return;
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (photos && isPhotoPath(req.url)) {
      servePhoto(req, res, photos).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    compress(req, res, () => {
      if (req.url?.split('?')[0] === '/config.json') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
        res.end(configBody);
        return;
      }
      files(req, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
