/**
 * The multipart/form-data body of a browser upload, read with Node's own parser
 * (the Fetch API's `Request.formData()`) from a body cut off at `maxBytes`, so no
 * request buffers more than that. As S3 reads it: fields up to `file`, whose names
 * are matched without regard to case (the first of a repeated name counts), then
 * the file; anything after the file is ignored. Node's parser is strict: a body it
 * cannot parse (among them one whose boundary appears inside a value, which only a
 * very short boundary makes likely; browsers use long random ones) is refused as
 * MalformedPOSTRequest, never half-read.
 */
import type { IncomingMessage } from 'node:http';
import { S3Error } from './errors';

export interface PostForm {
  /** Fields before `file`, names lower-cased. */
  fields: Map<string, string>;
  file?: { data: Uint8Array; filename?: string };
}

const malformed = (reason: string) =>
  new S3Error(
    'MalformedPOSTRequest',
    400,
    'The body of your POST request is not well-formed multipart/form-data.',
    {},
    reason,
  );

class BodyTooLarge extends Error {
  constructor(readonly size: number) {
    super('body too large');
  }
}

export async function readPostForm(req: IncomingMessage, maxBytes: number): Promise<PostForm> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    await drain(req);
    throw malformed(`content type ${contentType || 'missing'}`);
  }
  let form: FormData;
  try {
    form = await new Request('http://local-s3/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: limitedBody(req, maxBytes),
      duplex: 'half',
    } as RequestInit).formData();
  } catch (error) {
    const tooLarge = error instanceof BodyTooLarge ? error : (error as Error).cause;
    if (tooLarge instanceof BodyTooLarge) {
      throw new S3Error(
        'EntityTooLarge',
        400,
        'Your proposed upload exceeds the maximum allowed size',
        { ProposedSize: tooLarge.size, MaxSizeAllowed: maxBytes },
        'POST body over the local limit',
      );
    }
    throw malformed(error instanceof Error ? error.message : String(error));
  }
  const fields = new Map<string, string>();
  for (const [name, value] of form as unknown as Iterable<[string, string | File]>) {
    const lower = name.toLowerCase();
    if (lower === 'file') {
      return typeof value === 'string'
        ? { fields, file: { data: Buffer.from(value) } }
        : {
            fields,
            file: { data: new Uint8Array(await value.arrayBuffer()), filename: value.name },
          };
    }
    if (typeof value !== 'string') throw malformed(`field ${name} is a file`);
    if (!fields.has(lower)) fields.set(lower, value);
  }
  return { fields };
}

/**
 * The request's body as a web stream that ends in BodyTooLarge past `maxBytes`. The
 * rest of an oversized body is read and dropped rather than left on the socket, so
 * the client gets S3's answer instead of a reset.
 */
function limitedBody(req: IncomingMessage, maxBytes: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      void (async () => {
        let size = 0;
        try {
          for await (const chunk of req as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size <= maxBytes) controller.enqueue(new Uint8Array(chunk));
          }
          if (size > maxBytes) controller.error(new BodyTooLarge(size));
          else controller.close();
        } catch (error) {
          controller.error(error);
        }
      })();
    },
  });
}

/** Reads and drops what is left of a request's body. */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  try {
    req.resume();
    await new Promise<void>((resolve, reject) => {
      req.once('end', resolve);
      req.once('error', reject);
      req.once('close', resolve);
    });
  } catch {
    // a client that went away
  }
}
