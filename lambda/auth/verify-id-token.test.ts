import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { base64url, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import {
  apiEvent,
  audience,
  type Backend,
  issuer,
  legacySecret,
  loadHandlers,
  startBackend,
} from '../../testing/backend';
import { lambdaEnv } from '../../api/handlers';
import { idTokenMaxAgeSeconds } from '../../api/id-token';
import { captureLogs } from '../../testing/logs';
import type { Pet } from '../../api/pet';

const legacySecretId = 'pets/legacy-hs256';

const handlers = await loadHandlers();

let backend: Backend;
let nextId = 1;

before(async () => {
  backend = await startBackend();
  await backend.seed(Array.from({ length: 40 }, (_, i) => ({ id: i + 1, type: 'dog', price: 10 })));
});
after(() => backend.close());

/** Buys a fresh pet with `authToken`; on refusal checks the pet stayed unsold. */
async function buyWith(authToken: string) {
  const petId = nextId++;
  const res = await handlers.purchasePet({
    ...apiEvent('POST', '/pets/purchase', { petId, authToken }),
  });
  if (res.statusCode !== 200) {
    const pets = JSON.parse((await handlers.getPets(apiEvent('GET', '/pets'))).body) as Pet[];
    assert.equal(
      pets.find((p) => p.id === petId)?.isSold,
      undefined,
      'a refused token sold the pet',
    );
  }
  return {
    status: res.statusCode,
    message: (JSON.parse(res.body) as { message?: string }).message,
    body: res.body,
  };
}

function hs256(
  claims: Record<string, unknown>,
  secret: Uint8Array,
  header: Record<string, unknown> = {},
) {
  return new SignJWT({ email: 'buyer@example.com', email_verified: true, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(secret);
}

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
    // Still refused when a legacy secret is configured: the secret is not the public key.
    backend.secrets.set(legacySecretId, legacySecret);
    process.env[lambdaEnv.legacySecretId] = legacySecretId;
    try {
      assert.equal((await buyWith(await hs256({}, pem, { kid: backend.kid }))).status, 401);
    } finally {
      delete process.env[lambdaEnv.legacySecretId];
    }
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

    it('follows MAX_TOKEN_AGE_SECONDS', async () => {
      const tenMinutesOld = await backend.token({}, { issuedAt: now() - 600 });
      process.env[lambdaEnv.maxTokenAgeSeconds] = '300';
      try {
        const res = await buyWith(tenMinutesOld);
        assert.equal(res.status, 401);
        assert.match(res.message ?? '', /older than 300 seconds/);
      } finally {
        process.env[lambdaEnv.maxTokenAgeSeconds] = String(idTokenMaxAgeSeconds);
      }
      assert.equal((await buyWith(tenMinutesOld)).status, 200);
    });

    it('answers 500, selling nothing, when MAX_TOKEN_AGE_SECONDS is not a positive integer', async () => {
      process.env[lambdaEnv.maxTokenAgeSeconds] = '1h';
      try {
        const res = await buyWith(await backend.token());
        assert.equal(res.status, 500);
        assert.equal(res.message, 'Internal server error');
      } finally {
        process.env[lambdaEnv.maxTokenAgeSeconds] = String(idTokenMaxAgeSeconds);
      }
    });
  });

  it('refuses garbage', async () => {
    assert.equal((await buyWith('not.a.jwt')).status, 401);
    assert.equal((await buyWith('x'.repeat(20000))).status, 401);
  });

  describe('legacy HS256', () => {
    const secret = new Uint8Array(Buffer.from(legacySecret, 'base64'));
    const configure = (id: string, jsonField?: string) => {
      process.env[lambdaEnv.legacySecretId] = id;
      if (jsonField) process.env[lambdaEnv.legacySecretJsonField] = jsonField;
    };
    const unconfigure = () => {
      delete process.env[lambdaEnv.legacySecretId];
      delete process.env[lambdaEnv.legacySecretJsonField];
    };

    it('is refused while LEGACY_HS256_SECRET_ID is unset', async () => {
      assert.equal((await buyWith(await hs256({}, secret))).status, 401);
    });

    it('is verified with the secret read from Secrets Manager once per container, and RS256 still works', async () => {
      const id = 'pets/legacy-plain';
      backend.secrets.set(id, legacySecret);
      configure(id);
      try {
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
      } finally {
        unconfigure();
      }
    });

    it('reads a field of a JSON secret', async () => {
      const id = 'pets/legacy-json';
      backend.secrets.set(id, JSON.stringify({ other: 'x', clientSecret: legacySecret }));
      configure(id, 'clientSecret');
      try {
        const res = await buyWith(await hs256({ email: 'json@example.com' }, secret));
        assert.equal(res.status, 200, res.body);
      } finally {
        unconfigure();
      }
    });

    it('answers 500, selling nothing, when the secret is missing or too short', async () => {
      backend.secrets.set('pets/legacy-short', Buffer.from('short').toString('base64'));
      for (const id of ['pets/legacy-missing', 'pets/legacy-short']) {
        configure(id);
        try {
          const res = await buyWith(await hs256({}, secret));
          assert.equal(res.status, 500, id);
          assert.equal(res.message, 'Internal server error');
        } finally {
          unconfigure();
        }
      }
    });
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
