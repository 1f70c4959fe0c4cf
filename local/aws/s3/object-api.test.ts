// The local S3's object operations through the real @aws-sdk/client-s3 (what the
// Lambdas use), @smithy/signature-v4 and plain fetch for hostile requests.
//
// What AWS answers, and where it says so:
// - Error codes, statuses and messages (AccessDenied 403, NoSuchKey 404, NoSuchBucket
//   404, SignatureDoesNotMatch 403, InvalidAccessKeyId 403, InvalidToken 400,
//   ExpiredToken 400, XAmzContentSHA256Mismatch 400, the XML document):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
// - A missing key is 404 NoSuchKey only with s3:ListBucket, else 403 AccessDenied
//   (GetObject's and HeadObject's Permissions; HeadObject needs s3:GetObject and answers
//   errors without a body): https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html,
//   https://github.com/aws/aws-cli/issues/2041
// - S3's SigV4 in the header needs x-amz-content-sha256; a presigned URL is signed with
//   UNSIGNED-PAYLOAD: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// - S3 allows 15 minutes of clock skew, then RequestTimeTooSkewed (403) with
//   MaxAllowedSkewMilliseconds 900000: https://github.com/aws/aws-sdk-php/issues/612,
//   https://github.com/versity/versitygw/issues/1514
// - A presigned URL lives its X-Amz-Expires (at most 604800 s), then "Request has expired":
//   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html,
//   https://docs.aws.amazon.com/cli/latest/reference/s3/presign.html
// - The event S3 sends to Lambda (Records[0].eventName, s3.bucket.name, s3.object.key
//   URL-encoded, size, eTag):
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { REGION } from '../../../node-testing/edge';
import { serviceCredentials } from '../service-credentials';
import { LocalS3 } from './index';
import { BUCKET, startS3Fixture, type S3Fixture } from '../../../node-testing/s3';

async function refusal(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => assert.fail('should be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof S3ServiceException, String(error));
  return error;
}

/** A request signed for S3 by the AWS signer, sent as given. */
async function signed(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signingDate?: Date },
  keys: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  } = serviceCredentials,
) {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials: keys,
    region: REGION,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signedRequest = await signer.sign(
    {
      method: init.method,
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      headers: { host: target.host, ...init.headers },
      body: init.body,
    },
    { signingDate: init.signingDate },
  );
  return fetch(url, {
    method: init.method,
    headers: signedRequest.headers,
    body: init.body,
  });
}

describe('local S3 objects (GetObject, PutObject, HeadObject, DeleteObject)', () => {
  let f: S3Fixture;
  before(async () => {
    f = await startS3Fixture();
  });
  after(() => f.close());

  it('stores, reads, heads and deletes an object with the SDK and the local root keys', async () => {
    const s3 = f.client();
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'photos/a b/ü.webp',
        Body: Buffer.from('RIFF-webp'),
        ContentType: 'image/webp',
        CacheControl: 'public, max-age=31536000, immutable',
        Metadata: { width: '320' },
      }),
    );
    assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/a b/ü.webp' }));
    assert.equal(await got.Body?.transformToString(), 'RIFF-webp');
    assert.equal(got.ContentType, 'image/webp');
    assert.equal(got.ContentLength, 9);
    assert.equal(got.ETag, put.ETag);
    assert.equal(got.CacheControl, 'public, max-age=31536000, immutable');
    assert.deepEqual(got.Metadata, { width: '320' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'photos/a b/ü.webp' }));
    assert.equal(head.ContentLength, 9);
    assert.equal(head.ContentType, 'image/webp');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'photos/a b/ü.webp' }));
    const gone = await refusal(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/a b/ü.webp' })),
    );
    assert.equal(gone.name, 'NoSuchKey');
    assert.equal(gone.$metadata.httpStatusCode, 404);
    assert.equal(gone.message, 'The specified key does not exist.');
    // Deleting what is not there is a success, as in S3.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'photos/a b/ü.webp' }));
  });

  it('answers a HEAD of a missing key 404 without a body', async () => {
    const error = await refusal(
      f.client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'photos/none' })),
    );
    assert.equal(error.name, 'NotFound');
    assert.equal(error.$metadata.httpStatusCode, 404);
  });

  it('stores a stream body, which the SDK sends aws-chunked', async () => {
    const s3 = f.client();
    const bytes = Buffer.alloc(200_000, 7);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'photos/streamed',
        Body: Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]),
        ContentLength: bytes.length,
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/streamed' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), bytes);
    assert.match(f.lines.join('\n'), /PUT \/secure-pets-photos\/photos\/streamed -> 200/);
  });

  it('keeps the objects across a restart (on disk)', async () => {
    await f
      .client()
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/kept', Body: 'kept' }));
    const again = new LocalS3({
      root: `${f.dir}/s3`,
      buckets: [{ name: BUCKET }],
      region: REGION,
      account: '000000000000',
      policies: new Map(),
    });
    await again.open();
    const found = await again.store.get(BUCKET, 'photos/kept');
    assert.equal(found?.record.size, 4);
    found?.body.destroy();
  });

  it('gives a role only what its policy allows, and hides missing keys from it', async () => {
    const s3 = f.client(f.uploader());
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/1', Body: 'x' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/1' }));
    assert.equal(await got.Body?.transformToString(), 'x');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'uploads/1' }));

    const put = await refusal(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/1', Body: 'x' })),
    );
    assert.equal(put.name, 'AccessDenied');
    assert.equal(put.$metadata.httpStatusCode, 403);
    assert.equal(put.message, 'Access Denied');
    // No s3:ListBucket: a missing key is 403, not 404.
    const missing = await refusal(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/none' })),
    );
    assert.equal(missing.name, 'AccessDenied');
    assert.equal(missing.$metadata.httpStatusCode, 403);
    assert.match(
      f.lines.join('\n'),
      /PUT \/secure-pets-photos\/photos\/1 -> 403 S3 refused: AccessDenied/,
    );
  });

  it('refuses an unsigned GET with AccessDenied, in S3’s XML', async () => {
    await f.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/p', Body: 'p' }));
    const res = await fetch(`${f.url}/${BUCKET}/photos/p`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'application/xml');
    const body = await res.text();
    assert.match(
      body,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[0-9A-F]{16}<\/RequestId><HostId>/,
    );
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });

  it('refuses a forged signature, an unknown key and a wrong token', async () => {
    const forged = await refusal(
      f
        .client({ accessKeyId: 'test', secretAccessKey: 'not-the-secret' })
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/p' })),
    );
    assert.equal(forged.name, 'SignatureDoesNotMatch');
    assert.equal(forged.$metadata.httpStatusCode, 403);
    const unknown = await refusal(
      f
        .client({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' })
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/p' })),
    );
    assert.equal(unknown.name, 'InvalidAccessKeyId');
    assert.equal(unknown.$metadata.httpStatusCode, 403);
    assert.equal(
      unknown.message,
      'The AWS Access Key Id you provided does not exist in our records.',
    );
    const token = await refusal(
      f
        .client({ ...f.uploader(), sessionToken: 'wrong' })
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/p' })),
    );
    assert.equal(token.name, 'InvalidToken');
    assert.equal(token.$metadata.httpStatusCode, 400);
  });

  it('refuses expired role credentials with ExpiredToken', async () => {
    const keys = f.uploader();
    f.credentials.lookup(keys.accessKeyId)!.expiration = new Date(Date.now() - 1000);
    const error = await refusal(
      f.client(keys).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/p' })),
    );
    assert.equal(error.name, 'ExpiredToken');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, 'The provided token has expired.');
  });

  it('answers NoSuchBucket for a bucket the account does not have', async () => {
    const error = await refusal(
      f.client().send(new GetObjectCommand({ Bucket: 'someone-elses', Key: 'k' })),
    );
    assert.equal(error.name, 'NoSuchBucket');
    assert.equal(error.$metadata.httpStatusCode, 404);
  });

  it('refuses a body that is not the one the signature covers, and keeps the old object', async () => {
    await f
      .client()
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/swap', Body: 'old' }));
    const claimed = 'a'.repeat(64);
    const res = await signed(`${f.url}/${BUCKET}/photos/swap`, {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': claimed },
      body: 'new',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    const got = await f.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/swap' }));
    assert.equal(await got.Body?.transformToString(), 'old');
  });

  it('requires x-amz-content-sha256 on a signed request, as S3 does', async () => {
    const res = await signed(`${f.url}/${BUCKET}/photos/swap`, { method: 'GET' });
    assert.equal(res.status, 400);
    assert.match(
      await res.text(),
      /<Code>InvalidRequest<\/Code><Message>Missing required header for this request: x-amz-content-sha256<\/Message>/,
    );
  });

  it('allows 15 minutes of clock skew, as S3 does, then RequestTimeTooSkewed', async () => {
    const get = (minutesAgo: number) =>
      signed(`${f.url}/${BUCKET}/photos/swap`, {
        method: 'GET',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        signingDate: new Date(Date.now() - minutesAgo * 60_000),
      });
    assert.equal((await get(10)).status, 200);
    const skewed = await get(20);
    assert.equal(skewed.status, 403);
    assert.match(
      await skewed.text(),
      /<Code>RequestTimeTooSkewed<\/Code><Message>The difference between the request time and the current time is too large.<\/Message><MaxAllowedSkewMilliseconds>900000<\/MaxAllowedSkewMilliseconds>/,
    );
  });

  it('accepts a presigned GET (UNSIGNED-PAYLOAD) within its X-Amz-Expires, and not after', async () => {
    await f.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/pre', Body: 'pre' }));
    const target = new URL(`${f.url}/${BUCKET}/photos/pre`);
    const signer = new SignatureV4({
      credentials: serviceCredentials,
      region: REGION,
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
    });
    const presign = (signingDate: Date, expiresIn: number) =>
      signer.presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: target.hostname,
          port: Number(target.port),
          path: target.pathname,
          headers: { host: target.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        { signingDate, expiresIn },
      );
    const query = (q: Record<string, unknown>) =>
      new URLSearchParams(q as Record<string, string>).toString();
    // An hour old and valid for two: S3 honours an X-Amz-Expires beyond the skew.
    const fresh = await presign(new Date(Date.now() - 3600_000), 7200);
    const ok = await fetch(`${target}?${query(fresh.query!)}`);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'pre');
    const stale = await presign(new Date(Date.now() - 120_000), 60);
    const expired = await fetch(`${target}?${query(stale.query!)}`);
    assert.equal(expired.status, 403);
    assert.match(
      await expired.text(),
      /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/,
    );
  });

  it('sends an ObjectCreated:Put event for the upload prefix only, with S3’s record shape', async () => {
    f.events.length = 0;
    await f
      .client()
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/no-event', Body: 'x' }));
    await f
      .client()
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/pet 7/ü+1', Body: 'hello' }));
    await waitFor(() => f.events.length > 0);
    assert.equal(f.events.length, 1);
    const { functionName, event } = f.events[0]!;
    assert.equal(functionName, 'processPhoto');
    const record = event.Records[0]!;
    assert.equal(record.eventSource, 'aws:s3');
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.awsRegion, REGION);
    assert.equal(record.s3.bucket.name, BUCKET);
    assert.equal(record.s3.bucket.arn, `arn:aws:s3:::${BUCKET}`);
    assert.equal(record.s3.object.key, 'uploads/pet+7/%C3%BC%2B1');
    assert.equal(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')), 'uploads/pet 7/ü+1');
    assert.equal(record.s3.object.size, 5);
    assert.equal(record.s3.object.eTag, '5d41402abc4b2a76b9719d911017c592');
  });

  it('is reached path-style through AWS_ENDPOINT_URL_S3 at an IP address, as the Lambdas reach it', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: f.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const s3 = new S3Client({ maxAttempts: 1 });
    try {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'photos/env', Body: 'env' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'photos/env' }));
      assert.equal(await got.Body?.transformToString(), 'env');
    } finally {
      s3.destroy();
      process.env = saved;
    }
  });

  it('answers 421 to a foreign Host before any work', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(f.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `/${BUCKET}/photos/p`,
          headers: { Host: `rebind.example:${url.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 421);
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) assert.fail('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
