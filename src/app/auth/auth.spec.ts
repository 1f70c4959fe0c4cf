import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { fakes, settle, signIn } from '../../testing/fakes';
import { idToken, jwt } from '../../testing/tokens';
import { Auth, FRESH_TOKEN_MAX_AGE_MS, RENEW_MARGIN_MS, SESSION_ENDED } from './auth';
import { CREDENTIALS_KEY } from '../credentials/credentials-store';
import { SESSION_KEY } from './session';

describe('Auth', () => {
  let f: ReturnType<typeof fakes>;
  const setup = () => {
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    return TestBed.inject(Auth);
  };
  beforeEach(() => (f = fakes()));
  afterEach(() => jasmine.clock().uninstall());

  it('starts signed out', () => {
    const auth = setup();
    expect(auth.signedIn()).toBeFalse();
    expect(auth.role()).toBeNull();
    expect(auth.userName()).toBe('');
    expect(auth.idToken()).toBeNull();
  });

  it('restores the session from storage on reload', () => {
    signIn(f.storage, idToken('amazon|7', 'b@example.com'));
    const auth = setup();
    expect(auth.role()).toBe('buyer');
    expect(auth.userName()).toBe('b@example.com');
    expect(auth.idToken()).toEqual(jasmine.any(String));
  });

  it('redirects to Auth0 on login and clears the notice', async () => {
    const auth = setup();
    auth.notice.set('old');
    await auth.login();
    expect(f.webAuth.authorized.length).toBe(1);
    expect(auth.notice()).toBeNull();
  });

  it('carries the path to come back to through auth0-js appState', async () => {
    const auth = setup();
    await auth.login('/?type=cat');
    expect(f.webAuth.authorized).toEqual([
      jasmine.objectContaining({ appState: { returnTo: '/?type=cat' } }),
    ]);
    f.webAuth.hashResult = {
      error: null,
      result: { idToken: idToken(), appState: { returnTo: '/?type=cat' } },
    };
    expect((await auth.handleCallback('#id_token=...')).returnTo).toBe('/?type=cat');
  });

  it('completes the callback and stores the token', async () => {
    const auth = setup();
    const token = idToken('auth0|1', 'admin@example.com');
    f.webAuth.hashResult = { error: null, result: { idToken: token, accessToken: 'at' } };
    const { session, returnTo } = await auth.handleCallback('#id_token=...');
    expect(returnTo).toBeUndefined();
    expect(session.role).toBe('admin');
    expect(auth.userName()).toBe('admin@example.com');
    expect(JSON.parse(f.storage.getItem(SESSION_KEY)!).idToken).toBe(token);
  });

  it('refuses a callback without an ID token', async () => {
    const auth = setup();
    f.webAuth.hashResult = { error: null, result: null };
    await expectAsync(auth.handleCallback('')).toBeRejectedWithError(/no usable ID token/);
    expect(auth.signedIn()).toBeFalse();
  });

  it('renews silently before the ID token expires', async () => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date());
    signIn(f.storage, idToken('auth0|1', 'admin@example.com', 600));
    const auth = setup();
    const renewed = idToken('auth0|1', 'admin@example.com', 7200);
    f.webAuth.sessionResult = { error: null, result: { idToken: renewed } };
    jasmine.clock().tick(600_000 - RENEW_MARGIN_MS - 1000);
    expect(f.webAuth.checkSessionOptions.length).toBe(0);
    jasmine.clock().tick(1000);
    jasmine.clock().uninstall();
    await settle();
    expect(f.webAuth.checkSessionOptions.length).toBe(1);
    expect(auth.session()?.idToken).toBe(renewed);
  });

  describe('a fresh ID token for the buyer calls', () => {
    const now = () => Math.floor(Date.now() / 1000);
    /** A buyer's token issued `ageSeconds` ago, valid for hours yet. */
    const issuedAgo = (ageSeconds: number) =>
      jwt({
        sub: 'amazon|b',
        email: 'b@example.com',
        aud: 'pets-spa',
        iat: now() - ageSeconds,
        exp: now() + 36000,
      });

    it('hands out the token as it is while it is younger than the maximum age', async () => {
      const token = issuedAgo(60);
      signIn(f.storage, token);
      const auth = setup();
      expect((await auth.freshSession())?.idToken).toBe(token);
      expect(f.webAuth.checkSessionOptions.length).toBe(0);
    });

    it('renews silently first when the token is nearly as old as the Lambdas allow', async () => {
      signIn(f.storage, issuedAgo(FRESH_TOKEN_MAX_AGE_MS / 1000 + 1));
      const auth = setup();
      const renewed = issuedAgo(0);
      f.webAuth.sessionResult = { error: null, result: { idToken: renewed } };
      expect((await auth.freshSession())?.idToken).toBe(renewed);
      expect(f.webAuth.checkSessionOptions.length).toBe(1);
      expect(f.webAuth.checkSessionOptions[0]).toEqual(
        jasmine.objectContaining({ responseMode: 'web_message' }),
      );
      const stored = JSON.parse(f.storage.getItem(SESSION_KEY)!);
      expect(stored.idToken).toBe(renewed);
      expect(stored.receivedAt).toEqual(jasmine.any(Number));
      // Fresh now: no second renewal.
      expect((await auth.freshSession())?.idToken).toBe(renewed);
      expect(f.webAuth.checkSessionOptions.length).toBe(1);
    });

    it('shares one renewal between calls made at the same time', async () => {
      signIn(f.storage, issuedAgo(FRESH_TOKEN_MAX_AGE_MS / 1000 + 1));
      const auth = setup();
      const renewed = issuedAgo(0);
      f.webAuth.sessionResult = { error: null, result: { idToken: renewed } };
      const both = await Promise.all([auth.freshSession(), auth.freshSession()]);
      expect(both.map((session) => session?.idToken)).toEqual([renewed, renewed]);
      expect(f.webAuth.checkSessionOptions.length).toBe(1);
    });

    it('counts from when the token arrived, whatever this clock makes of its iat', async () => {
      const auth = setup();
      // This browser's clock runs two hours behind the issuer's: iat looks far off.
      const token = issuedAgo(2 * 3600);
      f.webAuth.hashResult = { error: null, result: { idToken: token } };
      await auth.handleCallback('#id_token=...');
      expect((await auth.freshSession())?.idToken).toBe(token);
      expect(f.webAuth.checkSessionOptions.length).toBe(0);
    });

    it('gives no token when the renewal fails: the page says the session ended', async () => {
      signIn(f.storage, issuedAgo(FRESH_TOKEN_MAX_AGE_MS / 1000 + 1));
      const auth = setup();
      const navigate = spyOn(TestBed.inject(Router), 'navigateByUrl').and.resolveTo(true);
      f.webAuth.sessionResult = { error: { error: 'login_required' }, result: null };
      expect(await auth.freshSession()).toBeNull();
      expect(auth.notice()).toBe(SESSION_ENDED);
      expect(navigate).not.toHaveBeenCalled();
    });
  });

  it('ends the session where the user is, with a message, when silent renewal fails', async () => {
    signIn(f.storage, idToken('auth0|1'));
    const auth = setup();
    const router = TestBed.inject(Router);
    spyOn(router, 'navigateByUrl').and.resolveTo(true);
    f.storage.setItem(CREDENTIALS_KEY, '{}');
    f.webAuth.sessionResult = { error: { error: 'login_required' }, result: null };
    await auth.renew();
    expect(auth.signedIn()).toBeFalse();
    expect(auth.notice()).toBe(SESSION_ENDED);
    // The page stays: it offers Log in back to itself (shell/top-bar.ts).
    expect(router.navigateByUrl).not.toHaveBeenCalled();
    expect(f.storage.length).toBe(0);
  });

  it('treats a renewal for another user as a failure', async () => {
    signIn(f.storage, idToken('auth0|1'));
    const auth = setup();
    spyOn(TestBed.inject(Router), 'navigateByUrl').and.resolveTo(true);
    f.webAuth.sessionResult = { error: null, result: { idToken: idToken('auth0|2') } };
    await auth.renew();
    expect(auth.signedIn()).toBeFalse();
  });

  it('clears tokens and credentials', async () => {
    const storage = f.storage;
    signIn(storage, idToken());
    storage.setItem(CREDENTIALS_KEY, 'b');
    storage.setItem('other', 'c');
    await setup().logout();
    expect(storage.length).toBe(1);
  });

  it('logs out: clears tokens and credentials, then ends the Auth0 session', async () => {
    signIn(f.storage, idToken());
    f.storage.setItem(CREDENTIALS_KEY, '{"accessKeyId":"x"}');
    const auth = setup();
    await auth.logout();
    expect(f.storage.length).toBe(0);
    expect(auth.signedIn()).toBeFalse();
    expect(f.webAuth.loggedOut[0].returnTo).toBe(`${location.origin}/login`);
  });
});
