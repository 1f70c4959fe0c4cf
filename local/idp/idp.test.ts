import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, importJWK, SignJWT, generateKeyPair, type JWK } from 'jose';
import { roleArn } from '../../api/roles';
import {
  authorizeUrl,
  account,
  clientId,
  cookieClient,
  signInOverHttp,
  startTestIdp,
  type TestIdp,
} from '../../node-testing/idp';
import { seededAdmin, seededUsers, socialSub } from './users';

describe('identity provider over HTTP', () => {
  let t: TestIdp;
  before(async () => {
    t = await startTestIdp();
  });
  after(() => t.close());

  it('publishes discovery with the trailing-slash issuer and Auth0 endpoint paths', async () => {
    const res = await fetch(new URL('.well-known/openid-configuration', t.idp.issuer));
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.match(t.idp.issuer, /^http:\/\/localhost:\d+\/$/);
    assert.equal(doc['issuer'], t.idp.issuer);
    assert.equal(doc['authorization_endpoint'], new URL('authorize', t.idp.issuer).href);
    assert.equal(doc['jwks_uri'], t.idp.jwksUrl);
    assert.equal(doc['userinfo_endpoint'], new URL('userinfo', t.idp.issuer).href);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['RS256']);
    assert.ok((doc['response_modes_supported'] as string[]).includes('web_message'));
    assert.deepEqual(doc['response_types_supported'], ['id_token', 'id_token token']);
  });

  it('serves one RS256 public key and no private parts', async () => {
    const res = await fetch(t.idp.jwksUrl);
    assert.equal(res.status, 200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.equal(key?.kty, 'RSA');
    assert.equal(key?.alg, 'RS256');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
      assert.equal(key?.[secret as 'd'], undefined);
  });

  it('keeps the signing key and each user private on disk, one file each, passwords hashed', async () => {
    assert.equal((await stat(join(t.dataDir, 'jwks.json'))).mode & 0o777, 0o600);
    const files = (await readdir(join(t.dataDir, 'users'))).sort();
    assert.equal(files.length, Object.keys(seededUsers).length);
    const users = await Promise.all(
      files.map(async (name) => {
        const file = join(t.dataDir, 'users', name);
        assert.equal((await stat(file)).mode & 0o777, 0o600);
        return readFile(file, 'utf8');
      }),
    );
    for (const seeded of Object.values(seededUsers)) {
      const user = users.find((u) => u.includes(`"${seeded.email}"`));
      assert.ok(user, seeded.email);
      assert.ok(!user.includes(seeded.password));
      assert.match(user, /"passwordHash": "scrypt\$/);
    }
  });

  it('answers /authorize with parameters it does not know (auth0-js telemetry)', async () => {
    const url = authorizeUrl(t, {
      nonce: 'n',
      state: 's',
      auth0Client: Buffer.from('{"name":"auth0.js","version":"10.2.1"}').toString('base64'),
      protocol: 'oauth2',
    });
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /^\/interaction\//);
  });

  it('refuses a redirect_uri that is not registered', async () => {
    const url = authorizeUrl(t, { nonce: 'n', redirect_uri: 'https://evil.example/callback' });
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('signs in the seeded admin with an RS256 ID token for the client, with email', async () => {
    const fragment = await signInOverHttp(t, {
      email: seededAdmin.email,
      password: seededAdmin.password,
    });
    assert.equal(fragment.get('state'), 'state-1');
    const claims = decodeJwt(fragment.get('id_token') ?? '');
    assert.equal(claims.iss, t.idp.issuer);
    assert.equal(claims.aud, clientId);
    assert.equal(claims['email'], seededAdmin.email);
    assert.equal(claims['nonce'], 'nonce-1');
    assert.match(claims.sub ?? '', /^auth0\|[0-9a-f]{24}$/);
  });

  it('says whether the email is verified: the unverified test user’s is not', async () => {
    const verified = async (credentials: Parameters<typeof signInOverHttp>[1]) =>
      decodeJwt((await signInOverHttp(t, credentials)).get('id_token') ?? '')['email_verified'];
    const { unverified } = seededUsers;
    const claims = decodeJwt(
      (await signInOverHttp(t, { email: unverified.email, password: unverified.password })).get(
        'id_token',
      ) ?? '',
    );
    assert.equal(claims['email'], unverified.email);
    assert.equal(claims['email_verified'], false);
    assert.match(claims.sub ?? '', /^auth0\|[0-9a-f]{24}$/);
    assert.equal(
      await verified({ email: seededAdmin.email, password: seededAdmin.password }),
      true,
    );
    assert.equal(await verified({ amazon: 'verified-buyer@example.com' }), true);
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    for (const email of [seededAdmin.email, 'nobody@example.com']) {
      const client = cookieClient();
      const authorize = authorizeUrl(t, { nonce: 'n' });
      const start = await client(authorize);
      const interaction = start.headers.get('location') ?? '';
      const res = await client(new URL(`${interaction}/login`, t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password: 'not-the-password' }),
      });
      assert.equal(res.status, 401);
      assert.match(await res.text(), /<p role="alert">Wrong email or password\.<\/p>/);
    }
    assert.ok(t.lines.some((l) => l.includes('wrong email or password')));
  });

  it('answers a malformed login post with 4xx, not a server error', async () => {
    const client = cookieClient();
    const authorize = authorizeUrl(t, { nonce: 'n' });
    const interaction = (await client(authorize)).headers.get('location') ?? '';
    const res = await client(new URL(`${interaction}/login`, t.idp.issuer), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'email=a',
    });
    assert.equal(res.status, 415);
    const expired = await fetch(new URL('/interaction/unknown-uid/login', t.idp.issuer), {
      method: 'POST',
      body: new URLSearchParams({ email: 'a@b.co', password: 'x' }),
    });
    assert.equal(expired.status, 400);
    assert.match(await expired.text(), /expired/);
  });

  it('gives the same Amazon identity to the same email, another to another', async () => {
    const first = decodeJwt(
      (await signInOverHttp(t, { amazon: 'Buyer@Example.com' })).get('id_token') ?? '',
    );
    const again = decodeJwt(
      (await signInOverHttp(t, { amazon: 'buyer@example.com' })).get('id_token') ?? '',
    );
    const other = decodeJwt(
      (await signInOverHttp(t, { amazon: 'other@example.com' })).get('id_token') ?? '',
    );
    assert.match(first.sub ?? '', /^amazon\|/);
    assert.equal(again.sub, first.sub);
    assert.equal(first.sub, socialSub('buyer@example.com'));
    assert.notEqual(other.sub, first.sub);
    assert.equal(first['email'], 'buyer@example.com');
  });

  it('signs up an Amazon customer with one small file, and refuses an email over 254 characters', async () => {
    const social = join(t.dataDir, 'social');
    await signInOverHttp(t, { amazon: 'first-file@example.com' });
    const first = `${socialSub('first-file@example.com').split('.').at(-1)?.toLowerCase()}.json`;
    assert.match(await readFile(join(social, first), 'utf8'), /"email": "first-file@example.com"/);
    const before = await readdir(social);
    const firstInode = (await stat(join(social, first))).ino;
    await signInOverHttp(t, { amazon: 'second-file@example.com' });
    const afterSignUp = await readdir(social);
    assert.equal(afterSignUp.length, before.length + 1, 'one more file');
    assert.equal((await stat(join(social, first))).ino, firstInode, 'the others untouched');
    for (const name of afterSignUp) assert.ok((await stat(join(social, name))).size < 512);

    for (const email of [`${'a'.repeat(243)}@example.com`, `${'a'.repeat(60 * 1024)}@x.co`]) {
      assert.equal(email.length > 254, true);
      const client = cookieClient();
      const interaction = (await client(authorizeUrl(t, { nonce: 'n' }))).headers.get('location');
      const res = await client(new URL(`${interaction}/amazon`, t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email }),
      });
      assert.equal(res.status, 400);
      assert.match(
        await res.text(),
        /<p role="alert">An email address has at most 254 characters\.<\/p>/,
      );
    }
    assert.deepEqual(await readdir(social), afterSignUp, 'nothing stored');
    // The longest address allowed still signs in.
    const longest = `${'b'.repeat(242)}@example.com`;
    assert.equal(longest.length, 254);
    const claims = decodeJwt((await signInOverHttp(t, { amazon: longest })).get('id_token') ?? '');
    assert.equal(claims['email'], longest);
  });

  describe('/v2/logout', () => {
    it('refuses a foreign returnTo with 400 and no redirect, keeping the session', async () => {
      const client = cookieClient();
      await signInOverHttp(t, { email: seededAdmin.email, password: seededAdmin.password }, client);
      const res = await client(
        new URL(`v2/logout?returnTo=${encodeURIComponent('https://evil.example/')}`, t.idp.issuer),
      );
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /role="alert"/);
      // Still signed in: a silent authorize answers without the login page.
      assert.match(await silentAuthorize(client), /id_token=/);
    });

    it('refuses a returnTo on an allowed origin but another path', async () => {
      const res = await fetch(
        new URL(
          `v2/logout?returnTo=${encodeURIComponent(`${t.app.origin}/elsewhere`)}`,
          t.idp.issuer,
        ),
        { redirect: 'manual' },
      );
      assert.equal(res.status, 400);
    });

    it('ends the session and redirects to an allowed returnTo', async () => {
      const client = cookieClient();
      await signInOverHttp(t, { email: seededAdmin.email, password: seededAdmin.password }, client);
      const res = await client(
        new URL(
          `v2/logout?client_id=${clientId}&returnTo=${encodeURIComponent(t.app.origin)}`,
          t.idp.issuer,
        ),
      );
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), `${t.app.origin}/`);
      assert.match(await silentAuthorize(client), /error=login_required/);
    });

    async function silentAuthorize(client: ReturnType<typeof cookieClient>): Promise<string> {
      const res = await client(authorizeUrl(t, { nonce: 'n', prompt: 'none' }));
      return res.headers.get('location') ?? '';
    }
  });

  describe('/delegation', () => {
    async function delegation(body: Record<string, string>) {
      const res = await fetch(new URL('delegation', t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: t.app.origin },
        body: JSON.stringify(body),
      });
      return { res, json: (await res.json()) as Record<string, unknown> };
    }
    const request = (idToken: string) => ({
      client_id: clientId,
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      id_token: idToken,
      api_type: 'aws',
      role: roleArn('admin', account),
    });

    it('refuses a token signed by another key', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await new SignJWT({ email: 'x@example.com' })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('auth0|forged')
        .setIssuer(t.idp.issuer)
        .setAudience(clientId)
        .setExpirationTime('1h')
        .sign(privateKey);
      const { res, json } = await delegation(request(forged));
      assert.equal(res.status, 401);
      assert.equal(json['error'], 'invalid_token');
      assert.equal(t.stsCalls.length, 0);
    });

    it('refuses an expired token and one for another audience, signed with the real key', async () => {
      const stored = JSON.parse(await readFile(join(t.dataDir, 'jwks.json'), 'utf8')) as {
        keys: JWK[];
      };
      const key = await importJWK(stored.keys[0] as JWK, 'RS256');
      const sign = (aud: string, exp: number) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: stored.keys[0]?.kid })
          .setSubject('auth0|x')
          .setIssuer(t.idp.issuer)
          .setAudience(aud)
          .setIssuedAt(exp - 3600)
          .setExpirationTime(exp)
          .sign(key);
      const now = Math.floor(Date.now() / 1000);
      const expired = await delegation(request(await sign(clientId, now - 10)));
      assert.equal(expired.res.status, 401);
      assert.match(String(expired.json['error_description']), /expired/);
      const otherAud = await delegation(request(await sign('another-client', now + 600)));
      assert.equal(otherAud.res.status, 401);
      assert.equal(t.stsCalls.length, 0);
    });

    it('refuses other api types, grant types and clients with Auth0 errors', async () => {
      const fragment = await signInOverHttp(t, {
        email: seededAdmin.email,
        password: seededAdmin.password,
      });
      const idToken = fragment.get('id_token') ?? '';
      const cases: [Record<string, string>, number, string][] = [
        [{ ...request(idToken), api_type: 'firebase' }, 400, 'invalid_request'],
        [{ ...request(idToken), grant_type: 'password' }, 400, 'unsupported_grant_type'],
        [{ ...request(idToken), client_id: 'other' }, 401, 'unauthorized_client'],
      ];
      for (const [body, status, error] of cases) {
        const { res, json } = await delegation(body);
        assert.equal(res.status, status);
        assert.equal(json['error'], error);
        assert.equal(typeof json['error_description'], 'string');
      }
      assert.equal(t.stsCalls.length, 0);
    });

    it('gives the admin role to listed admins only: another database user gets no role', async () => {
      const stored = JSON.parse(await readFile(join(t.dataDir, 'jwks.json'), 'utf8')) as {
        keys: JWK[];
      };
      const key = await importJWK(stored.keys[0] as JWK, 'RS256');
      const tokenOf = (sub: string) =>
        new SignJWT({ email: 'someone@example.com', email_verified: true })
          .setProtectedHeader({ alg: 'RS256', kid: stored.keys[0]?.kid })
          .setSubject(sub)
          .setIssuer(t.idp.issuer)
          .setAudience(clientId)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(key);
      const calls = t.stsCalls.length;
      const stranger = await delegation(request(await tokenOf('auth0|signed-up-on-their-own')));
      assert.equal(stranger.res.status, 401);
      assert.equal(stranger.json['error'], 'unauthorized');
      assert.equal(stranger.json['error_description'], 'This user may not assume any role.');
      assert.equal(t.stsCalls.length, calls, 'no credentials asked for');

      assert.equal(t.idp.admins.length, 1, 'the seeded admin is the one admin');
      const admin = await delegation(request(await tokenOf(t.idp.admins[0]!)));
      assert.equal(admin.res.status, 200);
      assert.equal(t.stsCalls.at(-1)?.roleArn, roleArn('admin', account));
    });

    it('answers the browser preflight for the app origin only', async () => {
      const preflight = (origin: string) =>
        fetch(new URL('delegation', t.idp.issuer), {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type,auth0-client',
          },
        });
      const ok = await preflight(t.app.origin);
      assert.equal(ok.headers.get('access-control-allow-origin'), t.app.origin);
      const foreign = await preflight('https://evil.example');
      assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    });
  });
});

describe('identity provider restart', () => {
  it('keeps its signing key and users with the same data folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'idp-restart-'));
    const first = await startTestIdp({ dataDir });
    const before = (await (await fetch(first.idp.jwksUrl)).json()) as { keys: JWK[] };
    const adminSub = decodeJwt(
      (
        await signInOverHttp(first, { email: seededAdmin.email, password: seededAdmin.password })
      ).get('id_token') ?? '',
    ).sub;
    await first.close();
    const second = await startTestIdp({ dataDir });
    try {
      const after = (await (await fetch(second.idp.jwksUrl)).json()) as { keys: JWK[] };
      assert.deepEqual(after.keys, before.keys);
      const again = decodeJwt(
        (
          await signInOverHttp(second, { email: seededAdmin.email, password: seededAdmin.password })
        ).get('id_token') ?? '',
      ).sub;
      assert.equal(again, adminSub);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('generates a different key for a different data folder', async () => {
    const a = await startTestIdp();
    const b = await startTestIdp();
    try {
      const ka = ((await (await fetch(a.idp.jwksUrl)).json()) as { keys: JWK[] }).keys[0];
      const kb = ((await (await fetch(b.idp.jwksUrl)).json()) as { keys: JWK[] }).keys[0];
      assert.notEqual(ka?.n, kb?.n);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
