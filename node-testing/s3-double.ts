// An in-memory stand-in for the few S3 object calls the photo Lambdas make (PutObject,
// GetObject, HeadObject, DeleteObject, path-style), so their tests run the real
// @aws-sdk/client-s3 against loopback. It checks no signature and no policy: the local
// cloud's own S3 does that; this only holds bytes and headers.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  body: Buffer;
  headers: Record<string, string>;
}

export interface S3Double {
  /** The endpoint for AWS_ENDPOINT_URL_S3 (an IP address: the SDK goes path-style). */
  endpoint: string;
  /** Bucket → key → object. */
  buckets: Map<string, Map<string, StoredObject>>;
  /** Keys of a bucket, sorted. */
  keys(bucket: string): string[];
  put(bucket: string, key: string, body: Uint8Array, contentType?: string): void;
  close(): Promise<void>;
}

const kept = ['content-type', 'cache-control'];

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startS3Double(): Promise<S3Double> {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const bucket = (name: string) => {
    let objects = buckets.get(name);
    if (!objects) buckets.set(name, (objects = new Map()));
    return objects;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const [, name = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const objects = bucket(decodeURIComponent(name));
      const body = await bodyOf(req);
      if (req.method === 'PUT') {
        const headers = Object.fromEntries(
          kept.flatMap((h) => (req.headers[h] ? [[h, String(req.headers[h])]] : [])),
        );
        objects.set(key, { body, headers });
        res.writeHead(200, { ETag: '"0"' }).end();
      } else if (req.method === 'DELETE') {
        objects.delete(key);
        res.writeHead(204).end();
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        const object = objects.get(key);
        if (!object) {
          res.writeHead(404, { 'Content-Type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`,
          );
          return;
        }
        res.writeHead(200, { ...object.headers, 'Content-Length': object.body.length });
        res.end(req.method === 'GET' ? object.body : undefined);
      } else res.writeHead(405).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    buckets,
    keys: (name) => [...bucket(name).keys()].sort(),
    put: (name, key, body, contentType = 'application/octet-stream') =>
      bucket(name).set(key, { body: Buffer.from(body), headers: { 'content-type': contentType } }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
