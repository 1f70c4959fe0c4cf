// Fakes for the three SDK boundaries (auth0-js WebAuth, the STS client and
// aws-api-gateway-client), injected through the app's tokens. Everything above the
// boundary (the app's services and components) runs for real in the tests.
import type { Provider } from '@angular/core';
import type { ApigClientConfig, ApigResponse } from 'aws-api-gateway-client';
import { matchRoute } from '../../api/http-api';
import { type RoleName, databaseSub } from '../../api/roles';
import { type Pet, listingTag, toPublicPet } from '../../api/pet';
import type { PetSort } from '../../api/pet-query';
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
  /** The role ARN each issued access key id belongs to (the gateway's view of a caller). */
  issued = new Map<string, string>();
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
        fake.issued.set(`ASIA${fake.counter}`, command.input.RoleArn);
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
  /** The headers the app asked the client to send (and sign). */
  headers: Record<string, string>;
  /** The query parameters. */
  query: Record<string, string>;
}

interface Refusal {
  status: number;
  data: unknown;
  headers?: Record<string, string>;
}

/** `count` pets with ids from `firstId`, types cycling through a few, prices by id. */
export function manyPets(count: number, firstId = 1): Pet[] {
  const types = ['dog', 'cat', 'fish', 'parrot', 'hamster'];
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    return { id, type: types[id % types.length]!, price: (id * 37) % 1000 };
  });
}

const sorters: Record<PetSort, (a: Pet, b: Pet) => number> = {
  id: (a, b) => a.id - b.id,
  '-id': (a, b) => b.id - a.id,
  price: (a, b) => a.price - b.price || a.id - b.id,
  '-price': (a, b) => b.price - a.price || b.id - a.id,
};

/**
 * aws-api-gateway-client over an in-memory store that behaves like the Secure
 * Pets API: `GET /pets` in pages (filters, sorts, opaque cursors in a `Link`
 * header), `PUT` and `DELETE /pets/{id}` with their conditional headers, a
 * purchase that marks a pet sold, and the two views of buyers: `GET /pets/sales`
 * (paged like `GET /pets`) and `POST /pets/mine` (the ID token's own). Like the
 * public API, `GET /pets` never carries `soldTo`. Like the gateway, a signed route
 * refuses a caller whose role may not invoke it (when `roleOf` knows the caller).
 */
export class FakeApig {
  calls: ApigCall[] = [];
  pets: Pet[] = [
    { id: 1, type: 'dog', price: 249.99 },
    { id: 2, type: 'cat', price: 124.99 },
    { id: 3, type: 'fish', price: 0.99, isSold: true, soldTo: 'someone@example.com' },
  ];
  /** Pets per answer of `POST /pets/mine` (the real one: 1000). */
  mineLimit = 1000;
  /** The role of a caller's access key id, as IAM sees it (set by `fakes()`). */
  roleOf?: (accessKeyId: string) => RoleName | undefined;
  /** Refusals answered before the store is consulted, one per call. */
  refusals: Refusal[] = [];
  /** Run before the store answers a call (to simulate another user's write). */
  beforeNext: (() => void)[] = [];
  /** Calls that wait for `release()` before answering (to observe loading states). */
  held: (() => void)[] = [];
  /** Hold every call, or the calls this says to hold. */
  hold: boolean | ((call: ApigCall) => boolean) = false;
  unreachable = false;

  /** The calls of one method (and path, when given). */
  callsOf(method: string, path?: string): ApigCall[] {
    return this.calls.filter((c) => c.method === method && (path === undefined || c.path === path));
  }

  /** Lets the held calls answer. */
  release(): void {
    this.hold = false;
    for (const go of this.held.splice(0)) go();
  }

  newClient(config: ApigClientConfig) {
    return {
      invokeApi: async (
        params: Record<string, string>,
        pathTemplate: string,
        method: string,
        extra?: { headers?: Record<string, string>; queryParams?: Record<string, string> },
        body?: unknown,
      ): Promise<ApigResponse> => {
        // Like the real client: the invoke URL's path (the stage) prefixes the template,
        // whose {parameters} are filled in from `params`.
        const path =
          new URL(config.invokeUrl).pathname.replace(/\/$/, '') +
          pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(params[name] ?? ''),
          );
        const call: ApigCall = {
          config,
          path,
          method,
          body,
          headers: { ...extra?.headers },
          query: { ...extra?.queryParams },
        };
        this.calls.push(call);
        await Promise.resolve();
        const hold = typeof this.hold === 'function' ? this.hold(call) : this.hold;
        if (hold) await new Promise<void>((go) => this.held.push(go));
        if (this.unreachable) throw new Error('Network Error');
        this.beforeNext.shift()?.();
        const refusal = this.refusals.shift();
        if (refusal) throw { response: { headers: {}, ...refusal } };
        return this.answer(call);
      },
    };
  }

  private refuse(status: number, message: string): never {
    throw { response: { status, data: { message }, headers: {} } };
  }

  /** The gateway's IAM check: a signed route answers only the roles its policy names. */
  private authorize({ config, path, method }: ApigCall): void {
    const route = matchRoute(method, path.replace(/^\/test/, ''))?.route;
    if (!route || route.auth === 'NONE' || !this.roleOf) return;
    if (!config.accessKey) {
      throw {
        response: {
          status: 403,
          data: { message: 'Missing Authentication Token' },
          headers: { 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
        },
      };
    }
    const role = this.roleOf(config.accessKey);
    if (role && !route.roles.includes(role)) {
      throw {
        response: {
          status: 403,
          data: { message: `User: ${role} is not authorized to perform: execute-api:Invoke` },
          headers: { 'x-amzn-errortype': 'AccessDeniedException' },
        },
      };
    }
  }

  /** The email of the (unsigned, faked) ID token in a body, as the Lambdas verify it. */
  private emailOf(body: unknown): string {
    const token = (body as { authToken?: unknown } | null)?.authToken;
    try {
      const payload = (token as string).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
      const email = (JSON.parse(atob(payload)) as { email?: unknown }).email;
      if (typeof email === 'string' && email !== '') return email;
    } catch {
      // refused below
    }
    return this.refuse(401, 'Missing or invalid authToken.');
  }

  private answer(call: ApigCall): ApigResponse {
    const { config, path, method, body, headers, query } = call;
    this.authorize(call);
    const item = /^\/test\/pets\/(\d+)$/.exec(path);
    if (method === 'GET' && path === '/test/pets') return this.page(config.invokeUrl, query);
    if (method === 'GET' && path === '/test/pets/sales') return this.sales(config.invokeUrl, query);
    if (method === 'POST' && path === '/test/pets/mine') {
      const email = this.emailOf(body);
      const mine = this.pets.filter((p) => p.isSold && p.soldTo === email).sort(sorters['-id']);
      return this.paged(`${config.invokeUrl}/pets/mine`, mine, {
        limit: String(this.mineLimit),
        ...query,
      });
    }
    if (method === 'PUT' && item) return this.put(Number(item[1]), body as Pet, headers);
    if (method === 'DELETE' && item) return this.delete(Number(item[1]), headers);
    if (method === 'POST' && path === '/test/pets/purchase') {
      const { petId } = body as { petId: number };
      const buyer = this.emailOf(body);
      const pet = this.pets.find((p) => p.id === petId);
      if (!pet) this.refuse(404, 'That pet is not available.');
      if (pet.isSold) this.refuse(409, 'That pet is not available.');
      pet.isSold = true;
      pet.soldTo = buyer;
      // At most 1000 pets; soldTo only on the one just bought.
      const others = this.pets
        .filter((p) => p.id !== petId)
        .slice(0, 999)
        .map(toPublicPet);
      return { status: 200, data: [structuredClone(pet), ...others], headers: {} };
    }
    return this.refuse(404, 'Not found');
  }

  private page(invokeUrl: string, query: Record<string, string>): ApigResponse {
    const sort = (query['sort'] ?? 'id') as PetSort;
    if (!sorters[sort]) this.refuse(400, 'Bad query.');
    const matching = this.pets
      .filter((p) => query['type'] === undefined || p.type === query['type'])
      .filter((p) => query['status'] !== 'available' || !p.isSold)
      .filter((p) => query['status'] !== 'sold' || p.isSold)
      .sort(sorters[sort]);
    return this.paged(`${invokeUrl}/pets`, matching.map(toPublicPet), query);
  }

  /** The sold pets with their buyers, newest id first. */
  private sales(invokeUrl: string, query: Record<string, string>): ApigResponse {
    const sold = this.pets.filter((p) => p.isSold).sort(sorters['-id']);
    return this.paged(`${invokeUrl}/pets/sales`, sold, query);
  }

  /** One page of a list, with opaque cursors and a `Link` to the next page. */
  private paged(url: string, list: Pet[], query: Record<string, string>): ApigResponse {
    const limit = Number(query['limit'] ?? 1000);
    const offset = query['cursor'] ? Number(atob(query['cursor'])) : 0;
    if (!(limit >= 1 && limit <= 1000) || Number.isNaN(offset)) this.refuse(400, 'Bad query.');
    const pets = list.slice(offset, offset + limit);
    const responseHeaders: Record<string, string> = {};
    if (offset + limit < list.length) {
      const next = new URL(url);
      for (const [k, v] of Object.entries({ ...query, cursor: btoa(String(offset + limit)) })) {
        next.searchParams.set(k, v);
      }
      responseHeaders['link'] = `<${next.href}>; rel="next"`;
    }
    return { status: 200, data: structuredClone(pets), headers: responseHeaders };
  }

  private put(id: number, body: Pet, headers: Record<string, string>): ApigResponse {
    const index = this.pets.findIndex((p) => p.id === id);
    if (index >= 0 && headers['If-None-Match'] === '*') this.refuse(409, 'That pet exists.');
    if (index >= 0 && this.pets[index]!.isSold) this.refuse(409, 'That pet is sold.');
    const pet: Pet = { id, type: body.type, price: body.price };
    if (index >= 0) this.pets[index] = pet;
    else this.pets.push(pet);
    return {
      status: index >= 0 ? 200 : 201,
      data: structuredClone(pet),
      headers: { etag: `"${listingTag(pet)}"` },
    };
  }

  private delete(id: number, headers: Record<string, string>): ApigResponse {
    const pet = this.pets.find((p) => p.id === id);
    if (!pet) this.refuse(404, 'No such pet.');
    if (pet.isSold) this.refuse(409, 'That pet is sold.');
    const ifMatch = headers['If-Match'];
    if (ifMatch !== undefined && ifMatch !== `"${listingTag(pet)}"`) {
      this.refuse(409, 'That pet has changed.');
    }
    this.pets = this.pets.filter((p) => p.id !== id);
    return { status: 204, data: '', headers: {} };
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
