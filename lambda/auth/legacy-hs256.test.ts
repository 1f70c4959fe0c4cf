// The purchase's token checks with a legacy HS256 secret configured
// (LEGACY_HS256_SECRET_ID, a plain base64 secret). The handlers read their environment
// once, as in a Lambda container, so it needs a process of its own (node:test runs
// each file in one); unset, HS256 is refused (verify-id-token.test.ts).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { exportSPKI } from 'jose';
import { lambdaEnv } from '../../api/handlers';
import type { Pet } from '../../api/pet';
import { legacySecret } from '../../node-testing/backend';
import { hs256, startPurchaseChecks } from '../../node-testing/token-purchases';

const id = 'pets/legacy-plain';
const { backend, buyWith } = await startPurchaseChecks({ [lambdaEnv.legacySecretId]: id });

before(() => {
  backend.secrets.set(id, legacySecret);
});

describe('purchase token checks', () => {
  describe('legacy HS256', () => {
    const secret = new Uint8Array(Buffer.from(legacySecret, 'base64'));

    // First in this file: the secret's first read is the one it counts.
    it('is verified with the secret read from Secrets Manager once per container, and RS256 still works', async () => {
      const before = backend.secrets.calls();
      const res = await buyWith(await hs256({ email: 'legacy@example.com' }, secret));
      assert.equal(res.status, 200, res.body);
      assert.ok((JSON.parse(res.body) as Pet[]).some((p) => p.soldTo === 'legacy@example.com'));
      assert.equal((await buyWith(await hs256({}, secret))).status, 200);
      assert.equal(backend.secrets.calls() - before, 1, 'cached after the first read');
      assert.equal((await buyWith(await backend.token())).status, 200);
      assert.equal(
        (await buyWith(await hs256({}, new TextEncoder().encode('wrong-secret-wrong-secret'))))
          .status,
        401,
      );
      assert.equal((await buyWith(await hs256({ email: undefined }, secret))).status, 401);
      assert.equal((await buyWith(await hs256({ email_verified: false }, secret))).status, 401);
      // Only the secret's name is in the environment, never its value.
      for (const value of Object.values(process.env)) assert.notEqual(value, legacySecret);
    });
  });

  it('refuses HS256 signed with the RS256 public key (key confusion)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(backend.publicKey));
    // Still refused when a legacy secret is configured: the secret is not the public key.
    assert.equal((await buyWith(await hs256({}, pem, { kid: backend.kid }))).status, 401);
  });
});
