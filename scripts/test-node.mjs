// Runs every Node-side test (`*.test.ts` under the Node folders) with node:test and tsx.
import { spawnSync } from 'node:child_process';
import { sourceFiles } from './source-files.mjs';

const selected = sourceFiles(
  ['api', 'lambda', 'local', 'infra', 'scripts', 'testing'],
  '.test.ts',
  process.argv.slice(2),
);
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
