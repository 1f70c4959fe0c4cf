/**
 * S3's object operations on a signed request: GetObject, HeadObject, PutObject and
 * DeleteObject, each authorized by IAM on `arn:aws:s3:::{bucket}/{key}` (HeadObject
 * is `s3:GetObject`, as in IAM), with S3's headers and errors. A missing key is
 * NoSuchKey (404) only for a caller allowed `s3:ListBucket`, AccessDenied (403)
 * otherwise, so a caller cannot learn which keys exist.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { ServiceCaller } from '../service-auth';
import { decodeAwsChunked } from './aws-chunked';
import { bucketArn, objectArn, type S3Auth } from './auth';
import { accessDenied, noSuchKey, S3Error } from './errors';
import type { ObjectRecord, ObjectStore } from './object-store';

export interface ObjectAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body?: string | Readable;
  /** The operation, for the log. */
  operation: string;
  /** A new object (PutObject), whose ObjectCreated event follows. */
  created?: ObjectRecord;
}

export interface ObjectRequest {
  method: string;
  bucket: string;
  key: string;
  req: IncomingMessage;
  caller: ServiceCaller;
}

/** S3's largest single PUT: 5 GB. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** The SDK's PutObject of a stream: aws-chunked, unsigned, with a checksum trailer. */
const STREAMING_UNSIGNED = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'expires'];

export async function objectOperation(
  store: ObjectStore,
  auth: S3Auth,
  request: ObjectRequest,
): Promise<ObjectAnswer> {
  const { method, bucket, key, caller } = request;
  const arn = objectArn(bucket, key);
  switch (method) {
    case 'GET':
    case 'HEAD': {
      auth.authorize(caller, 's3:GetObject', arn);
      const found = await store.get(bucket, key);
      if (!found) {
        if (!auth.allows(caller, 's3:ListBucket', bucketArn(bucket))) {
          throw accessDenied(`no ${key}, and no s3:ListBucket`);
        }
        throw noSuchKey(key);
      }
      if (method === 'HEAD') found.body.destroy();
      return {
        statusCode: 200,
        headers: objectHeaders(found.record),
        body: method === 'GET' ? found.body : undefined,
        operation: method === 'GET' ? 'GetObject' : 'HeadObject',
      };
    }
    case 'PUT': {
      auth.authorize(caller, 's3:PutObject', arn);
      const record = await putObject(store, request);
      return {
        statusCode: 200,
        headers: { ETag: `"${record.etag}"` },
        operation: 'PutObject',
        created: record,
      };
    }
    case 'DELETE':
      auth.authorize(caller, 's3:DeleteObject', arn);
      await store.delete(bucket, key);
      return { statusCode: 204, headers: {}, operation: 'DeleteObject' };
    default:
      throw new S3Error(
        'MethodNotAllowed',
        405,
        'The specified method is not allowed against this resource.',
        { Method: method, ResourceType: 'OBJECT' },
      );
  }
}

/** What S3 answers a GET or HEAD of an object with, besides its body. */
export function objectHeaders(record: ObjectRecord): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': record.contentType,
    'Content-Length': String(record.size),
    ETag: `"${record.etag}"`,
    'Last-Modified': new Date(record.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(record.headers)) headers[name] = value;
  for (const [name, value] of Object.entries(record.metadata))
    headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/**
 * The body streams to disk under S3's 5 GB limit (decoded first when the SDK sends a
 * stream as aws-chunked), then must match the hash the signature covered
 * (`x-amz-content-sha256`, unless unsigned) and any `Content-MD5`; only then does it
 * replace the object. The chunked form's checksum trailer is not verified locally.
 */
async function putObject(store: ObjectStore, request: ObjectRequest): Promise<ObjectRecord> {
  const { req, bucket, key } = request;
  const claimed = String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD');
  const chunked = claimed === STREAMING_UNSIGNED;
  if (claimed.startsWith('STREAMING-') && !chunked) {
    throw new S3Error(
      'NotImplemented',
      501,
      'A header you provided implies functionality that is not implemented',
      { Header: 'x-amz-content-sha256' },
      `${claimed} is not served locally`,
    );
  }
  const declared = Number(
    req.headers[chunked ? 'x-amz-decoded-content-length' : 'content-length'] ?? NaN,
  );
  if (declared > MAX_PUT_BYTES) throw tooLarge(declared);
  const staged = await store.stage(chunked ? decodeAwsChunked(req) : req, MAX_PUT_BYTES, tooLarge);
  try {
    if (chunked && Number.isFinite(declared) && declared !== staged.size) {
      throw new S3Error(
        'IncompleteBody',
        400,
        'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      );
    }
    if (!chunked && claimed !== 'UNSIGNED-PAYLOAD' && claimed !== staged.sha256) {
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        400,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        {
          ClientComputedContentSHA256: claimed,
          S3ComputedContentSHA256: staged.size ? staged.sha256 : EMPTY_SHA256,
        },
      );
    }
    const md5 = req.headers['content-md5'];
    if (md5 !== undefined && md5 !== Buffer.from(staged.md5, 'hex').toString('base64')) {
      throw new S3Error(
        'BadDigest',
        400,
        'The Content-MD5 you specified did not match what we received.',
      );
    }
  } catch (error) {
    await store.discard(staged);
    throw error;
  }
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    if (STORED_HEADERS.includes(name)) headers[name] = value;
    else if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  const contentType = req.headers['content-type'];
  return store.commit(bucket, key, staged, {
    ...(contentType ? { contentType } : {}),
    headers,
    metadata,
  });
}

function tooLarge(size: number): S3Error {
  return new S3Error(
    'EntityTooLarge',
    400,
    'Your proposed upload exceeds the maximum allowed size',
    { ProposedSize: size, MaxSizeAllowed: MAX_PUT_BYTES },
  );
}
