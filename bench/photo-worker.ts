// One processPhoto container for `npm run bench -- photo`: runs processUpload on the
// JPEG at argv[2] BENCH_PHOTO_RUNS times, with S3 and DynamoDB replaced by in-memory
// stand-ins (their calls are a few milliseconds against the seconds of image work),
// and prints one JSON line: each run's milliseconds, the images' sizes, and the
// process's peak resident memory, which is what Lambda's "Max Memory Used" reports.
import { readFileSync } from 'node:fs';
import type { PetPhoto } from '../api/pet';
import type { PetPhotos, PhotoSet } from '../lambda/photos/pet-photos';
import type { PhotoObjects } from '../lambda/photos/photo-objects';
import { processUpload } from '../lambda/photos/process-upload';

const runs = Number(process.env['BENCH_PHOTO_RUNS'] ?? 10);
const upload = readFileSync(process.argv[2]!);
const objects = new Map<string, Uint8Array>();

const bucket: PhotoObjects = {
  get: async (key) => objects.get(key),
  putWebImage: async (key, body) => void objects.set(key, body),
  delete: async (keys) => keys.forEach((k) => objects.delete(k)),
};
let current: PetPhoto | undefined;
const pets = {
  set: async (_id: number, photo: PetPhoto): Promise<PhotoSet> => {
    const previous = current;
    current = photo;
    return previous ? { set: true, previous } : { set: true };
  },
  refuse: async () => true,
} as unknown as PetPhotos;

const ms: number[] = [];
let sizes: Record<string, number> = {};
for (let i = 0; i < runs; i++) {
  const key = `uploads/1/bench-run-${String(i).padStart(12, '0')}`;
  objects.set(key, upload);
  const started = performance.now();
  const result = await processUpload({ key, at: new Date().toISOString() }, bucket, pets);
  ms.push(performance.now() - started);
  if (result.outcome !== 'photo set') throw new Error(`run ${i}: ${result.outcome}`);
  sizes = Object.fromEntries(
    [...objects].map(([k, v]) => [/-(\d+)\.webp$/.exec(k)?.[1] ?? k, v.length]),
  );
}
console.log(JSON.stringify({ ms, sizes, maxRssKb: process.resourceUsage().maxRSS }));
