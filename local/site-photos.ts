/**
 * The site's `/photos/*`, as the CloudFront behavior in front of the private photos
 * bucket serves it: the URL's path is the object's key, the answer carries the
 * object's Content-Type, its ETag (a matching If-None-Match is a 304) and the
 * deployed headers of an immutable, content-hashed image; an absent photo is a 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { photoPrefix } from '../api/photo-bucket';
import type { ObjectStore } from './aws/s3/object-store';

export interface SitePhotos {
  store: ObjectStore;
  bucket: string;
}

/** What CloudFront's photo behavior adds: cached for a year, never sniffed. */
export const photoHeaders = {
  'Cache-Control': 'public, max-age=31536000, immutable',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Whether a request target is below `/photos/`. */
export function isPhotoPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(`/${photoPrefix}`);
}

/** Answers a request for a photo (isPhotoPath) from the bucket. */
export async function servePhoto(
  req: IncomingMessage,
  res: ServerResponse,
  photos: SitePhotos,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  let key: string;
  try {
    key = decodeURIComponent(path.slice(1));
  } catch {
    key = '';
  }
  const found = key ? await photos.store.get(photos.bucket, key) : undefined;
  if (!found) {
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end('Not found\n');
    return;
  }
  const { record, body } = found;
  const etag = `"${record.etag}"`;
  const headers = {
    ...photoHeaders,
    'Content-Type': record.contentType,
    ETag: etag,
    'Last-Modified': new Date(record.lastModified).toUTCString(),
  };
  if (req.headers['if-none-match'] === etag) {
    body.destroy();
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(record.size) });
  if (req.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  body.on('error', () => res.destroy());
  body.pipe(res);
}
