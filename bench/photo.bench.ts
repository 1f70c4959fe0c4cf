// `npm run bench -- photo`: a camera-like 12-megapixel, ~5 MB JPEG (camera-photo.ts)
// through processPhoto, then through the local cloud.
// - processPhoto in a process of its own per container (bench/photo-worker.ts):
//   duration p50 and peak memory (target ≤ 512 MB, under the function's 1024 MB), the
//   size of each web image (the 320 px WebP of a typical photo: target ≤ 25 kB), and
//   WebP against AVIF at the three sizes: bytes and encode time, which decides whether
//   AVIF is worth making too.
// - Upload to photo, end to end (photo-upload.ts): the admin's presigned POST, the
//   upload to S3 and processing until the public read shows the photo, through the
//   local cloud with the real clients (target p50 ≤ 3 s).
//   BENCH_PHOTO_CONTAINERS=3 BENCH_PHOTO_RUNS=10 BENCH_PHOTO_UPLOADS=10 npm run bench -- photo
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { photoRules } from '../api/photos';
import { cameraJpeg } from './camera-photo';
import { startCloudProcess, stopCloudProcess } from './cloud-process';
import { endpointsOf, signIn } from './http-caller';
import { addPet, processPhotoLog, timeUpload, type UploadTiming } from './photo-upload';

const root = join(import.meta.dirname, '..');
const CONTAINERS = Number(process.env['BENCH_PHOTO_CONTAINERS'] ?? 3);
const UPLOADS = Number(process.env['BENCH_PHOTO_UPLOADS'] ?? 10);
const targets = { maxRssMb: 512, small320Kb: 25, uploadP50Ms: 3000 };
// Ports of its own, so it never meets another bench's or the e2e tests' cloud.
const ports = {
  PETS_SITE_PORT: '4260',
  PETS_IDP_PORT: '4460',
  PETS_AWS_PORT: '4626',
  PETS_DYNAMODB_PORT: '4627',
};
const at = endpointsOf(ports);
/** The API's invoke URL: the public reads there are never cached. */
const api = `${at.aws}/test`;

/** Nearest rank: the value a share `q` of the samples is at or under. */
const percentile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)]!;
const median = (xs: number[]) => percentile(xs, 0.5);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** Upload to photo through a local cloud of its own, on a fresh store. */
async function uploadsEndToEnd(
  jpeg: Buffer,
): Promise<{ timings: UploadTiming[]; processPhoto: number[] }> {
  if (!existsSync(join(root, 'dist/secure-pets/browser/index.html'))) {
    console.log('No production build: running npm run build first.');
    spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'pets-photo-bench-'));
  const log = processPhotoLog();
  const cloud = await startCloudProcess({
    root,
    env: { ...ports, PETS_DATA_DIR: dataDir },
    site: at.site,
    onLine: log.onLine,
  });
  try {
    const admin = await signIn(
      at,
      { email: 'admin@example.com', password: 'Pets-admin-1' },
      'admin',
    );
    const id = 900_000_000;
    await addPet(api, admin, id);
    const timings: UploadTiming[] = [];
    for (let i = 0; i < UPLOADS; i++) timings.push(await timeUpload(api, admin, id, jpeg));
    // processPhoto logs after its last write, so its line may trail the photo a little.
    await new Promise((done) => setTimeout(done, 500));
    return { timings, processPhoto: timings.flatMap((t) => log.ms.get(t.key) ?? []) };
  } finally {
    await stopCloudProcess(cloud);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'photo-bench-'));
try {
  const jpeg = await cameraJpeg();
  const file = join(dir, 'camera.jpg');
  writeFileSync(file, jpeg);
  const meta = await sharp(jpeg).metadata();
  console.log(
    `upload: ${meta.width}x${meta.height} JPEG, ${(jpeg.length / 1e6).toFixed(2)} MB; ` +
      `${CONTAINERS} containers × ${process.env['BENCH_PHOTO_RUNS'] ?? 10} uploads\n`,
  );
  const warm: number[] = [];
  const first: number[] = [];
  let rss = 0;
  let sizes: Record<string, number> = {};
  for (let c = 0; c < CONTAINERS; c++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/photo-worker.ts', file], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      ms: number[];
      sizes: Record<string, number>;
      maxRssKb: number;
    };
    first.push(out.ms[0]!);
    warm.push(...out.ms.slice(1));
    rss = Math.max(rss, out.maxRssKb / 1024);
    sizes = out.sizes;
  }
  console.log('| processPhoto | p50 ms (warm) | first upload ms (median) | peak RSS MB |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| 12 MP JPEG | ${median(warm).toFixed(0)} | ${median(first).toFixed(0)} | ${rss.toFixed(0)} |`,
  );
  console.log(
    `\nweb images: ${Object.entries(sizes)
      .map(([w, b]) => `${w} px ${kb(b)} kB`)
      .join(', ')}\n`,
  );

  // WebP (what processPhoto writes) against AVIF, from the same upright pixels.
  const rows: string[] = [];
  for (const side of photoRules.widths) {
    const resized = await sharp(jpeg)
      .rotate()
      .resize({ width: side, height: side, fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = {
      raw: {
        width: resized.info.width,
        height: resized.info.height,
        channels: resized.info.channels,
      },
    };
    const encode = async (make: (s: Sharp) => Sharp) => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        bytes = (await make(sharp(resized.data, raw)).toBuffer()).length;
        times.push(performance.now() - started);
      }
      return { bytes, ms: median(times) };
    };
    const webp = await encode((s) => s.webp({ quality: 80 }));
    const avif = await encode((s) => s.avif({ quality: 50 }));
    rows.push(
      `| ${side} | ${kb(webp.bytes)} | ${webp.ms.toFixed(0)} | ${kb(avif.bytes)} | ${avif.ms.toFixed(0)} | ${((1 - avif.bytes / webp.bytes) * 100).toFixed(0)}% |`,
    );
  }
  console.log('| long side px | WebP q80 kB | WebP ms | AVIF q50 kB | AVIF ms | AVIF saves |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);

  console.log(`\nupload to photo through the local cloud, ${UPLOADS} uploads of that JPEG:\n`);
  const { timings, processPhoto } = await uploadsEndToEnd(jpeg);
  const totals = timings.map((t) => t.total);
  const parts: [string, number[]][] = [
    ['presigned POST (`POST /pets/{id}/photo`)', timings.map((t) => t.presign)],
    ['upload to S3 (multipart POST)', timings.map((t) => t.upload)],
    ['processing until `GET /pets/{id}` shows it', timings.map((t) => t.visible)],
    // Its own log's ms, which run on past the photo showing: it deletes the upload last.
    ['processPhoto itself, to its last delete', processPhoto],
    ['total', totals],
  ];
  console.log('| upload to photo | p50 ms | p90 ms |');
  console.log('| --- | ---: | ---: |');
  for (const [name, xs] of parts) {
    if (!xs.length) continue;
    console.log(`| ${name} | ${median(xs).toFixed(0)} | ${percentile(xs, 0.9).toFixed(0)} |`);
  }
  console.log(`\nfirst upload (fresh containers): ${totals[0]!.toFixed(0)} ms`);
  const totalP50 = median(totals);

  const missed: string[] = [];
  if (rss > targets.maxRssMb) missed.push(`peak RSS ${rss.toFixed(0)} MB > ${targets.maxRssMb} MB`);
  const small = sizes['320'] ?? Infinity;
  if (small / 1024 > targets.small320Kb)
    missed.push(`320 px WebP ${kb(small)} kB > ${targets.small320Kb} kB`);
  if (totalP50 > targets.uploadP50Ms)
    missed.push(`upload to photo p50 ${totalP50.toFixed(0)} ms > ${targets.uploadP50Ms} ms`);
  console.log(missed.length ? `\nTARGETS MISSED: ${missed.join('; ')}` : '\ntargets met');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
