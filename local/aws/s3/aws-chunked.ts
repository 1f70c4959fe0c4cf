/**
 * The `aws-chunked` body of an unsigned streaming upload
 * (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`), which the AWS SDK
 * sends for a PutObject whose body is a stream: `{hex size}\r\n{bytes}\r\n` chunks,
 * a `0\r\n` chunk, then trailing headers (the SDK's checksum) and `\r\n`. Decoded
 * into the object's bytes; a malformed framing fails with IncompleteBody.
 */
import { S3Error } from './errors';

const incomplete = (reason: string) =>
  new S3Error(
    'IncompleteBody',
    400,
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    {},
    `aws-chunked: ${reason}`,
  );

/** A chunk's size line is short; anything longer is not aws-chunked. */
const MAX_LINE_BYTES = 256;

export async function* decodeAwsChunked(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let buffer = Buffer.alloc(0);
  let remaining = -1; // bytes left of the current chunk's data; -1: a size line is next
  let done = false;
  for await (const piece of source) {
    buffer = buffer.length ? Buffer.concat([buffer, piece]) : Buffer.from(piece);
    while (!done) {
      if (remaining < 0) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) {
          if (buffer.length > MAX_LINE_BYTES) throw incomplete('no chunk size line');
          break;
        }
        const line = buffer.subarray(0, end).toString('latin1');
        const size = Number.parseInt(line.split(';')[0] ?? '', 16);
        if (!/^[0-9a-fA-F]+(;.*)?$/.test(line) || !Number.isSafeInteger(size)) {
          throw incomplete(`bad size line ${JSON.stringify(line.slice(0, 40))}`);
        }
        buffer = buffer.subarray(end + 2);
        if (size === 0) done = true;
        else remaining = size;
        continue;
      }
      if (remaining > 0) {
        if (buffer.length === 0) break;
        const take = buffer.subarray(0, remaining);
        buffer = buffer.subarray(take.length);
        remaining -= take.length;
        yield take;
        continue;
      }
      // The chunk's data is complete: its CRLF follows.
      if (buffer.length < 2) break;
      if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) throw incomplete('chunk not followed by CRLF');
      buffer = buffer.subarray(2);
      remaining = -1;
    }
    // After the last chunk come the trailers, which the store does not keep.
    if (done && buffer.length > 64 * 1024) throw incomplete('trailers too long');
  }
  if (!done) throw incomplete('body ended before the last chunk');
}
