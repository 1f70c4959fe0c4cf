import { TestBed } from '@angular/core/testing';
import { WEB_AUTH_FACTORY } from './auth0-client';

// The real auth0-js, loaded as the app loads it, configured for an http:// issuer.
describe('auth0-js WebAuth', () => {
  it('builds an implicit-flow authorize URL with nonce and state on the local IdP', async () => {
    const webAuth = (await TestBed.inject(WEB_AUTH_FACTORY)({
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
    })) as unknown as { client: { buildAuthorizeUrl(o: object): string } };
    const url = new URL(
      webAuth.client.buildAuthorizeUrl({
        responseType: 'id_token token',
        scope: 'openid email',
        redirectUri: `${location.origin}/callback`,
        nonce: 'n-1',
        state: 's-1',
      }),
    );
    expect(url.origin + url.pathname).toBe('http://localhost:4400/authorize');
    expect(url.searchParams.get('response_type')).toBe('id_token token');
    expect(url.searchParams.get('scope')).toBe('openid email');
    expect(url.searchParams.get('nonce')).toBe('n-1');
    expect(url.searchParams.get('state')).toBe('s-1');
    expect(url.searchParams.get('client_id')).toBe('pets-spa');
  });
});
