// Budgets on estimated transfer size. angular.json's budgets only measure raw bytes,
// but what a buyer on a phone waits for is the compressed download, so this checks
// that too, estimating it as Angular's build table does (Brotli). The initial files
// are the ones index.html loads or preloads; every other script is a lazy chunk.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'dist/secure-pets/browser';
const budgets = { initial: 100_000, lazyChunk: 120_000 };

const transfer = (file) =>
  brotliCompressSync(readFileSync(join(dir, file)), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

const html = readFileSync(join(dir, 'index.html'), 'utf8');
const initial = [
  ...new Set([...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1])),
];
const lazy = readdirSync(dir).filter((f) => f.endsWith('.js') && !initial.includes(f));

let failed = false;
const initialTotal = initial.reduce((sum, f) => sum + transfer(f), 0);
console.log(
  `initial: ${kB(initialTotal)} (budget ${kB(budgets.initial)}) in ${initial.join(', ')}`,
);
if (initialTotal > budgets.initial) failed = true;
for (const file of lazy) {
  const size = transfer(file);
  const over = size > budgets.lazyChunk;
  if (over) failed = true;
  console.log(
    `lazy ${file}: ${kB(size)}${over ? ` OVER the ${kB(budgets.lazyChunk)} budget` : ''}`,
  );
}
if (failed) {
  console.error('Transfer-size budget exceeded.');
  process.exit(1);
}
