// The purchase with a malformed MAX_TOKEN_AGE_SECONDS, a deployment mistake. The
// handlers read their environment once, as in a Lambda container, so it needs a
// process of its own (node:test runs each file in one).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lambdaEnv } from '../../api/handlers';
import { startPurchaseChecks } from '../../node-testing/token-purchases';

const { backend, buyWith } = await startPurchaseChecks({ [lambdaEnv.maxTokenAgeSeconds]: '1h' });

describe('purchase token checks', () => {
  describe('token age', () => {
    it('answers 500, selling nothing, when MAX_TOKEN_AGE_SECONDS is not a positive integer', async () => {
      const res = await buyWith(await backend.token());
      assert.equal(res.status, 500);
      assert.equal(res.message, 'Internal server error');
    });
  });
});
