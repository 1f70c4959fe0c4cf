// Auth0-like brute-force protection, over HTTP against the real IdP, with the local
// cloud's adjustable clock standing in for fifteen minutes of waiting.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdjustableClock } from '../clock';
import { authorizeUrl, cookieClient, startTestIdp, type TestIdp } from '../../node-testing/idp';
import { blockedMessage, bruteForceProtection } from './brute-force';
import { seededAdmin, seededUsers } from './users';

const wrong = 'not-the-password';
const minute = 60_000;

describe('identity provider brute-force protection', () => {
  let t: TestIdp;
  const clock = new AdjustableClock();
  before(async () => {
    t = await startTestIdp({ now: clock.now });
  });
  after(() => t.close());

  /** One login page (one interaction), posted to as often as asked. */
  async function loginSession(options: { localAddress?: string } = {}) {
    const client = cookieClient(options);
    const interaction = (await client(authorizeUrl(t, { nonce: 'n' }))).headers.get('location');
    assert.ok(interaction, 'a login page');
    return async (email: string, password: string, headers: Record<string, string> = {}) => {
      const res = await client(new URL(`${interaction}/login`, t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ email, password }),
      });
      return { status: res.status, html: await res.text() };
    };
  }

  const alertOf = (html: string) => /<p role="alert">([^<]*)<\/p>/.exec(html)?.[1];

  it('blocks the 11th login after 10 failures for that account from that IP, right password or not', async () => {
    const login = await loginSession();
    let blockStarted = { after: 0, before: 0 };
    for (let i = 1; i <= bruteForceProtection.maxAttempts; i++) {
      const before = clock.now();
      const res = await login(seededAdmin.email, wrong);
      blockStarted = { before, after: clock.now() };
      assert.equal(res.status, 401, `attempt ${i}`);
      assert.equal(alertOf(res.html), 'Wrong email or password.');
    }
    const blocked = await login(seededAdmin.email, seededAdmin.password);
    assert.equal(blocked.status, 429);
    assert.equal(alertOf(blocked.html), blockedMessage);
    assert.ok(
      blockedMessage.startsWith(
        'Your account has been blocked after multiple consecutive login attempts.',
      ),
    );
    // Upper case and spaces are the same account.
    const again = await (await loginSession())(` ${seededAdmin.email.toUpperCase()}`, wrong);
    assert.equal(again.status, 429);
    // A forwarded-for header is not believed: the block is on the connection's address.
    const spoofed = await login(seededAdmin.email, seededAdmin.password, {
      'X-Forwarded-For': '203.0.113.7',
    });
    assert.equal(spoofed.status, 429);
    assert.ok(t.lines.some((l) => /blocked for 127\.0\.0\.1/.test(l)));
    assert.ok(!t.lines.some((l) => l.includes(seededAdmin.password)));

    // Another account from the same IP, and the same account from another IP: unaffected.
    const other = await (
      await loginSession()
    )(seededUsers.unverified.email, seededUsers.unverified.password);
    assert.equal(other.status, 303);
    const elsewhere = await loginSession({ localAddress: '127.0.0.2' });
    assert.equal((await elsewhere(seededAdmin.email, seededAdmin.password)).status, 303);

    // Still blocked a second before fifteen minutes from the 10th failure, free after.
    const block = bruteForceProtection.blockMinutes * minute;
    const moveTo = (time: number) => (clock.offsetMs = Math.round(time - Date.now()));
    moveTo(blockStarted.before + block - 1000);
    assert.equal((await login(seededAdmin.email, seededAdmin.password)).status, 429);
    moveTo(blockStarted.after + block);
    assert.equal((await login(seededAdmin.email, seededAdmin.password)).status, 303);
    clock.offsetMs = 0;
  });

  it('counts consecutive failures only: a successful login starts the count again', async () => {
    const login = await loginSession({ localAddress: '127.0.0.3' });
    const signIn = async () =>
      (
        await (
          await loginSession({ localAddress: '127.0.0.3' })
        )(seededAdmin.email, seededAdmin.password)
      ).status;
    for (let i = 1; i < bruteForceProtection.maxAttempts; i++) {
      assert.equal((await login(seededAdmin.email, wrong)).status, 401);
    }
    assert.equal(await signIn(), 303);
    for (let i = 1; i < bruteForceProtection.maxAttempts; i++) {
      assert.equal((await login(seededAdmin.email, wrong)).status, 401);
    }
    assert.equal(await signIn(), 303);
  });

  it('blocks an unknown email the same way, so the block reveals no account', async () => {
    const login = await loginSession({ localAddress: '127.0.0.4' });
    for (let i = 1; i <= bruteForceProtection.maxAttempts; i++) {
      assert.equal((await login('nobody@example.com', wrong)).status, 401);
    }
    const blocked = await login('nobody@example.com', wrong);
    assert.equal(blocked.status, 429);
    assert.equal(alertOf(blocked.html), blockedMessage);
  });

  it('gives parallel guesses no more than the 10 a sequence gets', async () => {
    const login = await loginSession({ localAddress: '127.0.0.5' });
    const results = await Promise.all(
      Array.from({ length: 15 }, () => login(seededAdmin.email, wrong)),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(10).fill(401), ...Array(5).fill(429)]);
  });

  it('refuses an email over 254 characters before counting or storing anything', async () => {
    const login = await loginSession({ localAddress: '127.0.0.6' });
    const long = `${'a'.repeat(60 * 1024)}@example.com`;
    const res = await login(long, wrong);
    assert.equal(res.status, 400);
    assert.equal(alertOf(res.html), 'An email address has at most 254 characters.');
    assert.ok(!res.html.includes('a'.repeat(300)), 'the address is not echoed back');
  });
});

describe('identity provider brute-force protection across a restart', () => {
  it('forgets its blocks when the local cloud restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'idp-brake-'));
    const attempt = async (t: TestIdp, password: string) => {
      const client = cookieClient();
      const interaction = (await client(authorizeUrl(t, { nonce: 'n' }))).headers.get('location');
      const res = await client(new URL(`${interaction}/login`, t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: seededAdmin.email, password }),
      });
      return res.status;
    };
    try {
      const first = await startTestIdp({ dataDir });
      for (let i = 0; i < bruteForceProtection.maxAttempts; i++) await attempt(first, wrong);
      assert.equal(await attempt(first, seededAdmin.password), 429);
      await first.close();
      const second = await startTestIdp({ dataDir });
      assert.equal(await attempt(second, seededAdmin.password), 303);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
