// The purchase's token checks with a legacy HS256 secret in a field of a JSON secret
// (LEGACY_HS256_SECRET_ID and LEGACY_HS256_SECRET_JSON_FIELD). The handlers read their
// environment once, as in a Lambda container, so it needs a process of its own
// (node:test runs each file in one).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lambdaEnv } from '../../api/handlers';
import { legacySecret } from '../../node-testing/backend';
import { hs256, startPurchaseChecks } from '../../node-testing/token-purchases';

const id = 'pets/legacy-json';
const { backend, buyWith } = await startPurchaseChecks({
  [lambdaEnv.legacySecretId]: id,
  [lambdaEnv.legacySecretJsonField]: 'clientSecret',
});

before(() => {
  backend.secrets.set(id, JSON.stringify({ other: 'x', clientSecret: legacySecret }));
});

describe('purchase token checks', () => {
  describe('legacy HS256', () => {
    const secret = new Uint8Array(Buffer.from(legacySecret, 'base64'));

    it('reads a field of a JSON secret', async () => {
      const res = await buyWith(await hs256({ email: 'json@example.com' }, secret));
      assert.equal(res.status, 200, res.body);
    });
  });
});
