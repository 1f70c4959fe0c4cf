import { createServer, type Server } from 'node:http';
import sirv from 'sirv';
import type { AppConfig } from '../api/app-config';
import { host } from './settings';

/** Angular's output hashing: `main-AB12CD34.js`. */
const hashedFile = /-[A-Z0-9]{8}\.\w+$/;

export interface SiteOptions {
  /** The production build (`dist/secure-pets/browser`). */
  root: string;
  port: number;
  /** Served as `/config.json`, the app's runtime configuration. */
  config: AppConfig;
}

/**
 * Serves the built app the way an S3 website bucket with `index.html` as its error
 * document does: files as they are, `index.html` for any other path so that deep
 * links reach the router, and `/config.json` made from the running local cloud.
 */
export async function startSite({ root, port, config }: SiteOptions): Promise<Server> {
  const files = sirv(root, {
    single: true,
    dev: false,
    etag: true,
    setHeaders(res, pathname) {
      // Angular's hashed bundles never change; anything else (index.html, deep
      // links answered with it, the favicon) must be revalidated.
      res.setHeader(
        'Cache-Control',
        hashedFile.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const configBody = JSON.stringify(config, null, 2);
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/config.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
      res.end(configBody);
      return;
    }
    files(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
