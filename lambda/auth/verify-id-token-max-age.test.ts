// The purchase's token checks with MAX_TOKEN_AGE_SECONDS=300. The handlers read their
// environment once, as in a Lambda container, so another value needs a process of its
// own (node:test runs each file in one); the default is checked in verify-id-token.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lambdaEnv } from '../../api/handlers';
import { startPurchaseChecks } from '../../node-testing/token-purchases';

const { backend, buyWith } = await startPurchaseChecks({ [lambdaEnv.maxTokenAgeSeconds]: '300' });

describe('purchase token checks', () => {
  describe('token age', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('follows MAX_TOKEN_AGE_SECONDS', async () => {
      const tenMinutesOld = await backend.token({}, { issuedAt: now() - 600 });
      const res = await buyWith(tenMinutesOld);
      assert.equal(res.status, 401);
      assert.match(res.message ?? '', /older than 300 seconds/);
    });
  });
});
