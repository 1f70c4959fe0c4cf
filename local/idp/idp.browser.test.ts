// auth0-js against the IdP in a real Chromium: the same calls the app makes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from '@playwright/test';
import { roleArn } from '../../api/roles';
import { account, startTestIdp, type TestIdp } from '../../node-testing/idp';
import { seededAdmin } from './users';

const chromiumPath = process.env['CHROME_BIN'] ?? '/usr/bin/chromium';
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface AuthResult {
  idToken: string;
  accessToken?: string;
  idTokenPayload: { sub: string; email: string; iss: string; aud: string };
}
type Outcome = { ok: AuthResult } | { error: { error: string; error_description?: string } };

/** Starts auth0-js's redirect login from the app page; resolves on the IdP's login page. */
async function startLogin(page: Page, t: TestIdp): Promise<void> {
  await page.goto(`${t.app.origin}/`);
  await page.evaluate(() => {
    (window as unknown as { webAuth: { authorize(): void } }).webAuth.authorize();
  });
  await page.waitForURL(/\/interaction\//);
}

/** On the callback page: auth0-js's parseHash, which verifies the token with the JWKS. */
function parseHash(page: Page): Promise<Outcome> {
  return page.evaluate(
    () =>
      new Promise<Outcome>((done) => {
        const webAuth = (window as unknown as { webAuth: Auth0Like }).webAuth;
        webAuth.parseHash({ hash: location.hash }, (error, ok) =>
          done(error ? { error } : { ok: ok as AuthResult }),
        );
      }),
  );
}

/** auth0-js's silent re-authentication: prompt=none in an iframe, answered by web_message. */
function checkSession(page: Page): Promise<Outcome> {
  return page.evaluate(
    () =>
      new Promise<Outcome>((done) => {
        const webAuth = (window as unknown as { webAuth: Auth0Like }).webAuth;
        webAuth.checkSession({ timeout: 5000 }, (error, ok) =>
          done(error ? { error } : { ok: ok as AuthResult }),
        );
      }),
  );
}

/** auth0-js's Authentication#delegation from the app's origin (CORS included). */
function delegation(page: Page, idToken: string, role: string) {
  return page.evaluate(
    ([token, requested]) =>
      new Promise<{
        error?: unknown;
        ok?: { Credentials: Record<string, string>; AssumedRoleUser: { Arn: string } };
      }>((done) => {
        const webAuth = (window as unknown as { webAuth: Auth0Like }).webAuth;
        webAuth.client.delegation(
          {
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            id_token: token,
            api_type: 'aws',
            role: requested,
            principal: 'arn:aws:iam::000000000000:saml-provider/auth0',
            scope: 'openid',
          },
          (error, ok) => done(error ? { error } : { ok: ok as never }),
        );
      }),
    [idToken, role] as const,
  );
}

interface Auth0Like {
  parseHash(options: { hash: string }, cb: (error: never, result: unknown) => void): void;
  checkSession(options: object, cb: (error: never, result: unknown) => void): void;
  client: {
    delegation(options: object, cb: (error: unknown, result: unknown) => void): void;
    userInfo(accessToken: string, cb: (error: unknown, result: unknown) => void): void;
  };
}

/** axe-core's WCAG 2 A/AA rules on the current page: no violations. */
async function assertAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
  );
}

function ok(outcome: Outcome): AuthResult {
  if ('error' in outcome) assert.fail(`auth0-js error: ${JSON.stringify(outcome.error)}`);
  return outcome.ok;
}

describe('auth0-js in Chromium against the identity provider', () => {
  let t: TestIdp;
  let browser: Browser;
  before(async () => {
    t = await startTestIdp();
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs the admin in, renews silently, delegates to the admin role and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await startLogin(page, t);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Log in');
    await page.getByLabel('Email').fill(seededAdmin.email);
    await page.getByLabel('Password').fill(seededAdmin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${t.app.origin}/callback.html#*`);

    const login = ok(await parseHash(page));
    assert.equal(login.idTokenPayload.email, seededAdmin.email);
    assert.match(login.idTokenPayload.sub, /^auth0\|/);
    assert.equal(login.idTokenPayload.iss, t.idp.issuer);
    assert.equal(login.idTokenPayload.aud, 'pets-spa');
    assert.ok(login.accessToken, 'id_token token also gives an access token');

    const profile = await page.evaluate(
      (accessToken) =>
        new Promise<unknown>((done) => {
          const webAuth = (window as unknown as { webAuth: Auth0Like }).webAuth;
          webAuth.client.userInfo(accessToken, (error, user) => done(error ?? user));
        }),
      login.accessToken ?? '',
    );
    assert.deepEqual(profile, {
      sub: login.idTokenPayload.sub,
      email: seededAdmin.email,
      email_verified: true,
    });

    const renewed = ok(await checkSession(page));
    assert.equal(renewed.idTokenPayload.sub, login.idTokenPayload.sub);
    assert.notEqual(renewed.idToken, login.idToken);

    // The browser asks for the buyer role; the IdP gives the database user the admin role.
    const aws = await delegation(page, renewed.idToken, roleArn('buyer', account));
    assert.equal(aws.error, undefined, JSON.stringify(aws.error));
    assert.equal(t.stsCalls.at(-1)?.roleArn, roleArn('admin', account));
    assert.equal(t.stsCalls.at(-1)?.subject, login.idTokenPayload.sub);
    assert.match(aws.ok?.AssumedRoleUser.Arn ?? '', /:assumed-role\/pets-admin\//);
    assert.equal(aws.ok?.Credentials['SessionToken'], `token-for-${roleArn('admin', account)}`);
    assert.ok(!Number.isNaN(Date.parse(aws.ok?.Credentials['Expiration'] ?? '')));
    assert.ok(
      t.lines.some((l) =>
        /delegation: auth0\|\S+ gets role admin \(asked for .*overridden\)/.test(l),
      ),
    );

    await page.goto(
      `${t.idp.issuer}v2/logout?returnTo=${encodeURIComponent(t.app.origin)}&client_id=pets-spa`,
    );
    assert.equal(page.url(), `${t.app.origin}/`);
    const after = await checkSession(page);
    assert.ok('error' in after);
    assert.equal(after.error.error, 'login_required');
    await context.close();
  });

  it('signs a buyer in with Continue with Amazon, the same identity each time, buyer role', async () => {
    const subs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await startLogin(page, t);
      if (i === 0) await assertAccessible(page);
      await page.getByRole('button', { name: 'Continue with Amazon' }).click();
      if (i === 0) await assertAccessible(page);
      await page.getByLabel('Email').fill('shopper@example.com');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${t.app.origin}/callback.html#*`);
      const login = ok(await parseHash(page));
      assert.match(login.idTokenPayload.sub, /^amazon\|/);
      assert.equal(login.idTokenPayload.email, 'shopper@example.com');
      subs.push(login.idTokenPayload.sub);

      const aws = await delegation(page, login.idToken, roleArn('admin', account));
      assert.equal(aws.error, undefined, JSON.stringify(aws.error));
      assert.equal(t.stsCalls.at(-1)?.roleArn, roleArn('buyer', account));
      assert.match(aws.ok?.AssumedRoleUser.Arn ?? '', /:assumed-role\/pets-buyer\//);
      await context.close();
    }
    assert.equal(subs[0], subs[1]);
  });

  it('shows a clear alert for a wrong password and stays on the login page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await startLogin(page, t);
    await page.getByLabel('Email').fill(seededAdmin.email);
    await page.getByLabel('Password').fill('Wrong-password-1');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await assertAccessible(page);
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'Wrong email or password.');
    assert.match(page.url(), /\/interaction\//);
    // The form can be retried with the right password.
    await page.getByLabel('Password').fill(seededAdmin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${t.app.origin}/callback.html#*`);
    assert.match(ok(await parseHash(page)).idTokenPayload.sub, /^auth0\|/);
    await context.close();
  });

  it('answers checkSession with login_required when nobody is signed in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.app.origin}/`);
    const outcome = await checkSession(page);
    assert.ok('error' in outcome);
    assert.equal(outcome.error.error, 'login_required');
    await context.close();
  });
});
