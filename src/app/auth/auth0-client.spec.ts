import { TestBed } from '@angular/core/testing';
import { fakes } from '../../testing/fakes';
import { Auth0Client, Auth0Error } from './auth0-client';

describe('Auth0Client', () => {
  let f: ReturnType<typeof fakes>;
  let client: Auth0Client;
  beforeEach(() => {
    f = fakes();
    TestBed.configureTestingModule({ providers: f.providers });
    client = TestBed.inject(Auth0Client);
  });

  it('configures WebAuth for the implicit flow with the local issuer overrides', async () => {
    await client.authorize();
    expect(f.webAuth.options).toEqual(
      jasmine.objectContaining({
        domain: 'http://localhost:4400',
        clientID: 'pets-spa',
        responseType: 'id_token token',
        scope: 'openid email',
        redirectUri: `${location.origin}/callback`,
        overrides: {
          __tenant: 'localhost',
          __token_issuer: 'http://localhost:4400/',
          __jwks_uri: 'http://localhost:4400/.well-known/jwks.json',
        },
      }),
    );
    expect(f.webAuth.authorized).toEqual([
      { responseType: 'id_token token', scope: 'openid email' },
    ]);
  });

  it('parses the hash, or rejects with the reason', async () => {
    f.webAuth.hashResult = { error: null, result: { idToken: 'x' } };
    expect(await client.parseHash('#id_token=x')).toEqual({ idToken: 'x' });
    expect(f.webAuth.parsedHashes).toEqual(['#id_token=x']);
    f.webAuth.hashResult = {
      error: { error: 'invalid_token', errorDescription: 'Nonce does not match.' },
      result: null,
    };
    await expectAsync(client.parseHash('#x')).toBeRejectedWithError(
      Auth0Error,
      'Nonce does not match.',
    );
  });

  it('checks the session silently by web_message', async () => {
    f.webAuth.sessionResult = { error: null, result: { idToken: 'y' } };
    expect(await client.checkSession()).toEqual({ idToken: 'y' });
    expect(f.webAuth.checkSessionOptions[0]).toEqual({
      responseType: 'id_token token',
      scope: 'openid email',
      redirectUri: `${location.origin}/callback`,
      responseMode: 'web_message',
    });
    f.webAuth.sessionResult = { error: null, result: null };
    await expectAsync(client.checkSession()).toBeRejectedWithError(Auth0Error, 'No session');
  });

  it('logs out back to the login page', async () => {
    await client.logout();
    expect(f.webAuth.loggedOut).toEqual([
      { returnTo: `${location.origin}/login`, clientID: 'pets-spa' },
    ]);
  });

  it('passes delegation errors on with their status', async () => {
    f.webAuth.delegationResult = {
      error: { code: 'unauthorized', description: 'Role not allowed', statusCode: 401 },
      result: null,
    };
    const error = await client.delegation({ api_type: 'aws' }).catch((e: Auth0Error) => e);
    expect(error).toEqual(
      jasmine.objectContaining({ message: 'Role not allowed', statusCode: 401 }),
    );
    expect(Auth0Error.from({}).message).toContain('refused');
  });

  it('retries loading auth0-js after a failure', async () => {
    TestBed.resetTestingModule();
    let calls = 0;
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        {
          provide: (await import('./auth0-client')).WEB_AUTH_FACTORY,
          useValue: async () => {
            calls += 1;
            if (calls === 1) throw new Error('offline');
            return f.webAuth;
          },
        },
      ],
    });
    const retrying = TestBed.inject(Auth0Client);
    await expectAsync(retrying.authorize()).toBeRejectedWithError('offline');
    await retrying.authorize();
    expect(calls).toBe(2);
  });
});
