// The local Lambdas run on their runtime's Node major (api/bundling.ts), and npm's
// scripts supply it: a local cloud started on another Node refuses to start its
// Lambdas and says how to get the right one, rather than testing the wrong runtime.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lambdaNodeMajor } from '../../api/bundling';
import { lambdaNodeBinary, LambdaNodeMismatchError } from './node';

describe('the Node the local Lambdas run on', () => {
  it('is the Node that runs npm’s scripts, which is the Lambdas’ runtime major', () => {
    assert.equal(Number(process.versions.node.split('.')[0]), lambdaNodeMajor);
    assert.equal(lambdaNodeBinary(), process.execPath);
  });

  it('is refused on another major, with a message that says how to get the right one', () => {
    assert.throws(
      () => lambdaNodeBinary('20.20.2'),
      (error: unknown) =>
        error instanceof LambdaNodeMismatchError &&
        error.message.includes(`Node ${lambdaNodeMajor}`) &&
        error.message.includes('Node 20.20.2') &&
        error.message.includes('npm start'),
    );
  });
});
