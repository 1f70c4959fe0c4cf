import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { fakes, signIn, testConfig } from '../../testing/fakes';
import { idToken } from '../../testing/tokens';
import { Auth } from '../auth/auth';
import { CREDENTIALS_KEY, CredentialsStore } from './credentials-store';
import { STS_SDK } from './sts';
import {
  CREDENTIALS_MARGIN_MS,
  Credentials,
  CredentialsError,
  RoleRefusedError,
} from './credentials';

describe('Credentials', () => {
  let f: ReturnType<typeof fakes>;
  /** The session a caller passes: the signed-in one, read from Auth. */
  const session = () => TestBed.inject(Auth).session();
  const setup = (token: string | null = idToken('auth0|admin-1')) => {
    if (token) signIn(f.storage, token);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    return TestBed.inject(Credentials);
  };

  describe('web identity', () => {
    beforeEach(() => (f = fakes()));

    it("assumes the admin's role with the ID token at the configured STS", async () => {
      const token = idToken('auth0|admin-1');
      const credentials = setup(token);
      const c = await credentials.get(session());
      expect(c).toEqual(
        jasmine.objectContaining({
          accessKeyId: 'ASIA1',
          secretAccessKey: 'secret1',
          sessionToken: 'token1',
        }),
      );
      expect(f.sts.calls[0].config).toEqual({
        region: 'us-east-1',
        endpoint: 'http://localhost:4566',
      });
      expect(f.sts.calls[0].input).toEqual(
        jasmine.objectContaining({
          RoleArn: 'arn:aws:iam::000000000000:role/pets-admin',
          WebIdentityToken: token,
          RoleSessionName: 'auth0-admin-1',
          DurationSeconds: 3600,
        }),
      );
    });

    it('asks STS for the configured credential lifetime', async () => {
      f = fakes(testConfig({ durationSeconds: 900 }));
      await setup().get(session());
      expect(f.sts.calls[0].input.DurationSeconds).toBe(900);
    });

    it("asks for the buyer's role for a social user", async () => {
      const credentials = setup(idToken('amazon|b', 'b@example.com'));
      await credentials.get(session());
      expect(f.sts.calls[0].input.RoleArn).toBe('arn:aws:iam::000000000000:role/pets-buyer');
    });

    it('uses the real regional STS when no endpoint is configured', async () => {
      f = fakes(testConfig({ stsEndpoint: undefined }));
      await setup().get(session());
      expect(f.sts.calls[0].config).toEqual({ region: 'us-east-1' });
    });

    it('reuses stored credentials until 5 minutes before they expire', async () => {
      const credentials = setup();
      const first = await credentials.get(session());
      expect(await credentials.get(session())).toEqual(first);
      expect(JSON.parse(f.storage.getItem(CREDENTIALS_KEY)!).accessKeyId).toBe('ASIA1');
      const stored = { ...first, expiration: Date.now() + CREDENTIALS_MARGIN_MS - 1000 };
      f.storage.setItem(CREDENTIALS_KEY, JSON.stringify(stored));
      expect((await credentials.get(session())).accessKeyId).toBe('ASIA2');
    });

    it("never reuses another user's credentials", async () => {
      const credentials = setup();
      const first = await credentials.get(session());
      f.storage.setItem(CREDENTIALS_KEY, JSON.stringify({ ...first, owner: 'amazon|x buyer' }));
      expect((await credentials.get(session())).accessKeyId).toBe('ASIA2');
      f.storage.setItem(CREDENTIALS_KEY, '{');
      expect((await credentials.get(session())).accessKeyId).toBe('ASIA3');
    });

    it('shares one request between concurrent renewals', async () => {
      const credentials = setup();
      const [a, b] = await Promise.all([
        credentials.renew(session()),
        credentials.renew(session()),
      ]);
      expect(a).toBe(b);
      expect(f.sts.calls.length).toBe(1);
      TestBed.inject(CredentialsStore).clear();
      expect(f.storage.getItem(CREDENTIALS_KEY)).toBeNull();
    });

    it('says clearly when STS refuses the role', async () => {
      f.sts.error = Object.assign(
        new Error('Not authorized to perform sts:AssumeRoleWithWebIdentity'),
        {
          name: 'AccessDenied',
        },
      );
      await expectAsync(setup().get(session())).toBeRejectedWithError(
        RoleRefusedError,
        /AWS refused the admin role for your account: it is not one of the admins the store owner named/,
      );
    });

    it('reports other STS failures', async () => {
      f.sts.error = new Error('socket hang up');
      await expectAsync(setup().get(session())).toBeRejectedWithError(
        CredentialsError,
        /socket hang up/,
      );
      f.sts.error = {};
      await expectAsync(TestBed.inject(Credentials).get(session())).toBeRejectedWithError(
        CredentialsError,
        'AWS credentials could not be obtained.',
      );
    });

    it('rejects an answer without credentials', async () => {
      const credentials = setup();
      f.sts.sdk.STSClient.prototype.send = async () => ({});
      await expectAsync(credentials.get(session())).toBeRejectedWithError(
        CredentialsError,
        /without credentials/,
      );
    });

    it('needs a session', async () => {
      await expectAsync(setup(null).get(session())).toBeRejectedWithError(
        CredentialsError,
        'You are not signed in.',
      );
    });

    it('reports when the STS client cannot be loaded', async () => {
      signIn(f.storage, idToken());
      TestBed.configureTestingModule({
        providers: [
          ...f.providers,
          provideRouter([]),
          { provide: STS_SDK, useValue: () => Promise.reject(new Error('chunk')) },
        ],
      });
      await expectAsync(TestBed.inject(Credentials).get(session())).toBeRejectedWithError(
        CredentialsError,
        /could not be loaded/,
      );
    });
  });

  describe('delegation', () => {
    const principal = 'arn:aws:iam::000000000000:saml-provider/auth0';
    beforeEach(() => (f = fakes(testConfig({ mode: 'delegation', principal }))));

    it('asks Auth0 for AWS credentials for the role', async () => {
      const expiration = new Date(Date.now() + 3600_000).toISOString();
      f.webAuth.delegationResult = {
        error: null,
        result: {
          Credentials: {
            AccessKeyId: 'AK',
            SecretAccessKey: 'SK',
            SessionToken: 'ST',
            Expiration: expiration,
          },
        },
      };
      const token = idToken('amazon|b', 'b@example.com');
      const c = await setup(token).get(session());
      expect(c.accessKeyId).toBe('AK');
      expect(c.expiration).toBe(Date.parse(expiration));
      expect(f.webAuth.delegations[0]).toEqual(
        jasmine.objectContaining({
          id_token: token,
          api_type: 'aws',
          role: 'arn:aws:iam::000000000000:role/pets-buyer',
          principal,
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        }),
      );
      expect(f.sts.calls.length).toBe(0);
    });

    it('turns a 401 into a refused role', async () => {
      f.webAuth.delegationResult = {
        error: { code: 'unauthorized', description: 'nope', statusCode: 401 },
        result: null,
      };
      await expectAsync(setup().get(session())).toBeRejectedWithError(RoleRefusedError);
    });

    it('reports other delegation failures and empty answers', async () => {
      f.webAuth.delegationResult = {
        error: { error: 'server_error', statusCode: 500 },
        result: null,
      };
      const credentials = setup();
      await expectAsync(credentials.get(session())).toBeRejectedWithError(
        CredentialsError,
        /server_error/,
      );
      f.webAuth.delegationResult = { error: null, result: { id_token: 'x' } };
      await expectAsync(credentials.get(session())).toBeRejectedWithError(
        CredentialsError,
        /without AWS credentials/,
      );
    });
  });
});
