// ListObjectsV2 and DeleteObjects on the local S3, through the real @aws-sdk/client-s3,
// what a Lambda cleaning up a pet's photos uses.
// - ListObjectsV2 (prefix, delimiter → CommonPrefixes, max-keys, continuation tokens,
//   s3:ListBucket on the bucket):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
// - DeleteObjects (up to 1000 keys, Deleted and per-key Error elements; quiet mode lists
//   only failures; each key needs s3:DeleteObject):
//   https://unpkg.com/@aws-sdk/client-s3@3.218.0/dist-types/commands/DeleteObjectsCommand.d.ts,
//   https://github.com/awsdocs/amazon-s3-developer-guide/blob/master/doc_source/DeletingMultipleObjects.md
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { BUCKET, startS3Fixture, type S3Fixture } from '../../../node-testing/s3';

describe('local S3 bucket operations (ListObjectsV2, DeleteObjects)', () => {
  let f: S3Fixture;
  const keys = [
    'photos/1/a.webp',
    'photos/1/b.webp',
    'photos/2/a.webp',
    'photos/ü.webp',
    'uploads/x',
  ];
  before(async () => {
    f = await startS3Fixture();
    for (const key of keys) {
      await f.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }
  });
  after(() => f.close());

  it('lists a prefix in pages, with sizes and ETags', async () => {
    const s3 = f.client();
    const first = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'photos/', MaxKeys: 2 }),
    );
    assert.deepEqual(
      first.Contents?.map((o) => o.Key),
      ['photos/1/a.webp', 'photos/1/b.webp'],
    );
    assert.equal(first.IsTruncated, true);
    assert.equal(first.KeyCount, 2);
    assert.equal(first.Contents?.[0]?.Size, 'photos/1/a.webp'.length);
    assert.match(first.Contents?.[0]?.ETag ?? '', /^"[0-9a-f]{32}"$/);
    const rest = await s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: 'photos/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    assert.deepEqual(
      rest.Contents?.map((o) => o.Key),
      ['photos/2/a.webp', 'photos/ü.webp'],
    );
    assert.equal(rest.IsTruncated, false);
  });

  it('groups keys by a delimiter into CommonPrefixes', async () => {
    const out = await f
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'photos/', Delimiter: '/' }));
    assert.deepEqual(
      out.CommonPrefixes?.map((p) => p.Prefix),
      ['photos/1/', 'photos/2/'],
    );
    assert.deepEqual(
      out.Contents?.map((o) => o.Key),
      ['photos/ü.webp'],
    );
  });

  it('needs s3:ListBucket to list', async () => {
    const error = await f
      .client(f.uploader())
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }))
      .then(
        () => assert.fail('should be refused'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof S3ServiceException);
    assert.equal(error.name, 'AccessDenied');
    assert.equal(error.$metadata.httpStatusCode, 403);
  });

  it('deletes many keys at once, each as the caller may', async () => {
    const out = await f.client(f.uploader()).send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'uploads/x' }, { Key: 'photos/1/a.webp' }] },
      }),
    );
    assert.deepEqual(
      out.Deleted?.map((d) => d.Key),
      ['uploads/x'],
    );
    assert.deepEqual(
      out.Errors?.map((e) => [e.Key, e.Code]),
      [['photos/1/a.webp', 'AccessDenied']],
    );
    const root = await f.client().send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'photos/1/a.webp' }, { Key: 'photos/1/b.webp' }], Quiet: true },
      }),
    );
    assert.equal(root.Deleted, undefined);
    assert.equal(root.Errors, undefined);
    const left = await f
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'photos/1/' }));
    assert.equal(left.KeyCount, 0);
  });

  it('refuses a malformed Delete document with MalformedXML', async () => {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const url = new URL(`${f.url}/${BUCKET}?delete`);
    const body = '<Delete><Object><Key>&#xFFFFFFF;</Key></Object></Delete>';
    const signed = await new SignatureV4({
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      region: 'us-east-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    }).sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: { delete: '' },
      headers: { host: url.host },
      body,
    });
    const res = await fetch(url, { method: 'POST', headers: signed.headers, body });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>MalformedXML<\/Code>/);
  });
});
