// `npm run bench`: runs every `*.bench.ts` (one after another, so they do not
// compete for the two cores) and lets each print its own table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['lambda', 'local', 'bench'];
const files = roots.flatMap((root) => {
  try {
    return readdirSync(root, { recursive: true })
      .filter((f) => String(f).endsWith('.bench.ts') && !String(f).includes('node_modules'))
      .map((f) => join(root, String(f)));
  } catch {
    return [];
  }
});
const filter = process.argv.slice(2);
let status = 0;
for (const file of files.filter((f) => !filter.length || filter.some((p) => f.includes(p)))) {
  console.log(`\n## ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  status ||= result.status ?? 1;
}
process.exit(status);
