import type { IncomingMessage } from 'node:http';

/** A request the IdP refuses before acting on it, with Auth0's error shape. */
export class BadRequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
    this.name = 'BadRequestError';
  }
}

const maxBody = 64 * 1024;

// Koa has no body parser built in and the forms here are tiny; a dependency for
// two content types would be more code to audit than these lines.
/** The request's form (urlencoded) or JSON body as string fields. */
export async function readFields(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new BadRequestError(413, 'invalid_request', 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      throw new BadRequestError(400, 'invalid_request', 'Body is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BadRequestError(400, 'invalid_request', 'Body must be a JSON object');
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value === 'string') fields[key] = value;
    }
    return fields;
  }
  if (type === 'application/x-www-form-urlencoded' || (!type && !text)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  throw new BadRequestError(
    415,
    'invalid_request',
    'Content-Type must be application/json or application/x-www-form-urlencoded',
  );
}
