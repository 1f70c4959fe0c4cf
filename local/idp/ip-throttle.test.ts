// Auth0's suspicious IP throttling: failed logins from one address across accounts.
// Defaults of a new tenant ("pre-login": max_attempts 100, rate 864000 ms, i.e. 100 a
// day): https://auth0.com/docs/api/management/v2/attack-protection/get-suspicious-ip-throttling
// and https://auth0.com/docs/secure/attack-protection/suspicious-ip-throttling (429 to
// every later attempt from the address). One attempt comes back every ~15 minutes:
// https://community.auth0.com/t/suspicious-ip-throttling-reset-frequency/92257
// The login page's text for it is the `ip-blocked` key of the login prompt:
// https://auth0.com/docs/customize/universal-login-pages/customize-login-text-prompts
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdjustableClock } from '../clock';
import { authorizeUrl, cookieClient, startTestIdp, type TestIdp } from '../../node-testing/idp';
import { blockedMessage } from './brute-force';
import { sourceOf, suspiciousIpThrottling, throttledMessage } from './ip-throttle';
import { seededAdmin, seededUsers } from './users';

const wrong = 'not-the-password';
const alertOf = (html: string) => /<p role="alert">([^<]*)<\/p>/.exec(html)?.[1];

describe('identity provider suspicious IP throttling', () => {
  let t: TestIdp;
  const clock = new AdjustableClock();
  before(async () => {
    t = await startTestIdp({ now: clock.now });
  });
  after(() => t.close());

  /** One login page from a loopback address, posted to as often as asked. */
  async function loginFrom(localAddress: string) {
    const client = cookieClient({ localAddress });
    const interaction = (await client(authorizeUrl(t, { nonce: 'n' }))).headers.get('location');
    assert.ok(interaction, 'a login page');
    return async (email: string, password: string) => {
      const res = await client(new URL(`${interaction}/login`, t.idp.issuer), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password }),
      });
      return { status: res.status, message: alertOf(await res.text()) };
    };
  }

  it('refuses every login from loopback after 100 failures across accounts, whatever the 127.x address', async () => {
    const { maxAttempts, refillEveryMs } = suspiciousIpThrottling;
    const addresses = ['127.0.0.1', '127.0.0.2', '127.1.2.3', '127.255.255.254'];
    const logins = await Promise.all(addresses.map(loginFrom));
    // One guess per account, spread over the addresses: no account nears its own
    // block of 10, so only the count per source can stop this.
    for (let i = 1; i < maxAttempts; i++) {
      const res = await logins[i % logins.length]!(`guess-${i}@example.com`, wrong);
      assert.equal(res.status, 401, `guess ${i}`);
    }
    // Until the 100th failure, the right password still gets in, and does not reset the count.
    assert.equal((await logins[0]!(seededAdmin.email, seededAdmin.password)).status, 303);
    assert.equal((await logins[1]!('guess-100@example.com', wrong)).status, 401);

    const refused = [
      await logins[2]!(seededAdmin.email, seededAdmin.password),
      await (
        await loginFrom('127.0.0.99')
      )(seededUsers.unverified.email, seededUsers.unverified.password),
    ];
    for (const res of refused) {
      assert.equal(res.status, 429);
      assert.equal(res.message, throttledMessage);
    }
    assert.ok(
      throttledMessage.startsWith(
        'We have detected suspicious login behavior and further attempts will be blocked.',
      ),
    );
    assert.notEqual(throttledMessage, blockedMessage);
    assert.ok(t.lines.some((l) => /throttled for every account/.test(l)));

    // One attempt back after 864 s of the cloud's clock; only a failure uses it up.
    clock.offsetMs = refillEveryMs - 60_000;
    assert.equal((await logins[3]!(seededAdmin.email, seededAdmin.password)).status, 429);
    clock.offsetMs = refillEveryMs;
    assert.equal((await logins[3]!(seededAdmin.email, seededAdmin.password)).status, 303);
    assert.equal((await logins[0]!('guess-101@example.com', wrong)).status, 401);
    assert.equal((await logins[0]!(seededAdmin.email, seededAdmin.password)).status, 429);
    clock.offsetMs = 0;
  });
});

describe('the source an address counts for', () => {
  it('is one for all of loopback, and the address itself otherwise', () => {
    for (const ip of ['127.0.0.1', '127.0.0.2', '127.255.255.255', '::1', '::ffff:127.0.0.5']) {
      assert.equal(sourceOf(ip), 'loopback', ip);
    }
    for (const ip of ['10.0.0.1', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8::1', '128.0.0.1']) {
      assert.equal(sourceOf(ip), ip);
    }
  });
});
