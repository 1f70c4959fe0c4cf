// `npm run test:node`: every Node-side test (`*.test.ts` under the Node folders) with
// node:test and tsx, on the Node that npm's scripts run on (the project's Node 24, the
// Lambdas' runtime major). `npm run test:node -- local/aws` runs the files whose path
// contains `local/aws`.
import { spawnSync } from 'node:child_process';
import { sourceFiles } from './source-files.mjs';

const selected = sourceFiles(
  // infra/'s tests need its own packages: `npm run test:infra` runs them.
  ['api', 'lambda', 'local', 'scripts', 'node-testing'],
  '.test.ts',
  process.argv.slice(2),
);
if (selected.length === 0) {
  console.error('No node tests found.');
  process.exit(1);
}
console.log(`Node tests on Node ${process.version}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
