// The photo bench's end-to-end part: an admin's upload through a running local cloud,
// with the clients the app uses, timed from asking for the form to the photo showing
// on the pet. The admin signs in over HTTP (http-caller.ts), asks `POST
// /pets/{id}/photo` for a presigned POST, posts the JPEG to S3 as a multipart form (the
// browser's FormData), and then reads the public `GET /pets/{id}` from the API itself
// (the CDN's max-age would add up to its 5 s) until `photo` is the new one.
import type { Pet } from '../api/pet';
import { signedFetch, type Caller } from './http-caller';
import { logRecord } from './cloud-process';

/** One upload's milliseconds, by part. */
export interface UploadTiming {
  /** The upload's form key, which processPhoto's log line names. */
  key: string;
  /** `POST /pets/{id}/photo`: the signed call that returns the presigned POST. */
  presign: number;
  /** The multipart POST of the JPEG to S3, until S3 answered. */
  upload: number;
  /** From S3's answer until the public read shows the new photo. */
  visible: number;
  total: number;
}

/** How often the public read is repeated while the photo is processed. */
const pollMs = 25;
/** Longer than this and processing has failed: the admin's photo state says why. */
const giveUpMs = 30_000;

/**
 * processPhoto's own milliseconds per upload key, from its `photo` log line
 * (Powertools JSON) among the local cloud's output: `onLine` goes to
 * startCloudProcess.
 */
export function processPhotoLog(): { onLine: (line: string) => void; ms: Map<string, number> } {
  const ms = new Map<string, number>();
  const onLine = (line: string) => {
    const record = logRecord(line, '"photo"');
    if (record?.['message'] === 'photo' && typeof record['key'] === 'string' && record['key']) {
      if (typeof record['ms'] === 'number') ms.set(record['key'], record['ms']);
    }
  };
  return { onLine, ms };
}

async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

/** The pet's public view, from the API (not the CDN). */
async function publicPhoto(api: string, id: number): Promise<string | undefined> {
  const res = await ok(await fetch(`${api}/pets/${id}`), `GET /pets/${id}`);
  return ((await res.json()) as Pet).photo?.url;
}

/** The admin adds a pet for the uploads (PUT of a new id, as the crowd's edits do). */
export async function addPet(api: string, admin: Caller, id: number): Promise<void> {
  const put = await signedFetch(admin, 'PUT', `${api}/pets/${id}`, {
    type: 'photobench',
    price: 12.34,
  });
  await ok(put, `PUT /pets/${id}`);
}

/** One upload of `jpeg` as the pet's photo, timed by part. */
export async function timeUpload(
  api: string,
  admin: Caller,
  id: number,
  jpeg: Buffer,
): Promise<UploadTiming> {
  const before = await publicPhoto(api, id);
  const file = new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' });
  const started = performance.now();
  const formRes = await signedFetch(admin, 'POST', `${api}/pets/${id}/photo`, {
    contentType: 'image/jpeg',
  });
  const form = (await (await ok(formRes, 'POST /pets/{id}/photo')).json()) as {
    url: string;
    fields: Record<string, string>;
  };
  const presigned = performance.now();

  // As the app's s3-post.ts builds it: every field of the form, then the file last.
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', file, 'camera.jpg');
  await ok(await fetch(form.url, { method: 'POST', body }), 'S3 POST');
  const uploaded = performance.now();

  while ((await publicPhoto(api, id)) === before) {
    if (performance.now() - uploaded > giveUpMs) {
      const state = await signedFetch(admin, 'GET', `${api}/pets/${id}/photo`);
      throw new Error(`no new photo after ${giveUpMs} ms: ${await state.text()}`);
    }
    await new Promise((done) => setTimeout(done, pollMs));
  }
  const visible = performance.now();
  return {
    key: form.fields['key'] ?? '',
    presign: presigned - started,
    upload: uploaded - presigned,
    visible: visible - uploaded,
    total: visible - started,
  };
}
