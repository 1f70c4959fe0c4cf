// `npm run bench -- photo`: processPhoto on a camera-like 12-megapixel, ~5 MB JPEG
// (camera-photo.ts), in a process of its own per container (bench/photo-worker.ts):
// duration p50 and peak memory (target ≤ 512 MB, under the function's 1024 MB), the
// size of each web image (the 320 px WebP of a typical photo: target ≤ 25 kB), and
// WebP against AVIF at the three sizes: bytes and encode time, which decides whether
// AVIF is worth making too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { photoRules } from '../api/photos';
import { cameraJpeg } from './camera-photo';

const CONTAINERS = Number(process.env['BENCH_PHOTO_CONTAINERS'] ?? 3);
const targets = { maxRssMb: 512, small320Kb: 25 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

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

  const missed: string[] = [];
  if (rss > targets.maxRssMb) missed.push(`peak RSS ${rss.toFixed(0)} MB > ${targets.maxRssMb} MB`);
  const small = sizes['320'] ?? Infinity;
  if (small / 1024 > targets.small320Kb)
    missed.push(`320 px WebP ${kb(small)} kB > ${targets.small320Kb} kB`);
  console.log(missed.length ? `\nTARGETS MISSED: ${missed.join('; ')}` : '\ntargets met');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
