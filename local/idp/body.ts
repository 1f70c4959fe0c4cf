import type { IncomingMessage } from 'node:http';

/** A request body the IdP cannot read: too large (413), malformed (400) or of another type (415). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
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
    if (size > maxBody) throw new BodyError(413, 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text || '{}');
    } catch {
      throw new BodyError(400, 'Body is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BodyError(400, 'Body must be a JSON object');
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
  throw new BodyError(
    415,
    'Content-Type must be application/json or application/x-www-form-urlencoded',
  );
}
