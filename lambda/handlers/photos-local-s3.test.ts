// An upload end to end on the local S3 (node-testing/s3.ts): the upload form from the
// real handler, the file posted with fetch as a browser posts it, S3's ObjectCreated
// notification running the real processPhoto, which reads and writes through the
// local S3 with @aws-sdk/client-s3 as it does in AWS.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import sharp from 'sharp';
import { lambdaEnv, type LambdaHandler } from '../../api/handlers';
import type { PetPhoto } from '../../api/pet';
import { photoRejections } from '../../api/photos';
import { apiEvent, loadHandlers, startBackend } from '../../node-testing/backend';
import { BUCKET, startS3Fixture } from '../../node-testing/s3';
import { phoneJpeg, textFile } from '../photos/test-images';

/** processPhoto, once loaded (after the environment that names the local S3). */
const lambda: { processPhoto?: (event: S3Event) => Promise<void> } = {};
const s3 = await startS3Fixture({
  notify: async (_functionName, event) => lambda.processPhoto?.(event as unknown as S3Event),
});
const backend = await startBackend({
  env: { [lambdaEnv.photosBucket]: BUCKET, AWS_ENDPOINT_URL_S3: s3.url },
});
const handlers = await loadHandlers();
lambda.processPhoto = handlers.processPhoto as unknown as (event: S3Event) => Promise<void>;
const photoUpload: LambdaHandler = handlers.photoUpload;
const doc = DynamoDBDocumentClient.from(backend.client);
const client = s3.client();
after(async () => {
  await s3.close();
  await backend.close();
});

await backend.seed([
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
]);

const item = async (id: number) =>
  (await doc.send(new GetCommand({ TableName: backend.tableName, Key: { id } }))).Item;
const keys = async () =>
  ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map(
    (o) => o.Key!,
  );

/** The admin's upload: a form from the API, then the file posted to S3 as a browser does. */
async function upload(id: number, bytes: Uint8Array, contentType: string): Promise<Response> {
  const res = await photoUpload(
    apiEvent('POST', `/pets/${id}/photo`, { contentType }, { pathParameters: { id: String(id) } }),
  );
  assert.equal(res.statusCode, 200, res.body);
  const form = JSON.parse(res.body) as { url: string; fields: Record<string, string> };
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), 'photo');
  return fetch(form.url, { method: 'POST', body });
}

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('a photo through the local S3', () => {
  it('becomes the pet’s photo: WebP without metadata, immutable, the upload gone', async () => {
    const posted = await upload(1, await phoneJpeg(1600, 1200), 'image/jpeg');
    assert.equal(posted.status, 204, await posted.text());
    const photo = await until(async () => (await item(1))?.['photo'] as PetPhoto | undefined);
    assert.deepEqual([photo.width, photo.height], [960, 1280]);
    // The photo is set before the upload is deleted: wait for that too.
    const stored = await until(async () => {
      const now = await keys();
      return now.some((k) => k.startsWith('uploads/')) ? undefined : now;
    });
    assert.equal(stored.length, 3, stored.join());
    assert.ok(stored.every((k) => k.startsWith('photos/1/')));
    const large = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: photo.url.slice(1) }),
    );
    assert.equal(large.ContentType, 'image/webp');
    assert.equal(large.CacheControl, 'public, max-age=31536000, immutable');
    const meta = await sharp(await large.Body!.transformToByteArray()).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.xmp, undefined);
    assert.equal(meta.icc, undefined);
  });

  it('refuses text labelled image/jpeg after S3 took it: reason recorded, nothing left', async () => {
    const posted = await upload(2, textFile, 'image/jpeg');
    assert.equal(posted.status, 204, await posted.text());
    const error = await until(
      async () => (await item(2))?.['photoError'] as { reason: string } | undefined,
    );
    assert.equal(error.reason, photoRejections.notAnImage);
    assert.equal((await item(2))?.['photo'], undefined);
    // The refusal is recorded before the upload is deleted.
    await until(async () =>
      (await keys()).every((k) => k.startsWith('photos/1/')) ? true : undefined,
    );
  });
});
