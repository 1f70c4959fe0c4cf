// Pet photos through the real handlers: the upload form (POST /pets/{id}/photo),
// processPhoto on S3 events, and the photo in every view, with dynalite and, for S3,
// an in-memory stand-in reached by the real @aws-sdk/client-s3 (node-testing/s3-double.ts).
// S3's own checks of the form (size, type, key, expiry, signature) are the local S3's.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { lambdaEnv } from '../../api/handlers';
import type { Pet, PetPhoto } from '../../api/pet';
import { photoHeaders, photoKeysOf, photoRejections, photoRules } from '../../api/photos';
import { apiEvent, loadHandlers, startBackend } from '../../node-testing/backend';
import { startS3Double } from '../../node-testing/s3-double';
import { processingFailed } from '../photos/process-upload';
import {
  phoneJpeg,
  photoLike,
  pixelBomb,
  svgImage,
  textFile,
  truncatedJpeg,
} from '../photos/test-images';

const BUCKET = 'secure-pets-photos-test';
const s3 = await startS3Double();
const backend = await startBackend({
  env: {
    [lambdaEnv.photosBucket]: BUCKET,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    [lambdaEnv.snapshotTtlMs]: '0',
  },
});
const handlers = await loadHandlers();
const processPhoto = handlers.processPhoto as unknown as (event: S3Event) => Promise<void>;
const doc = DynamoDBDocumentClient.from(backend.client);
after(async () => {
  await backend.close();
  await s3.close();
});

const pets: Pet[] = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
  { id: 3, type: 'fish', price: 0.99, isSold: true, soldTo: 'buyer@example.com' },
];

beforeEach(async () => {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: backend.tableName }));
  for (const item of Items) {
    await doc.send(new DeleteCommand({ TableName: backend.tableName, Key: { id: item['id'] } }));
  }
  s3.buckets.clear();
  await backend.seed(pets);
});

const form = (id: number | string, body: unknown) =>
  handlers.photoUpload(
    apiEvent('POST', `/pets/${id}/photo`, body, { pathParameters: { id: String(id) } }),
  );
const stored = async (id: number) =>
  (await doc.send(new GetCommand({ TableName: backend.tableName, Key: { id } }))).Item;
const message = (res: { body: string }) => (JSON.parse(res.body) as { message: string }).message;
const listed = async () =>
  JSON.parse((await handlers.getPets(apiEvent('GET', '/pets'))).body) as Pet[];

function s3Event(key: string, eventTime: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime,
        eventName: 'ObjectCreated:Post',
        userIdentity: { principalId: 'AWS:test' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'photos',
          bucket: {
            name: BUCKET,
            ownerIdentity: { principalId: 'A' },
            arn: `arn:aws:s3:::${BUCKET}`,
          },
          // As S3 sends it: URL-encoded.
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/'),
            size: 1,
            eTag: '0',
            sequencer: '0',
          },
        },
      },
    ],
  };
}

let clock = Date.parse('2026-01-01T00:00:00Z');
/** A later time on every call, as uploads reaching S3 one after another. */
const nextTime = () => new Date((clock += 1000)).toISOString();

/** An admin's upload as the browser makes it: a form, the file posted to S3 under the form's key. */
async function uploaded(id: number, bytes: Uint8Array, contentType = 'image/jpeg') {
  const res = await form(id, { contentType });
  assert.equal(res.statusCode, 200, res.body);
  const { fields } = JSON.parse(res.body) as { fields: Record<string, string> };
  s3.put(BUCKET, fields['key']!, bytes, contentType);
  return { key: fields['key']!, at: nextTime() };
}

async function uploadAndProcess(id: number, bytes: Uint8Array, contentType?: string) {
  const upload = await uploaded(id, bytes, contentType);
  await processPhoto(s3Event(upload.key, upload.at));
  return upload;
}

const photoOfPet = async (id: number) => (await stored(id))?.['photo'] as PetPhoto | undefined;

describe('POST /pets/{id}/photo', () => {
  it('answers a presigned POST for one key of that pet, 10 MiB of the declared type, 5 minutes', async () => {
    const before = Date.now();
    const res = await form(1, { contentType: 'image/png' });
    assert.equal(res.statusCode, 200, res.body);
    const { url, fields } = JSON.parse(res.body) as { url: string; fields: Record<string, string> };
    assert.equal(url, `${s3.endpoint}/${BUCKET}`);
    assert.match(fields['key']!, /^uploads\/1\/[\w-]{24}$/);
    assert.equal(fields['Content-Type'], 'image/png');
    assert.equal(fields['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.ok(fields['X-Amz-Signature'] && fields['X-Amz-Credential'] && fields['Policy']);
    const policy = JSON.parse(Buffer.from(fields['Policy']!, 'base64').toString()) as {
      expiration: string;
      conditions: unknown[];
    };
    const expires = Date.parse(policy.expiration);
    assert.ok(expires - before <= photoRules.formSeconds * 1000 + 1000, policy.expiration);
    assert.ok(expires > before);
    assert.deepEqual(
      policy.conditions.filter((c) => Array.isArray(c)),
      [
        ['content-length-range', 1, 10_485_760],
        ['eq', '$Content-Type', 'image/png'],
        ['eq', '$bucket', BUCKET],
        ['eq', '$key', fields['key']],
      ],
    );
    const again = JSON.parse((await form(1, { contentType: 'image/png' })).body) as typeof fields;
    assert.notEqual(
      (again as unknown as { fields: Record<string, string> }).fields['key'],
      fields['key'],
    );
  });

  it('accepts the four photo types and refuses any other with 400', async () => {
    for (const contentType of ['image/jpeg', 'image/png', 'image/webp', 'image/avif']) {
      assert.equal((await form(2, { contentType })).statusCode, 200, contentType);
    }
    for (const contentType of ['image/svg+xml', 'text/html', 'image/gif', 'IMAGE/JPEG', '', 42]) {
      const res = await form(2, { contentType });
      assert.equal(res.statusCode, 400, String(contentType));
      assert.match(message(res), /image\/jpeg, image\/png, image\/webp, image\/avif/);
    }
    assert.equal((await form(2, {})).statusCode, 400);
    assert.equal(s3.keys(BUCKET).length, 0);
  });

  it('answers 404 for a pet that does not exist, 400 for a malformed id', async () => {
    const res = await form(99, { contentType: 'image/jpeg' });
    assert.equal(res.statusCode, 404);
    assert.equal(message(res), 'There is no pet 99.');
    assert.equal((await form('abc', { contentType: 'image/jpeg' })).statusCode, 400);
  });
});

describe('processPhoto', () => {
  it("makes the upload the pet's photo, served as immutable WebP, and deletes the upload", async () => {
    const { key } = await uploadAndProcess(1, await phoneJpeg(1600, 1200));
    const photo = await photoOfPet(1);
    assert.ok(photo);
    // Orientation 6: 1600x1200 stored is 1200x1600 upright; the large image is 960x1280.
    assert.deepEqual([photo.width, photo.height], [960, 1280]);
    assert.match(photo.url, /^\/photos\/1\/[0-9a-f]{16}-1280\.webp$/);
    const base = photo.url.slice(1, -'1280.webp'.length);
    const files = [320, 640, 1280].map((side) => `${base}${side}.webp`);
    assert.equal(photo.srcset, files.map((k, i) => `/${k} ${[240, 480, 960][i]}w`).join(', '));
    assert.deepEqual(s3.keys(BUCKET), [...files].sort());
    assert.ok(!s3.keys(BUCKET).includes(key));
    for (const file of files) {
      const object = s3.buckets.get(BUCKET)!.get(file)!;
      assert.equal(object.headers['content-type'], photoHeaders['Content-Type']);
      assert.equal(object.headers['cache-control'], 'public, max-age=31536000, immutable');
    }
    // The rest of the pet is untouched.
    const item = await stored(1);
    assert.equal(item?.['type'], 'dog');
    assert.equal(item?.['price'], 249.99);
    assert.equal(item?.['photoError'], undefined);
  });

  it('puts the photo in every view: GET /pets, sales, mine, POST /pets, the purchase', async () => {
    await uploadAndProcess(1, await phoneJpeg());
    await uploadAndProcess(3, await phoneJpeg());
    const one = await photoOfPet(1);
    const three = await photoOfPet(3);
    assert.ok(one && three);
    const page = await listed();
    assert.deepEqual(page.find((p) => p.id === 1)?.photo, one);
    assert.deepEqual(page.find((p) => p.id === 3)?.photo, three);
    const queries: Record<string, string>[] = [
      { sort: 'price' },
      { type: 'dog' },
      { type: 'fish', sort: '-price' },
    ];
    for (const query of queries) {
      const res = await handlers.getPets(apiEvent('GET', '/pets', undefined, { query }));
      for (const pet of JSON.parse(res.body) as Pet[]) {
        assert.deepEqual(pet.photo, { 1: one, 3: three }[pet.id], JSON.stringify(query));
      }
    }
    const sales = JSON.parse(
      (await handlers.listSales(apiEvent('GET', '/pets/sales'))).body,
    ) as Pet[];
    assert.deepEqual(sales[0]?.photo, three);
    const authToken = await backend.token({ email: 'buyer@example.com' });
    const mine = JSON.parse(
      (await handlers.listMine(apiEvent('POST', '/pets/mine', { authToken }))).body,
    ) as Pet[];
    assert.deepEqual(mine[0]?.photo, three);
    const replaced = await handlers.updatePets(
      apiEvent('POST', '/pets', {
        pets: pets.map(({ id, type, price }) => ({ id, type, price: id === 1 ? 5 : price })),
      }),
    );
    assert.deepEqual((JSON.parse(replaced.body) as Pet[]).find((p) => p.id === 1)?.photo, one);
    assert.deepEqual(await photoOfPet(1), one, 'a re-priced pet keeps its photo');
    const bought = await handlers.purchasePet(
      apiEvent('POST', '/pets/purchase', { petId: 1, authToken: await backend.token() }),
    );
    assert.equal(bought.statusCode, 200, bought.body);
    assert.deepEqual((JSON.parse(bought.body) as Pet[]).find((p) => p.id === 1)?.photo, one);
  });

  it('keeps the photo through PUT /pets/{id}', async () => {
    await uploadAndProcess(2, await phoneJpeg());
    const photo = await photoOfPet(2);
    const res = await handlers.putPet(
      apiEvent('PUT', '/pets/2', { type: 'tabby', price: 99 }, { pathParameters: { id: '2' } }),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await photoOfPet(2), photo);
  });

  const refusals: [string, () => Promise<Buffer>, string, string][] = [
    ['text labelled image/jpeg', async () => textFile, 'image/jpeg', photoRejections.notAnImage],
    ['an SVG labelled image/png', async () => svgImage, 'image/png', photoRejections.notAnImage],
    ['a truncated JPEG', truncatedJpeg, 'image/jpeg', photoRejections.unreadable],
    ['a 50-megapixel PNG of a few kB', pixelBomb, 'image/png', photoRejections.tooManyPixels],
  ];
  for (const [what, make, contentType, reason] of refusals) {
    it(`refuses ${what}: the pet and its photo stay as they were, the reason is recorded, nothing is left`, async () => {
      await uploadAndProcess(1, await phoneJpeg());
      const before = await stored(1);
      const filesBefore = s3.keys(BUCKET);
      const { key, at } = await uploadAndProcess(1, await make(), contentType);
      const { photoError, ...after } = (await stored(1)) ?? {};
      assert.deepEqual(after, before);
      assert.deepEqual(photoError, { key, reason, at });
      assert.deepEqual(s3.keys(BUCKET), filesBefore);
      // Never in a public view.
      const page = JSON.stringify(await listed());
      assert.ok(!page.includes('photoError') && !page.includes(reason), page);
    });
  }

  it('clears a recorded reason when a later upload succeeds', async () => {
    await uploadAndProcess(2, textFile);
    assert.equal((await stored(2))?.['photoError']?.reason, photoRejections.notAnImage);
    await uploadAndProcess(2, await phoneJpeg());
    assert.equal((await stored(2))?.['photoError'], undefined);
    assert.ok(await photoOfPet(2));
  });

  it('replaces a photo under a new URL and deletes the old images', async () => {
    await uploadAndProcess(1, await phoneJpeg());
    const first = (await photoOfPet(1))!;
    await uploadAndProcess(1, await (await photoLike(900, 900)).png().toBuffer(), 'image/png');
    const second = (await photoOfPet(1))!;
    assert.notEqual(second.url, first.url);
    assert.deepEqual(s3.keys(BUCKET), photoKeysOf(second).sort());
  });

  it('gives no photo to a pet removed while its upload was processed, and leaves no file', async () => {
    const upload = await uploaded(2, await phoneJpeg());
    const gone = await handlers.deletePet(
      apiEvent('DELETE', '/pets/2', undefined, { pathParameters: { id: '2' } }),
    );
    assert.equal(gone.statusCode, 204);
    await processPhoto(s3Event(upload.key, upload.at));
    assert.equal(await stored(2), undefined, 'no item is made for the removed pet');
    assert.deepEqual(s3.keys(BUCKET), []);
  });

  it('of two uploads racing, the later one wins in either order, and no orphan remains', async () => {
    for (const laterFirst of [true, false]) {
      const earlier = await uploaded(1, await phoneJpeg());
      const later = await uploaded(
        1,
        await (await photoLike(500, 700)).webp().toBuffer(),
        'image/webp',
      );
      const order = laterFirst ? [later, earlier] : [earlier, later];
      for (const u of order) await processPhoto(s3Event(u.key, u.at));
      const photo = (await photoOfPet(1))!;
      assert.equal(photo.height, 700, `laterFirst=${laterFirst}`);
      assert.deepEqual(s3.keys(BUCKET), photoKeysOf(photo).sort());
    }
  });

  it('two uploads processed at the same moment: the later wins, no orphan remains', async () => {
    const earlier = await uploaded(2, await phoneJpeg());
    const later = await uploaded(
      2,
      await (await photoLike(500, 700)).webp().toBuffer(),
      'image/webp',
    );
    await Promise.all([later, earlier].map((u) => processPhoto(s3Event(u.key, u.at))));
    const photo = (await photoOfPet(2))!;
    assert.equal(photo.height, 700);
    assert.deepEqual(s3.keys(BUCKET), photoKeysOf(photo).sort());
  });

  it('ignores objects outside the upload keys, and deletes them', async () => {
    s3.put(BUCKET, 'uploads/1/short', textFile);
    await processPhoto(s3Event('uploads/1/short', nextTime()));
    assert.deepEqual(s3.keys(BUCKET), []);
    assert.equal((await stored(1))?.['photoError'], undefined);
  });

  it('an upload that vanished is a failure recorded as such, and the pet is unchanged', async () => {
    const before = await stored(1);
    const { fields } = JSON.parse((await form(1, { contentType: 'image/jpeg' })).body) as {
      fields: Record<string, string>;
    };
    const at = nextTime();
    await assert.rejects(processPhoto(s3Event(fields['key']!, at)));
    const { photoError, ...after } = (await stored(1)) ?? {};
    assert.deepEqual(after, before);
    assert.deepEqual(photoError, { key: fields['key'], reason: processingFailed, at });
  });
});

describe('removing a pet removes its photo', () => {
  it('DELETE /pets/{id} deletes its images', async () => {
    await uploadAndProcess(1, await phoneJpeg());
    await uploadAndProcess(2, await phoneJpeg());
    const kept = photoKeysOf((await photoOfPet(2))!);
    const res = await handlers.deletePet(
      apiEvent('DELETE', '/pets/1', undefined, { pathParameters: { id: '1' } }),
    );
    assert.equal(res.statusCode, 204);
    assert.deepEqual(s3.keys(BUCKET), kept.sort());
  });

  it('POST /pets deletes the images of the pets it removes, and only theirs', async () => {
    await uploadAndProcess(1, await phoneJpeg());
    await uploadAndProcess(2, await phoneJpeg());
    const kept = photoKeysOf((await photoOfPet(1))!);
    const list = [
      { id: 1, type: 'dog', price: 249.99 },
      { id: 3, type: 'fish', price: 0.99 },
    ];
    const res = await handlers.updatePets(apiEvent('POST', '/pets', { pets: list }));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(s3.keys(BUCKET), kept.sort());
  });
});
