// Reading a request body and writing an answer the way AWS's endpoints do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayResponse } from './gateway-responses';

/**
 * The body, or 'too large' past `max` bytes. The rest of an oversized body is read
 * and dropped rather than left on the socket: answering while the client is still
 * sending, then closing, makes most clients report a reset instead of the 413.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  return size > max ? 'too large' : Buffer.concat(chunks);
}

export function send(res: ServerResponse, response: Omit<GatewayResponse, 'outcome'>): void {
  const headers: Record<string, string | string[]> = { ...response.headers };
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    headers[name] = values;
  }
  // AWS answers with the length of what it sends (compressed or not), never chunked.
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'content-length') delete headers[name];
  }
  headers['Content-Length'] = String(Buffer.byteLength(response.body));
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}
