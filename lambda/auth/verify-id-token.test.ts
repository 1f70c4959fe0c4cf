import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base64url, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { lambdaEnv } from '../../api/handlers';
import { idTokenMaxAgeSeconds } from '../../api/id-token';
import { audience, issuer, legacySecret } from '../../node-testing/backend';
import { capturableLogs, captureLogs } from '../../node-testing/logs';
import { hs256, startPurchaseChecks } from '../../node-testing/token-purchases';

// The handlers read their environment once, as in a Lambda container: the checks that
// need another one (MAX_TOKEN_AGE_SECONDS, a legacy HS256 secret) are in files of their
// own beside this one. Captured logs need Powertools' dev mode from the start.
const { backend, buyWith } = await startPurchaseChecks(capturableLogs);

describe('purchase token checks', () => {
  it('accepts a valid RS256 ID token from the JWKS', async () => {
    const res = await buyWith(await backend.token({ email: 'ok@example.com' }));
    assert.equal(res.status, 200, res.body);
  });

  it('refuses a tampered payload (email swapped, signature kept)', async () => {
    const [h, , s] = (await backend.token()).split('.');
    const forged = base64url.encode(
      JSON.stringify({ iss: issuer, aud: audience, email: 'mallory@example.com', exp: 9999999999 }),
    );
    const res = await buyWith(`${h}.${forged}.${s}`);
    assert.equal(res.status, 401);
    assert.equal(res.message, 'authToken is not a valid ID token.');
  });

  it('refuses alg "none"', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(
      JSON.stringify({ iss: issuer, aud: audience, email: 'mallory@example.com', exp: 9999999999 }),
    );
    assert.equal((await buyWith(`${header}.${payload}.`)).status, 401);
  });

  it('refuses HS256 signed with the RS256 public key (key confusion)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(backend.publicKey));
    assert.equal((await buyWith(await hs256({}, pem, { kid: backend.kid }))).status, 401);
    // With a legacy secret configured: legacy-hs256.test.ts.
  });

  it('refuses a key that is not in the JWKS, even with a known kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    assert.equal((await buyWith(await backend.token({}, { key: privateKey }))).status, 401);
    assert.equal(
      (await buyWith(await backend.token({}, { key: privateKey, kid: 'other' }))).status,
      401,
    );
  });

  it('refuses the wrong issuer', async () => {
    const token = await new SignJWT({ email: 'buyer@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: backend.kid })
      .setIssuer('https://evil.example.com/')
      .setAudience(audience)
      .setExpirationTime('10m')
      .sign(backend.privateKey);
    assert.equal((await buyWith(token)).status, 401);
  });

  it('refuses the wrong audience', async () => {
    const token = await new SignJWT({ email: 'buyer@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: backend.kid })
      .setIssuer(issuer)
      .setAudience('another-client')
      .setExpirationTime('10m')
      .sign(backend.privateKey);
    assert.equal((await buyWith(token)).status, 401);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await buyWith(await backend.token({ iat: now - 7200 }, { expiresIn: now - 3600 }));
    assert.equal(res.status, 401);
    assert.equal(res.message, 'authToken has expired.');
  });

  it('refuses a token without expiry', async () => {
    const token = await new SignJWT({ email: 'buyer@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: backend.kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .sign(backend.privateKey);
    assert.equal((await buyWith(token)).status, 401);
  });

  it('refuses a token without email', async () => {
    const res = await buyWith(await backend.token({ email: undefined }));
    assert.equal(res.status, 401);
    assert.equal(res.message, 'authToken carries no email.');
  });

  it('takes only an email the issuer says it verified: false, missing or not a boolean is a 401', async () => {
    for (const claim of [false, undefined, 'true', 1]) {
      const res = await buyWith(await backend.token({ email_verified: claim }));
      assert.equal(res.status, 401, `email_verified: ${String(claim)}`);
      assert.equal(res.message, 'authToken carries an unverified email.');
    }
    assert.equal((await buyWith(await backend.token({ email_verified: true }))).status, 200);
  });

  describe('token age', () => {
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses a token issued longer ago than the maximum age (default an hour), though unexpired', async () => {
      assert.equal(process.env[lambdaEnv.maxTokenAgeSeconds], String(idTokenMaxAgeSeconds));
      // jose allows the 30 s of clock tolerance on top of the maximum.
      const old = await backend.token({}, { issuedAt: now() - idTokenMaxAgeSeconds - 60 });
      const res = await buyWith(old);
      assert.equal(res.status, 401);
      assert.equal(
        res.message,
        `authToken is older than ${idTokenMaxAgeSeconds} seconds. Sign in again for a fresh one.`,
      );
      const fresh = await backend.token({}, { issuedAt: now() - idTokenMaxAgeSeconds + 60 });
      assert.equal((await buyWith(fresh)).status, 200);
    });

    it('refuses a token without iat, or issued in the future', async () => {
      const noIat = await new SignJWT({ email: 'buyer@example.com', email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid: backend.kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setExpirationTime('10m')
        .sign(backend.privateKey);
      assert.equal((await buyWith(noIat)).status, 401);
      const future = await backend.token({}, { issuedAt: now() + 600, expiresIn: now() + 1200 });
      assert.equal((await buyWith(future)).status, 401);
    });

    it('accepts a ten-minute-old token at the default maximum age', async () => {
      // Refused when MAX_TOKEN_AGE_SECONDS says 300: verify-id-token-max-age.test.ts.
      const tenMinutesOld = await backend.token({}, { issuedAt: now() - 600 });
      assert.equal((await buyWith(tenMinutesOld)).status, 200);
    });
  });

  it('refuses garbage', async () => {
    assert.equal((await buyWith('not.a.jwt')).status, 401);
    assert.equal((await buyWith('x'.repeat(20000))).status, 401);
  });

  describe('legacy HS256', () => {
    const secret = new Uint8Array(Buffer.from(legacySecret, 'base64'));

    it('is refused while LEGACY_HS256_SECRET_ID is unset', async () => {
      assert.equal(process.env[lambdaEnv.legacySecretId], undefined);
      assert.equal((await buyWith(await hs256({}, secret))).status, 401);
    });
    // Configured: legacy-hs256*.test.ts.
  });

  it('never logs the token', async (t) => {
    const logs = captureLogs(t);
    const token = await backend.token({ email: 'quiet@example.com' });
    await buyWith(token);
    await buyWith(`${token}x`);
    logs.stop();
    const { lines } = logs;
    assert.ok(logs.records().length >= 2);
    const signature = token.split('.')[2]!;
    for (const line of lines) assert.ok(!line.includes(signature), line);
  });
});
