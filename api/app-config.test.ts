import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auth0Endpoints, jwksUriOf } from './app-config';

// The parser itself is tested where it runs, in the browser (src/app/config).
describe('Auth0 endpoints', () => {
  it('reads a bare domain as https and a URL as given', () => {
    assert.deepEqual(auth0Endpoints('tenant.eu.auth0.com'), {
      rootUrl: 'https://tenant.eu.auth0.com',
      issuer: 'https://tenant.eu.auth0.com/',
      jwksUri: 'https://tenant.eu.auth0.com/.well-known/jwks.json',
    });
    assert.deepEqual(auth0Endpoints('http://localhost:4400/'), {
      rootUrl: 'http://localhost:4400',
      issuer: 'http://localhost:4400/',
      jwksUri: 'http://localhost:4400/.well-known/jwks.json',
    });
  });

  it('finds the key set below an issuer with or without its slash', () => {
    assert.equal(jwksUriOf('https://a.example'), 'https://a.example/.well-known/jwks.json');
    assert.equal(jwksUriOf('https://a.example/'), 'https://a.example/.well-known/jwks.json');
  });
});
