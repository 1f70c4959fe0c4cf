import { AppConfigError } from '../../../api/app-config';
import { parseAppConfig } from '../../../api/app-config-parser';
import { auth0Overrides, auth0RootUrl, loadAppConfig } from './app-config';

const valid = () => ({
  auth0: { domain: 'http://localhost:4400', clientId: 'pets-spa' },
  api: { invokeUrl: 'http://localhost:4566/test/', region: 'us-east-1' },
  credentials: {
    mode: 'web-identity',
    stsEndpoint: 'http://localhost:4566',
    roles: {
      admin: 'arn:aws:iam::000000000000:role/pets-admin',
      buyer: 'arn:aws:iam::000000000000:role/pets-buyer',
    },
  },
});

function problemsOf(raw: unknown): readonly string[] {
  try {
    parseAppConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(AppConfigError);
    return (error as AppConfigError).problems;
  }
  return [];
}

describe('parseAppConfig', () => {
  it('accepts the documented keys and trims the invoke URL', () => {
    const config = parseAppConfig(valid());
    expect(config.api.invokeUrl).toBe('http://localhost:4566/test');
    expect(config.credentials.mode).toBe('web-identity');
    expect(config.credentials.principal).toBeUndefined();
  });

  it('takes an optional public URL for the reads through the CDN, trimmed like invokeUrl', () => {
    const raw = valid();
    expect(parseAppConfig(raw).api.publicUrl).toBeUndefined();
    (raw.api as Record<string, unknown>)['publicUrl'] = 'http://localhost:4200/test/';
    expect(parseAppConfig(raw).api.publicUrl).toBe('http://localhost:4200/test');
    (raw.api as Record<string, unknown>)['publicUrl'] = 'ftp://cdn';
    expect(problemsOf(raw)).toEqual(['"api.publicUrl" must be an http(s) URL.']);
  });

  it('rejects a non-object', () => {
    expect(problemsOf([1, 2])).toEqual(['The file is not an object.']);
  });

  it('lists every problem at once', () => {
    const raw = valid() as Record<string, unknown>;
    raw['api'] = { invokeUrl: 'not a url' };
    raw['credentials'] = { mode: 'magic', roles: { admin: 'pets-admin' } };
    delete raw['auth0'];
    expect(problemsOf(raw)).toEqual(
      jasmine.arrayWithExactContents([
        '"auth0" must be an object.',
        '"auth0.domain" must be a non-empty string.',
        '"auth0.clientId" must be a non-empty string.',
        '"api.invokeUrl" must be an http(s) URL.',
        '"api.region" must be a non-empty string.',
        '"credentials.mode" must be "web-identity" or "delegation".',
        '"credentials.roles.admin" must be an IAM ARN.',
        '"credentials.roles.buyer" must be a non-empty string.',
      ]),
    );
  });

  it('requires roles to be an object', () => {
    const raw = valid();
    (raw.credentials as Record<string, unknown>)['roles'] = 'admin';
    expect(problemsOf(raw)).toContain('"credentials.roles" must be an object.');
  });

  it('requires the principal in delegation mode', () => {
    const raw = valid();
    raw.credentials.mode = 'delegation';
    expect(problemsOf(raw)).toEqual(['"credentials.principal" must be a non-empty string.']);
    (raw.credentials as Record<string, unknown>)['principal'] =
      'arn:aws:iam::000000000000:saml-provider/auth0';
    expect(parseAppConfig(raw).credentials.principal).toContain('saml-provider');
  });

  it('takes an optional credential lifetime within the roles’ MaxSessionDuration', () => {
    const raw = valid();
    expect(parseAppConfig(raw).credentials.durationSeconds).toBeUndefined();
    (raw.credentials as Record<string, unknown>)['durationSeconds'] = 900;
    expect(parseAppConfig(raw).credentials.durationSeconds).toBe(900);
    (raw.credentials as Record<string, unknown>)['durationSeconds'] = 3600;
    expect(parseAppConfig(raw).credentials.durationSeconds).toBe(3600);
    for (const bad of [899, 3601, 43200, 1000.5, '900']) {
      (raw.credentials as Record<string, unknown>)['durationSeconds'] = bad;
      expect(problemsOf(raw)).toEqual([
        '"credentials.durationSeconds" must be a whole number of seconds from 900 to 3600.',
      ]);
    }
  });

  it('rejects a malformed URL domain', () => {
    const raw = valid();
    raw.auth0.domain = 'http://';
    expect(problemsOf(raw)).toEqual(['"auth0.domain" must be a host name or an http(s) URL.']);
  });
});

describe('auth0 overrides', () => {
  it('derives issuer and JWKS from a URL domain', () => {
    const config = parseAppConfig(valid());
    expect(auth0RootUrl(config)).toBe('http://localhost:4400');
    expect(auth0Overrides(config)).toEqual({
      __tenant: 'localhost',
      __token_issuer: 'http://localhost:4400/',
      __jwks_uri: 'http://localhost:4400/.well-known/jwks.json',
    });
  });

  it('leaves a real tenant to auth0-js defaults', () => {
    const raw = valid();
    raw.auth0.domain = 'pets.eu.auth0.com';
    const config = parseAppConfig(raw);
    expect(auth0RootUrl(config)).toBe('https://pets.eu.auth0.com');
    expect(auth0Overrides(config)).toBeUndefined();
  });

  it('uses an explicit issuer and JWKS URI', () => {
    const raw = valid();
    raw.auth0.domain = 'login.example.com';
    Object.assign(raw.auth0, { issuer: 'https://pets.auth0.com/' });
    expect(auth0Overrides(parseAppConfig(raw))).toEqual({
      __tenant: 'login',
      __token_issuer: 'https://pets.auth0.com/',
      __jwks_uri: 'https://pets.auth0.com/.well-known/jwks.json',
    });
  });
});

describe('loadAppConfig', () => {
  const respond = (response: Response | Error) =>
    jasmine.createSpy('fetch').and.callFake(async () => {
      if (response instanceof Error) throw response;
      return response;
    });

  it('fetches /config.json without the cache', async () => {
    const fetchFn = respond(new Response(JSON.stringify(valid())));
    const config = await loadAppConfig(fetchFn);
    expect(config.auth0.clientId).toBe('pets-spa');
    expect(fetchFn).toHaveBeenCalledWith('/config.json', { cache: 'no-store' });
  });

  it('says when the file is missing', async () => {
    await expectAsync(
      loadAppConfig(respond(new Response('nope', { status: 404 }))),
    ).toBeRejectedWithError(AppConfigError, 'config.json is missing.');
  });

  it('says when the file is not JSON', async () => {
    await expectAsync(loadAppConfig(respond(new Response('{')))).toBeRejectedWithError(
      AppConfigError,
      'config.json is not valid.',
    );
  });

  it('says when the request fails', async () => {
    await expectAsync(loadAppConfig(respond(new TypeError('offline')))).toBeRejectedWithError(
      AppConfigError,
      'config.json could not be loaded.',
    );
  });

  it('fetches from the page origin by default (the build ships no config.json)', async () => {
    await expectAsync(loadAppConfig()).toBeRejectedWithError(
      AppConfigError,
      'config.json is missing.',
    );
  });
});
