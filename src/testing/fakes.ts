// Fakes for the three SDK boundaries (auth0-js WebAuth, the STS client and
// aws-api-gateway-client), injected through the app's tokens. Everything above the
// boundary (the app's services and components) runs for real in the tests.
import type { Provider } from '@angular/core';
import type { ApigClientConfig, ApigResponse } from 'aws-api-gateway-client';
import { databaseSub } from '../../api/roles';
import type { Pet } from '../../api/pet';
import { APIG_FACTORY } from '../app/api/pets-api';
import { type Auth0ErrorLike, WEB_AUTH_FACTORY, type WebAuthLike } from '../app/auth/auth0-client';
import { SESSION_STORAGE } from '../app/auth/storage';
import { type AppConfig, provideAppConfig } from '../app/config/app-config';
import { type AssumeRoleOutput, STS_SDK, type StsSdk } from '../app/credentials/sts';

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

const b64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An unsigned JWT with the given claims (auth0-js, which checks signatures, is faked). */
export function jwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.c2ln`;
}

export function idToken(
  sub = databaseSub('admin'),
  email = 'admin@example.com',
  lifetimeSeconds = 3600,
): string {
  const now = Math.floor(Date.now() / 1000);
  return jwt({ sub, email, aud: 'pets-spa', iat: now, exp: now + lifetimeSeconds });
}

/** An in-memory Storage, so tests never touch the real sessionStorage. */
export class MemoryStorage implements Storage {
  private readonly data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  key(index: number) {
    return [...this.data.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
  setItem(key: string, value: string) {
    this.data.set(key, String(value));
  }
}

type Callback<T> = (error: Auth0ErrorLike | null, result: T | null) => void;

export class FakeWebAuth implements WebAuthLike {
  options?: Record<string, unknown>;
  authorized: (Record<string, unknown> | undefined)[] = [];
  loggedOut: { returnTo: string; clientID?: string }[] = [];
  parsedHashes: string[] = [];
  checkSessionOptions: Record<string, unknown>[] = [];
  delegations: Record<string, unknown>[] = [];
  hashResult: { error: Auth0ErrorLike | null; result: Record<string, unknown> | null } = {
    error: null,
    result: null,
  };
  sessionResult: { error: Auth0ErrorLike | null; result: Record<string, unknown> | null } = {
    error: { error: 'login_required' },
    result: null,
  };
  delegationResult: { error: Auth0ErrorLike | null; result: unknown } = {
    error: null,
    result: null,
  };

  authorize(options?: Record<string, unknown>) {
    this.authorized.push(options);
  }
  parseHash(options: { hash?: string }, cb: Callback<never>) {
    this.parsedHashes.push(options.hash ?? '');
    setTimeout(() => cb(this.hashResult.error, this.hashResult.result as never));
  }
  checkSession(options: Record<string, unknown>, cb: Callback<never>) {
    this.checkSessionOptions.push(options);
    setTimeout(() => cb(this.sessionResult.error, this.sessionResult.result as never));
  }
  logout(options: { returnTo: string; clientID?: string }) {
    this.loggedOut.push(options);
  }
  client = {
    delegation: (options: Record<string, unknown>, cb: Callback<unknown>) => {
      this.delegations.push(options);
      setTimeout(() => cb(this.delegationResult.error, this.delegationResult.result));
    },
  };
}

export interface StsCall {
  config: { region: string; endpoint?: string };
  input: {
    RoleArn: string;
    RoleSessionName: string;
    WebIdentityToken: string;
    DurationSeconds?: number;
  };
}

export class FakeSts {
  calls: StsCall[] = [];
  /** What the next calls answer: credentials expiring after `lifetimeMs`, or an error. */
  lifetimeMs = 3600_000;
  error: unknown = null;
  private counter = 0;

  readonly sdk: StsSdk = (() => {
    const fake = this as FakeSts;
    class Command {
      constructor(readonly input: StsCall['input']) {}
    }
    class Client {
      constructor(readonly config: StsCall['config']) {}
      async send(command: Command): Promise<AssumeRoleOutput> {
        fake.calls.push({ config: this.config, input: command.input });
        if (fake.error) throw fake.error;
        fake.counter += 1;
        return {
          Credentials: {
            AccessKeyId: `ASIA${fake.counter}`,
            SecretAccessKey: `secret${fake.counter}`,
            SessionToken: `token${fake.counter}`,
            Expiration: new Date(Date.now() + fake.lifetimeMs),
          },
        };
      }
    }
    return {
      STSClient: Client,
      AssumeRoleWithWebIdentityCommand: Command,
    } as unknown as StsSdk;
  })();
}

export interface ApigCall {
  config: ApigClientConfig;
  path: string;
  method: string;
  body: unknown;
}

interface Refusal {
  status: number;
  data: unknown;
  headers?: Record<string, string>;
}

/**
 * aws-api-gateway-client over an in-memory store that behaves like the Secure
 * Pets API: ETag concurrency token, 409 on a stale one, purchase marks a pet sold.
 */
export class FakeApig {
  calls: ApigCall[] = [];
  pets: Pet[] = [
    { id: 1, type: 'dog', price: 249.99 },
    { id: 2, type: 'cat', price: 124.99 },
    { id: 3, type: 'fish', price: 0.99, isSold: true, soldTo: 'buyer@example.com' },
  ];
  version = 1;
  buyer = 'buyer@example.com';
  /** Refusals answered before the store is consulted, one per call. */
  refusals: Refusal[] = [];
  /** Run before the store answers a call (to simulate another user's write). */
  beforeNext: (() => void)[] = [];
  unreachable = false;

  get etag() {
    return `"v${this.version}"`;
  }

  newClient(config: ApigClientConfig) {
    return {
      invokeApi: async (
        _params: Record<string, string>,
        pathTemplate: string,
        method: string,
        _extra?: unknown,
        body?: unknown,
      ): Promise<ApigResponse> => {
        // Like the real client: the invoke URL's path (the stage) prefixes the template.
        const path = new URL(config.invokeUrl).pathname.replace(/\/$/, '') + pathTemplate;
        this.calls.push({ config, path, method, body });
        await Promise.resolve();
        if (this.unreachable) throw new Error('Network Error');
        this.beforeNext.shift()?.();
        const refusal = this.refusals.shift();
        if (refusal) throw { response: { headers: {}, ...refusal } };
        return this.answer(path, method, body as Record<string, unknown>);
      },
    };
  }

  private ok(): ApigResponse {
    return { status: 200, data: structuredClone(this.pets), headers: { etag: this.etag } };
  }

  private refuse(status: number, message: string): never {
    throw { response: { status, data: { message }, headers: {} } };
  }

  private answer(path: string, method: string, body: Record<string, unknown>): ApigResponse {
    if (method === 'GET' && path === '/test/pets') return this.ok();
    if (method === 'POST' && path === '/test/pets') {
      if (body['etag'] !== this.etag) this.refuse(409, 'The catalogue has changed.');
      this.pets = structuredClone(body['pets'] as Pet[]);
      this.version += 1;
      return this.ok();
    }
    if (method === 'POST' && path === '/test/pets/purchase') {
      const pet = this.pets.find((p) => p.id === body['petId']);
      if (!pet) this.refuse(404, 'That pet is not available.');
      if (pet.isSold) this.refuse(409, 'That pet is not available.');
      pet.isSold = true;
      pet.soldTo = this.buyer;
      return this.ok();
    }
    return this.refuse(404, 'Not found');
  }
}

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
    ],
  };
}

/** Stores a session the way Auth does, so a test starts signed in. */
export function signIn(storage: Storage, token = idToken()): void {
  storage.setItem('secure-pets.session', JSON.stringify({ idToken: token }));
}

/** Lets pending promises and zero-delay timers settle. */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve));
}
