// The app's test fixtures, wired: fakes for the three SDK boundaries (auth0-js
// WebAuth, the STS client and aws-api-gateway-client), injected through the app's
// tokens. Everything above the boundary (the app's services and components) runs for
// real in the tests.
import type { Provider } from '@angular/core';
import { APIG_FACTORY, PUBLIC_FETCH } from '../app/api/pets-api';
import { WEB_AUTH_FACTORY } from '../app/auth/auth0-client';
import { SESSION_KEY } from '../app/auth/session';
import { SESSION_STORAGE } from '../app/auth/storage';
import { type AppConfig, provideAppConfig } from '../app/config/app-config';
import { STS_SDK } from '../app/credentials/sts';
import { FakeApig } from './fake-apig';
import { FakeSts } from './fake-sts';
import { FakeWebAuth } from './fake-web-auth';
import { MemoryStorage } from './memory-storage';
import { idToken } from './tokens';

export const testConfig = (overrides: Partial<AppConfig['credentials']> = {}): AppConfig => ({
  auth0: { domain: 'http://localhost:4400', clientId: 'pets-spa' },
  api: { invokeUrl: 'http://localhost:4566/test', region: 'us-east-1' },
  credentials: {
    mode: 'web-identity',
    stsEndpoint: 'http://localhost:4566',
    roles: {
      admin: 'arn:aws:iam::000000000000:role/pets-admin',
      buyer: 'arn:aws:iam::000000000000:role/pets-buyer',
    },
    ...overrides,
  },
});

export interface Fakes {
  webAuth: FakeWebAuth;
  sts: FakeSts;
  apig: FakeApig;
  storage: MemoryStorage;
  providers: Provider[];
}

/** Providers for TestBed with every SDK faked at its boundary. */
export function fakes(config: AppConfig = testConfig()): Fakes {
  const webAuth = new FakeWebAuth();
  const sts = new FakeSts();
  const apig = new FakeApig();
  const storage = new MemoryStorage();
  const { admin, buyer } = config.credentials.roles;
  apig.roleOf = (accessKeyId) => {
    const arn = sts.issued.get(accessKeyId);
    return arn === admin ? 'admin' : arn === buyer ? 'buyer' : undefined;
  };
  return {
    webAuth,
    sts,
    apig,
    storage,
    providers: [
      provideAppConfig(config),
      { provide: SESSION_STORAGE, useValue: storage },
      {
        provide: WEB_AUTH_FACTORY,
        useValue: async (options: Record<string, unknown>) => {
          webAuth.options = options;
          return webAuth;
        },
      },
      { provide: STS_SDK, useValue: async () => sts.sdk },
      { provide: APIG_FACTORY, useValue: async () => apig },
      { provide: PUBLIC_FETCH, useValue: apig.fetchFor(config.api.invokeUrl) },
    ],
  };
}

/** Stores a session the way Auth does, so a test starts signed in. */
export function signIn(storage: Storage, token = idToken()): void {
  storage.setItem(SESSION_KEY, JSON.stringify({ idToken: token }));
}

/** Lets pending promises and zero-delay timers settle. */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve));
}
