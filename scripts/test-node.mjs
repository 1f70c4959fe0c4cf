// Runs every Node-side test (`*.test.ts` under the Node folders) with node:test and tsx,
// on the Node that runs this script (`npm run test:node`) or on another binary
// (`npm run test:node22`, scripts/test-node22.mjs).
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { node22Binary } from '../tools/node22/index.mjs';
import { sourceFiles } from './source-files.mjs';

/** Runs the selected test files (all when `filter` is empty) with `node`; returns its exit code. */
export function runNodeTests(node, filter) {
  const selected = sourceFiles(
    ['api', 'lambda', 'local', 'infra', 'scripts', 'testing'],
    '.test.ts',
    filter,
  );
  if (selected.length === 0) {
    console.error('No node tests found.');
    return 1;
  }
  // The local cloud's Lambdas run on Node 22 whatever runs the tests: install it now,
  // once, rather than in each test file that starts one.
  node22Binary();
  const result = spawnSync(
    node,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(runNodeTests(process.execPath, process.argv.slice(2)));
}
