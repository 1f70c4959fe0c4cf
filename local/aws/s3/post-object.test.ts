// Browser uploads to the local S3 (POST Object with a SigV4 POST policy): forms made
// by the real @aws-sdk/s3-presigned-post, posted with fetch and FormData as the app
// posts them, and hostile forms and bodies.
//
// What AWS does, and where it says so:
// - The policy (expiration, conditions in object and array form, eq, starts-with,
//   content-length-range, every field but x-amz-signature, file, policy and
//   x-ignore-* covered by a condition):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// - The signature: the signing key from the credential's scope, the HMAC of the base64
//   policy: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
// - Fields, success_action_status (204 default, 200, 201 with a PostResponse):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
// - "Invalid according to Policy: Policy expired." (AccessDenied 403):
//   https://github.com/CulturalMe/meteor-slingshot/issues/80
// - "Invalid according to Policy: Extra input fields: …" (AccessDenied 403):
//   https://github.com/eddturtle/direct-upload/issues/18, https://github.com/aws/aws-sdk-php/issues/3292
// - "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", …]" (403):
//   https://github.com/sivchari/kumo/pull/936 (recorded against AWS)
// - EntityTooLarge / EntityTooSmall with ProposedSize, MaxSizeAllowed / MinSizeAllowed:
//   https://github.com/infinitered/apisauce/issues/245, https://github.com/versity/versitygw/issues/2040
// - Error codes and statuses (MalformedPOSTRequest, IncorrectNumberOfFilesInPostRequest,
//   InvalidArgument, SignatureDoesNotMatch, InvalidToken, EntityTooLarge 400):
//   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
// - CORS preflight answered from the bucket's rules, 403 when none allows it:
//   https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html,
//   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { APP_ORIGIN, BUCKET, startS3Fixture, type S3Fixture } from '../../../node-testing/s3';

const MAX = 10 * 1024 * 1024;

describe('local S3 browser uploads (POST Object with a POST policy)', () => {
  let f: S3Fixture;
  before(async () => {
    f = await startS3Fixture({ maxPostBodyBytes: 12 * 1024 * 1024 });
  });
  after(() => f.close());

  /** The form the photo route answers: one key, one content type, 1 B to 10 MB. */
  function presign(
    key: string,
    options: {
      contentType?: string;
      expires?: number;
      conditions?: NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']>;
      keys?: Parameters<S3Fixture['client']>[0];
      fields?: Record<string, string>;
    } = {},
  ): Promise<PresignedPost> {
    const contentType = options.contentType ?? 'image/jpeg';
    return createPresignedPost(f.client(options.keys), {
      Bucket: BUCKET,
      Key: key,
      Conditions: options.conditions ?? [
        ['content-length-range', 1, MAX],
        ['eq', '$Content-Type', contentType],
      ],
      Fields: { 'Content-Type': contentType, ...options.fields },
      Expires: options.expires ?? 300,
    });
  }

  /** Posts the form as a browser does: every field, then `file`. */
  function upload(
    post: PresignedPost,
    file: Uint8Array | string,
    change: (fields: Record<string, string>) => void = () => undefined,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const fields = { ...post.fields };
    change(fields);
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([file as BlobPart]), 'photo.jpg');
    return fetch(post.url, { method: 'POST', body: form, headers });
  }

  async function s3Error(res: Response): Promise<{ code: string; message: string; body: string }> {
    const body = await res.text();
    return {
      code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '',
      message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '',
      body,
    };
  }

  async function exists(key: string): Promise<boolean> {
    return f
      .client()
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
      .then(
        () => true,
        () => false,
      );
  }

  it('stores an upload within the policy (204) and sends ObjectCreated:Post', async () => {
    f.events.length = 0;
    const post = await presign('uploads/pet-1/a b.jpg');
    assert.equal(post.url, `${f.url}/${BUCKET}`);
    const res = await upload(post, Buffer.alloc(1000, 1));
    assert.equal(res.status, 204);
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    const got = await f
      .client()
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/pet-1/a b.jpg' }));
    assert.equal(got.ContentType, 'image/jpeg');
    assert.equal(got.ContentLength, 1000);
    const until = Date.now() + 2000;
    while (f.events.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const record = f.events[0]?.event.Records[0];
    assert.equal(record?.eventName, 'ObjectCreated:Post');
    assert.equal(record?.s3.bucket.name, BUCKET);
    assert.equal(record?.s3.object.key, 'uploads/pet-1/a+b.jpg');
    assert.equal(record?.s3.object.size, 1000);
    assert.equal(`"${record?.s3.object.eTag}"`, res.headers.get('etag'));
  });

  it('honours success_action_status 201 (PostResponse) and 200', async () => {
    const created = await presign('uploads/s201', {
      fields: { success_action_status: '201' },
    });
    const res = await upload(created, 'x');
    assert.equal(res.status, 201);
    const body = await res.text();
    assert.match(
      body,
      /<PostResponse><Location>http:\/\/127\.0\.0\.1:\d+\/secure-pets-photos\/uploads\/s201<\/Location><Bucket>secure-pets-photos<\/Bucket><Key>uploads\/s201<\/Key><ETag>"[0-9a-f]{32}"<\/ETag><\/PostResponse>/,
    );
    const ok = await presign('uploads/s200', { fields: { success_action_status: '200' } });
    const res200 = await upload(ok, 'x');
    assert.equal(res200.status, 200);
    assert.equal(await res200.text(), '');
  });

  it('refuses 10 MB + 1 byte with EntityTooLarge and stores nothing', async () => {
    const post = await presign('uploads/too-large');
    const res = await upload(post, Buffer.alloc(MAX + 1));
    assert.equal(res.status, 400);
    const error = await s3Error(res);
    assert.equal(error.code, 'EntityTooLarge');
    assert.equal(error.message, 'Your proposed upload exceeds the maximum allowed size');
    assert.match(
      error.body,
      /<ProposedSize>10485761<\/ProposedSize><MaxSizeAllowed>10485760<\/MaxSizeAllowed>/,
    );
    assert.equal(await exists('uploads/too-large'), false);
    // Exactly 10 MB passes.
    assert.equal((await upload(post, Buffer.alloc(MAX))).status, 204);
  });

  it('refuses an empty file with EntityTooSmall', async () => {
    const res = await upload(await presign('uploads/empty'), '');
    assert.equal(res.status, 400);
    const error = await s3Error(res);
    assert.equal(error.code, 'EntityTooSmall');
    assert.equal(error.message, 'Your proposed upload is smaller than the minimum allowed size');
    assert.match(error.body, /<ProposedSize>0<\/ProposedSize><MinSizeAllowed>1<\/MinSizeAllowed>/);
  });

  it('refuses another key (the object-form key condition)', async () => {
    const post = await presign('uploads/mine');
    const res = await upload(post, 'x', (fields) => {
      fields['key'] = 'uploads/theirs';
    });
    assert.equal(res.status, 403);
    const error = await s3Error(res);
    assert.equal(error.code, 'AccessDenied');
    assert.equal(
      error.message,
      'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "uploads/mine"]',
    );
    assert.equal(await exists('uploads/theirs'), false);
  });

  it('refuses another Content-Type (the array-form eq condition)', async () => {
    const post = await presign('uploads/typed');
    const res = await upload(post, 'x', (fields) => {
      fields['Content-Type'] = 'text/html';
    });
    assert.equal(res.status, 403);
    assert.equal(
      (await s3Error(res)).message,
      'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]',
    );
    assert.equal(await exists('uploads/typed'), false);
  });

  it('checks starts-with on $key and on $Content-Type (each listed type)', async () => {
    const conditions: NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']> = [
      ['starts-with', '$key', 'uploads/pet-2/'],
      ['starts-with', '$Content-Type', 'image/'],
      ['content-length-range', 1, 100],
    ];
    const post = await createPresignedPost(f.client(), {
      Bucket: BUCKET,
      Key: 'uploads/pet-2/${filename}',
      Conditions: conditions,
      Fields: { 'Content-Type': 'image/png' },
    });
    // ${filename} becomes the file's name, within the prefix.
    assert.equal((await upload(post, 'x')).status, 204);
    assert.equal(await exists('uploads/pet-2/photo.jpg'), true);
    const outside = await upload(post, 'x', (fields) => {
      fields['key'] = 'photos/escape';
    });
    assert.equal(outside.status, 403);
    assert.equal(
      (await s3Error(outside)).message,
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/pet-2/"]',
    );
    const notImage = await upload(post, 'x', (fields) => {
      fields['Content-Type'] = 'image/png, text/html';
    });
    assert.equal(notImage.status, 403);
    assert.equal(await exists('photos/escape'), false);
  });

  it('checks the bucket condition against the bucket posted to', async () => {
    const post = await createPresignedPost(f.client(), {
      Bucket: 'another-bucket',
      Key: 'uploads/elsewhere',
      Conditions: [['content-length-range', 1, 100]],
    });
    const res = await upload({ ...post, url: `${f.url}/${BUCKET}` }, 'x');
    assert.equal(res.status, 403);
    assert.equal(
      (await s3Error(res)).message,
      'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "another-bucket"]',
    );
  });

  it('refuses an expired policy', async () => {
    const post = await presign('uploads/late', { expires: -1 });
    const res = await upload(post, 'x');
    assert.equal(res.status, 403);
    const error = await s3Error(res);
    assert.equal(error.code, 'AccessDenied');
    assert.equal(error.message, 'Invalid according to Policy: Policy expired.');
    assert.equal(await exists('uploads/late'), false);
  });

  it('refuses a forged signature and a policy changed after signing', async () => {
    const post = await presign('uploads/forged');
    const forged = await upload(post, 'x', (fields) => {
      fields['X-Amz-Signature'] = '0'.repeat(64);
    });
    assert.equal(forged.status, 403);
    assert.equal((await s3Error(forged)).code, 'SignatureDoesNotMatch');
    const wider = JSON.parse(Buffer.from(post.fields['Policy']!, 'base64').toString()) as {
      conditions: unknown[];
    };
    wider.conditions = wider.conditions.map((c) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 1e9] : c,
    );
    const changed = await upload(post, 'x', (fields) => {
      fields['Policy'] = Buffer.from(JSON.stringify(wider)).toString('base64');
    });
    assert.equal(changed.status, 403);
    assert.equal((await s3Error(changed)).code, 'SignatureDoesNotMatch');
    assert.equal(await exists('uploads/forged'), false);
  });

  it('refuses a field the policy does not name, but not an x-ignore- one', async () => {
    const post = await presign('uploads/extra');
    const extra = await upload(post, 'x', (fields) => {
      fields['x-amz-meta-owner'] = 'mallory';
    });
    assert.equal(extra.status, 403);
    assert.equal(
      (await s3Error(extra)).message,
      'Invalid according to Policy: Extra input fields: x-amz-meta-owner',
    );
    const ignored = await upload(post, 'x', (fields) => {
      fields['x-ignore-note'] = 'fine';
    });
    assert.equal(ignored.status, 204);
  });

  it('needs the signer to be allowed s3:PutObject on the key, and its session token', async () => {
    const keys = f.uploader();
    const allowed = await presign('uploads/by-role', { keys });
    assert.equal((await upload(allowed, 'x')).status, 204);
    const denied = await presign('photos/by-role', { keys });
    const res = await upload(denied, 'x');
    assert.equal(res.status, 403);
    assert.deepEqual(
      { ...(await s3Error(res)), body: undefined },
      { code: 'AccessDenied', message: 'Access Denied', body: undefined },
    );
    const token = await upload(allowed, 'x', (fields) => {
      fields['X-Amz-Security-Token'] = 'forged';
    });
    assert.equal(token.status, 400);
    assert.equal((await s3Error(token)).code, 'InvalidToken');
    assert.equal(await exists('photos/by-role'), false);
  });

  it('refuses a form without a file, without a key, or without a policy', async () => {
    const post = await presign('uploads/parts');
    const noFile = new FormData();
    for (const [name, value] of Object.entries(post.fields)) noFile.append(name, value);
    const res = await fetch(post.url, { method: 'POST', body: noFile });
    assert.equal(res.status, 400);
    assert.equal((await s3Error(res)).code, 'IncorrectNumberOfFilesInPostRequest');
    const noKey = await upload(post, 'x', (fields) => {
      delete fields['key'];
    });
    assert.equal(noKey.status, 400);
    assert.equal(
      (await s3Error(noKey)).message,
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
    );
    const anonymous = await upload(post, 'x', (fields) => {
      delete fields['Policy'];
    });
    assert.equal(anonymous.status, 403);
    assert.equal((await s3Error(anonymous)).code, 'AccessDenied');
  });

  it('answers a malformed or non-multipart body with MalformedPOSTRequest, and keeps serving', async () => {
    const broken = await fetch(`${f.url}/${BUCKET}`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="key"\r\n\r\nuploads/x\r\n--xy',
    });
    assert.equal(broken.status, 400);
    assert.equal((await s3Error(broken)).code, 'MalformedPOSTRequest');
    const plain = await fetch(`${f.url}/${BUCKET}`, { method: 'POST', body: 'key=uploads/x' });
    assert.equal(plain.status, 400);
    assert.equal((await s3Error(plain)).code, 'MalformedPOSTRequest');
    const post = await presign('uploads/after-junk');
    assert.equal((await upload(post, 'x')).status, 204);
  });

  it('stops reading a body past the local limit with EntityTooLarge', async () => {
    const post = await presign('uploads/huge', { conditions: [['content-length-range', 1, 1e9]] });
    const res = await upload(post, Buffer.alloc(13 * 1024 * 1024));
    assert.equal(res.status, 400);
    const error = await s3Error(res);
    assert.equal(error.code, 'EntityTooLarge');
    assert.match(error.body, /<MaxSizeAllowed>12582912<\/MaxSizeAllowed>/);
    assert.equal(await exists('uploads/huge'), false);
  });

  it('answers the app’s preflight and upload with the bucket’s CORS rule, and no other page', async () => {
    const preflight = (origin: string, method = 'POST') =>
      fetch(`${f.url}/${BUCKET}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': method },
      });
    const app = await preflight(APP_ORIGIN);
    assert.equal(app.status, 200);
    assert.equal(app.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(app.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(app.headers.get('access-control-max-age'), '7200');
    assert.match(app.headers.get('vary') ?? '', /Origin/);
    const foreign = await preflight('http://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.match(await foreign.text(), /<Code>AccessForbidden<\/Code>/);
    assert.equal((await preflight(APP_ORIGIN, 'PUT')).status, 403);

    const post = await presign('uploads/cors');
    const fromApp = await upload(post, 'x', undefined, { Origin: APP_ORIGIN });
    assert.equal(fromApp.status, 204);
    assert.equal(fromApp.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(fromApp.headers.get('access-control-expose-headers'), 'ETag');
    const refused = await upload(post, Buffer.alloc(MAX + 1), undefined, { Origin: APP_ORIGIN });
    assert.equal(
      refused.headers.get('access-control-allow-origin'),
      APP_ORIGIN,
      'the app can read S3’s error',
    );
    const fromOther = await upload(post, 'x', undefined, { Origin: 'http://evil.example' });
    assert.equal(fromOther.headers.get('access-control-allow-origin'), null);
  });

  it('answers 421 to a foreign Host before reading the form', async () => {
    const url = new URL(f.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `/${BUCKET}`,
          headers: {
            Host: `rebind.example:${url.port}`,
            'Content-Type': 'multipart/form-data; boundary=b',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('--b--');
    });
    assert.equal(status, 421);
  });
});
