/**
 * S3's errors: a code, an HTTP status, a message and, for some, more elements
 * (`Key`, `BucketName`, `ProposedSize`, …), serialised as S3's REST error document
 * (`<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`).
 * The codes, statuses and messages are AWS's (ErrorResponses in the S3 API reference).
 */
import { randomBytes } from 'node:crypto';

export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Further elements of the error document, in order. */
    readonly details: Readonly<Record<string, string | number>> = {},
    /** For the log only: why, in more words than S3 tells the client. */
    readonly reason: string = code,
  ) {
    super(message);
  }
}

export const accessDenied = (reason: string) =>
  new S3Error('AccessDenied', 403, 'Access Denied', {}, reason);

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const SIGNATURE_DOES_NOT_MATCH =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

/** S3's request ids are 16 upper-case hex characters. */
export function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Text content of an element: quotes stay as they are, as in S3's messages. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>]/g, (c) => escapes[c] ?? c);
}

/** The error document S3 sends with an error status. */
export function errorDocument(error: S3Error, id: string): string {
  const details = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${xmlEscape(String(value))}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message>` +
    `${details}<RequestId>${id}</RequestId><HostId>${hostId(id)}</HostId></Error>`
  );
}

/** S3's x-amz-id-2: an opaque base64 token; locally derived from the request id. */
export function hostId(id: string): string {
  return Buffer.from(`local-s3-${id}`).toString('base64');
}
