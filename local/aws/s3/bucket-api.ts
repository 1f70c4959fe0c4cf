/**
 * S3's bucket operations that a Lambda cleaning up after itself needs: ListObjectsV2
 * (`GET /{bucket}?list-type=2`, IAM `s3:ListBucket` on the bucket: prefix, delimiter,
 * max-keys, start-after, continuation tokens) and DeleteObjects (`POST /{bucket}?delete`,
 * `s3:DeleteObject` on each key, a per-key error for a key the caller may not delete).
 * Keys sort in UTF-8 binary order, as S3 lists them.
 */
import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { ServiceCaller } from '../service-auth';
import { bucketArn, objectArn, type S3Auth } from './auth';
import { S3Error, xmlEscape } from './errors';
import type { ObjectAnswer } from './object-api';
import type { ObjectRecord, ObjectStore } from './object-store';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** S3's most keys per listing page and per DeleteObjects call. */
const MAX_KEYS = 1000;
/** A DeleteObjects body of 1000 long keys fits well under this. */
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

export interface BucketRequest {
  method: string;
  bucket: string;
  query: URLSearchParams;
  req: IncomingMessage;
  caller: ServiceCaller;
}

const notImplemented = (what: string) =>
  new S3Error(
    'NotImplemented',
    501,
    'A header you provided implies functionality that is not implemented',
    {},
    `${what} is not served locally`,
  );

export async function bucketOperation(
  store: ObjectStore,
  auth: S3Auth,
  request: BucketRequest,
): Promise<ObjectAnswer> {
  const { method, query } = request;
  if (method === 'GET' && query.get('list-type') === '2') return listObjects(store, auth, request);
  if (method === 'POST' && query.has('delete')) return deleteObjects(store, auth, request);
  throw notImplemented(`${method} on a bucket`);
}

async function listObjects(
  store: ObjectStore,
  auth: S3Auth,
  { bucket, query, caller }: BucketRequest,
): Promise<ObjectAnswer> {
  auth.authorize(caller, 's3:ListBucket', bucketArn(bucket));
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = readMaxKeys(query.get('max-keys'));
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const after = token !== null ? readToken(token) : startAfter;
  const urlEncoded = query.get('encoding-type') === 'url';
  const name = (key: string) =>
    xmlEscape(urlEncoded ? encodeURIComponent(key).replace(/%2F/g, '/') : key);

  const contents: ObjectRecord[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last = '';
  for (const record of await store.list(bucket, prefix)) {
    if (utf8Compare(record.key, after) <= 0) continue;
    // A page that ended on a common prefix resumes after every key below it.
    if (delimiter && after.endsWith(delimiter) && record.key.startsWith(after)) continue;
    const cut = delimiter ? record.key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? record.key.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && prefixes.at(-1) === common) continue;
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) prefixes.push(common);
    else contents.push(record);
    last = common ?? record.key;
  }
  const body =
    XML_DECLARATION +
    `<ListBucketResult xmlns="${XMLNS}"><Name>${xmlEscape(bucket)}</Name><Prefix>${name(prefix)}</Prefix>` +
    (token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '') +
    (startAfter ? `<StartAfter>${name(startAfter)}</StartAfter>` : '') +
    `<KeyCount>${contents.length + prefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
    (delimiter ? `<Delimiter>${name(delimiter)}</Delimiter>` : '') +
    (urlEncoded ? '<EncodingType>url</EncodingType>' : '') +
    `<IsTruncated>${truncated}</IsTruncated>` +
    (truncated
      ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>`
      : '') +
    contents
      .map(
        (r) =>
          `<Contents><Key>${name(r.key)}</Key><LastModified>${r.lastModified}</LastModified>` +
          `<ETag>"${r.etag}"</ETag><Size>${r.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('') +
    prefixes.map((p) => `<CommonPrefixes><Prefix>${name(p)}</Prefix></CommonPrefixes>`).join('') +
    '</ListBucketResult>';
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/xml' },
    body,
    operation: 'ListObjectsV2',
  };
}

function readMaxKeys(value: string | null): number {
  if (value === null) return MAX_KEYS;
  if (!/^\d+$/.test(value)) {
    throw new S3Error(
      'InvalidArgument',
      400,
      'Provided max-keys not an integer or within integer range',
      {
        ArgumentName: 'max-keys',
        ArgumentValue: value,
      },
    );
  }
  return Math.min(Number(value), MAX_KEYS);
}

function readToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (!token || Buffer.from(key).toString('base64url') !== token) {
    throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect', {
      ArgumentName: 'continuation-token',
    });
  }
  return key;
}

/** S3 lists keys in UTF-8 binary order, which differs from UTF-16's above U+FFFF. */
function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function deleteObjects(
  store: ObjectStore,
  auth: S3Auth,
  { bucket, req, caller }: BucketRequest,
): Promise<ObjectAnswer> {
  const body = await readBody(req);
  const claimed = req.headers['x-amz-content-sha256'];
  if (
    typeof claimed === 'string' &&
    claimed !== 'UNSIGNED-PAYLOAD' &&
    claimed !== createHash('sha256').update(body).digest('hex')
  ) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      400,
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const { keys, quiet } = readDeleteRequest(body.toString('utf8'));
  const results: string[] = [];
  for (const key of keys) {
    if (!auth.allows(caller, 's3:DeleteObject', objectArn(bucket, key))) {
      results.push(
        `<Error><Key>${xmlEscape(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
      );
      continue;
    }
    await store.delete(bucket, key);
    if (!quiet) results.push(`<Deleted><Key>${xmlEscape(key)}</Key></Deleted>`);
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/xml' },
    body: `${XML_DECLARATION}<DeleteResult xmlns="${XMLNS}">${results.join('')}</DeleteResult>`,
    operation: `DeleteObjects (${keys.length})`,
  };
}

const malformedXml = (reason: string) =>
  new S3Error(
    'MalformedXML',
    400,
    'The XML you provided was not well-formed or did not validate against our published schema',
    {},
    reason,
  );

/**
 * The keys of a `<Delete>` document: its `<Object><Key>` elements (the SDK's only
 * shape: no attributes, no CDATA), entities decoded, and `<Quiet>`.
 */
function readDeleteRequest(xml: string): { keys: string[]; quiet: boolean } {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<Delete(\s[^>]*)?>[\s\S]*<\/Delete>\s*$/.test(xml)) {
    throw malformedXml('not a Delete document');
  }
  const keys = [...xml.matchAll(/<Object>\s*<Key>([^<]*)<\/Key>[\s\S]*?<\/Object>/g)].map((m) =>
    decodeEntities(m[1]!),
  );
  if (keys.length === 0 || keys.length > MAX_KEYS) throw malformedXml(`${keys.length} keys`);
  return { keys, quiet: /<Quiet>\s*true\s*<\/Quiet>/.test(xml) };
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[entity]) return named[entity];
    const code = entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    if (!(code >= 0 && code <= 0x10ffff)) throw malformedXml(`character reference &${entity};`);
    return String.fromCodePoint(code);
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_DELETE_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_DELETE_BODY_BYTES) throw malformedXml('body too large');
  return Buffer.concat(chunks);
}
