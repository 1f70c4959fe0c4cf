// `npm run test:node22`: the same files as `npm run test:node`, run by Node 22 (the
// Lambdas' runtime major) from tools/node22, installed from the npm registry on first use.
import { execFileSync } from 'node:child_process';
import { node22Binary } from '../tools/node22/index.mjs';
import { runNodeTests } from './test-node.mjs';

const node = node22Binary();
console.log(`Node tests on Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}`);
process.exit(runNodeTests(node, process.argv.slice(2)));
