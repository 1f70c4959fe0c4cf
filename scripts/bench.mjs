// `npm run bench`: runs every `*.bench.ts` (one after another, so they do not
// compete for the two cores) and lets each print its own table.
import { spawnSync } from 'node:child_process';
import { sourceFiles } from './source-files.mjs';

let status = 0;
for (const file of sourceFiles(['bench'], '.bench.ts', process.argv.slice(2))) {
  console.log(`\n## ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  status ||= result.status ?? 1;
}
process.exit(status);
