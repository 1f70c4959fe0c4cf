/**
 * S3's POST Object (browser-based upload with a SigV4 POST policy), in S3's order:
 * the form, its `key` and `file`, the policy's signature and the signer's IAM
 * permission to put that key, the policy (expiry, conditions, extra fields, size),
 * and only then the object, with the form's Content-Type, stored headers and
 * metadata. The answer follows `success_action_status` (204 by default, 200, or
 * 201 with a PostResponse document).
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ServiceCaller } from '../service-auth';
import { objectArn, type S3Auth } from './auth';
import { accessDenied, S3Error, xmlEscape } from './errors';
import type { ObjectInput, ObjectRecord, ObjectStore } from './object-store';
import { readPostForm } from './post-form';
import { checkPolicy, readPolicy } from './post-policy';
import { missingField, verifyPostSignature } from './post-signature';

export interface PostContext {
  store: ObjectStore;
  auth: S3Auth;
  region: string;
  now: number;
  /** The most a POST body may hold locally (S3's own limit is 5 GB). */
  maxBodyBytes: number;
}

export interface PostResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  record: ObjectRecord;
  caller: ServiceCaller;
}

/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** The stored headers a form may set, as S3 keeps them from a PUT's headers. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'expires'];

export async function postObject(
  context: PostContext,
  bucket: string,
  req: IncomingMessage,
  location: (key: string) => string,
): Promise<PostResult> {
  const form = await readPostForm(req, context.maxBodyBytes);
  const { fields, file } = form;
  const rawKey = fields.get('key');
  if (rawKey === undefined) throw missingField('key');
  if (!file) {
    throw new S3Error(
      'IncorrectNumberOfFilesInPostRequest',
      400,
      'POST requires exactly one file upload per request.',
    );
  }
  const key = rawKey.replace('${filename}', file.filename ?? '');
  fields.set('key', key);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 400, 'Your key is too long', {
      MaxSizeAllowed: MAX_KEY_BYTES,
      Size: Buffer.byteLength(key),
    });
  }
  // The buckets are private: a form without a policy is an anonymous write.
  const policyField = fields.get('policy');
  if (policyField === undefined) throw accessDenied('POST without a policy');
  const accessKeyId = await verifyPostSignature(fields, {
    region: context.region,
    now: context.now,
    lookup: (id) => context.auth.services.signingKey(id),
  });
  const caller = context.auth.services.callerOf(accessKeyId);
  context.auth.authorize(caller, 's3:PutObject', objectArn(bucket, key));
  checkPolicy(readPolicy(policyField), {
    bucket,
    fields,
    fileSize: file.data.length,
    now: context.now,
  });

  const staged = await context.store.stage(Readable.from([file.data]), Infinity, () => new Error());
  const record = await context.store.commit(bucket, key, staged, objectInput(fields));
  return {
    ...answer(fields.get('success_action_status'), bucket, record, location),
    record,
    caller,
  };
}

function objectInput(fields: ReadonlyMap<string, string>): ObjectInput {
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (STORED_HEADERS.includes(name)) headers[name] = value;
    else if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  const contentType = fields.get('content-type');
  return { ...(contentType ? { contentType } : {}), headers, metadata };
}

function answer(
  status: string | undefined,
  bucket: string,
  record: ObjectRecord,
  location: (key: string) => string,
): Omit<PostResult, 'record' | 'caller'> {
  const url = location(record.key);
  const headers = { ETag: `"${record.etag}"`, Location: url };
  if (status === '200') return { statusCode: 200, headers, body: '' };
  if (status !== '201') return { statusCode: 204, headers, body: '' };
  return {
    statusCode: 201,
    headers: { ...headers, 'Content-Type': 'application/xml' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${xmlEscape(url)}</Location><Bucket>${xmlEscape(bucket)}</Bucket>` +
      `<Key>${xmlEscape(record.key)}</Key><ETag>"${record.etag}"</ETag></PostResponse>`,
  };
}
