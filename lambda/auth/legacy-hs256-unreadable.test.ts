// The purchase when the legacy HS256 secret that LEGACY_HS256_SECRET_ID names cannot
// be used: missing, then too short. The handlers read their environment once, as in a
// Lambda container, so it needs a process of its own (node:test runs each file in one).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lambdaEnv } from '../../api/handlers';
import { legacySecret } from '../../node-testing/backend';
import { hs256, startPurchaseChecks } from '../../node-testing/token-purchases';

const id = 'pets/legacy-unreadable';
const { backend, buyWith } = await startPurchaseChecks({ [lambdaEnv.legacySecretId]: id });

describe('purchase token checks', () => {
  describe('legacy HS256', () => {
    const secret = new Uint8Array(Buffer.from(legacySecret, 'base64'));

    it('answers 500, selling nothing, when the secret is missing or too short', async () => {
      // Missing first: a secret that was never read is not cached, so the short one
      // stored next is what the second purchase reads.
      for (const state of ['missing', 'short']) {
        if (state === 'short') backend.secrets.set(id, Buffer.from('short').toString('base64'));
        const reads = backend.secrets.calls();
        const res = await buyWith(await hs256({}, secret));
        assert.equal(backend.secrets.calls() - reads, 1, `${state}: asked Secrets Manager`);
        assert.equal(res.status, 500, state);
        assert.equal(res.message, 'Internal server error');
      }
    });
  });
});
