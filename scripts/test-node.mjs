// Runs every Node-side test (`*.test.ts` under the Node folders) with node:test and tsx.
// Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['api', 'lambda', 'local', 'infra', 'bench', 'scripts'];

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'cdk.out')
      continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* testFiles(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const files = roots.filter((root) => existsSync(root)).flatMap((root) => [...testFiles(root)]);
const filter = process.argv.slice(2);
const selected = filter.length
  ? files.filter((f) => filter.some((part) => f.includes(part)))
  : files;
if (selected.length === 0) {
  console.error('No node tests found.');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
