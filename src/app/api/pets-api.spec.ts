import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { listingTag } from '../../../api/pet';
import { idTokenMaxAgeSeconds } from '../../../api/id-token';
import { manyPets } from '../../testing/fake-pet-api';
import { fakes, signIn, testConfig } from '../../testing/fakes';
import { idToken, jwt } from '../../testing/tokens';
import {
  APIG_FACTORY,
  ApiError,
  MINE_PAGES,
  OWN_WRITES_KEY,
  OWN_WRITES_MS,
  PetsApi,
  ifMatchOf,
} from './pets-api';

describe('PetsApi', () => {
  let f: ReturnType<typeof fakes>;
  let api: PetsApi;
  const buyerToken = idToken('amazon|b', 'buyer@example.com');
  const adminToken = idToken('auth0|a', 'admin@example.com');
  /** Starts over signed in with another token (the gateway checks each call's role). */
  function signInAs(token: string) {
    f.storage.clear();
    signIn(f.storage, token);
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    api = TestBed.inject(PetsApi);
  }
  beforeEach(() => {
    f = fakes();
    signInAs(buyerToken);
  });

  it('reads one page unsigned, with the query and the next cursor from Link', async () => {
    f.apig.pets = manyPets(7);
    const page = await api.page({ limit: 3, sort: '-id', type: 'dog', status: 'available' });
    expect(f.apig.calls[0]).toEqual(
      jasmine.objectContaining({
        method: 'GET',
        path: '/test/pets',
        query: { limit: '3', sort: '-id', type: 'dog', status: 'available' },
        headers: {},
        // The browser's fetch, with nothing to sign with.
        config: { invokeUrl: 'http://localhost:4566/test' },
      }),
    );
    expect(f.sts.calls.length).toBe(0);
    expect(page.pets.map((p) => p.id)).toEqual([5]);
    expect(page.next).toBeUndefined();

    const first = await api.page({ limit: 3 });
    expect(first.pets.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(first.next).toEqual(jasmine.any(String));
    const second = await api.page({ limit: 3, cursor: first.next });
    expect(f.apig.calls[2].query).toEqual({ limit: '3', cursor: first.next! });
    expect(second.pets.map((p) => p.id)).toEqual([4, 5, 6]);
  });

  describe('with a public URL (the CDN)', () => {
    const publicUrl = 'http://localhost:4200/test';
    const invokeUrl = 'http://localhost:4566/test';
    const base = (n: number) => f.apig.calls[n]?.config.invokeUrl;
    beforeEach(() => {
      const config = testConfig();
      f = fakes({ ...config, api: { ...config.api, publicUrl } });
      signInAs(buyerToken);
      jasmine.clock().install();
      jasmine.clock().mockDate(new Date());
    });
    afterEach(() => jasmine.clock().uninstall());

    it('reads every public page through it, unsigned, the next page too', async () => {
      f.apig.pets = manyPets(7);
      const first = await api.page({ limit: 3 });
      await api.page({ limit: 3, cursor: first.next });
      expect([base(0), base(1)]).toEqual([publicUrl, publicUrl]);
      expect(f.apig.calls[1].query).toEqual({ limit: '3', cursor: first.next! });
      expect(f.apig.calls[1].config.accessKey).toBeUndefined();
    });

    it('reads from the invoke URL for a while after the user’s own write, then through it again', async () => {
      await api.page({});
      await api.purchase(1);
      expect(base(1)).toBe(invokeUrl);
      await api.page({});
      expect(base(2)).toBe(invokeUrl);
      jasmine.clock().tick(OWN_WRITES_MS - 1);
      await api.page({});
      expect(base(3)).toBe(invokeUrl);
      jasmine.clock().tick(1);
      await api.page({});
      expect(base(4)).toBe(publicUrl);
      expect(OWN_WRITES_MS).toBe(10_000);
    });

    it('keeps to that window after a reload of the page (a new app in the same tab)', async () => {
      await api.purchase(1);
      TestBed.resetTestingModule();
      TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
      const reloaded = TestBed.inject(PetsApi);
      await reloaded.page({});
      expect(base(1)).toBe(invokeUrl);
      jasmine.clock().tick(OWN_WRITES_MS);
      await reloaded.page({});
      expect(base(2)).toBe(publicUrl);
    });

    it('forgets that window at logout (the top bar asks): nothing of it is left', async () => {
      await api.purchase(1);
      expect(f.storage.getItem(OWN_WRITES_KEY)).not.toBeNull();
      api.forgetOwnWrites();
      expect(f.storage.getItem(OWN_WRITES_KEY)).toBeNull();
      await api.page({});
      expect(base(1)).toBe(publicUrl);
    });

    it('reads from the invoke URL after a refused write too, and whenever asked to be fresh', async () => {
      signInAs(adminToken);
      await api.remove({ id: 2, type: 'cat', price: 1 }).catch(() => undefined);
      await api.page({});
      expect(base(1)).toBe(invokeUrl);
      jasmine.clock().tick(OWN_WRITES_MS);
      await api.page({}, { fresh: true });
      expect(base(2)).toBe(invokeUrl);
    });
  });

  it('signs a purchase with the role credentials and sends the ID token', async () => {
    const pets = await api.purchase(1);
    expect(pets.find((p) => p.id === 1)).toEqual(
      jasmine.objectContaining({ isSold: true, soldTo: 'buyer@example.com' }),
    );
    const call = f.apig.calls[0];
    expect(call.body).toEqual({ petId: 1, authToken: buyerToken });
    expect(call.config).toEqual(
      jasmine.objectContaining({
        accessKey: 'ASIA1',
        secretKey: 'secret1',
        sessionToken: 'token1',
        host: 'localhost:4566',
      }),
    );
  });

  it('creates a pet with PUT and If-None-Match, signed', async () => {
    signInAs(adminToken);
    const result = await api.put({ id: 9, type: 'owl', price: 30 }, { createOnly: true });
    expect(result).toEqual({
      pet: { id: 9, type: 'owl', price: 30 },
      created: true,
      etag: ifMatchOf({ id: 9, type: 'owl', price: 30 }),
    });
    const call = f.apig.calls[0];
    expect(call).toEqual(
      jasmine.objectContaining({
        method: 'PUT',
        path: '/test/pets/9',
        headers: { 'If-None-Match': '*' },
        body: { type: 'owl', price: 30 },
      }),
    );
    expect(call.config.accessKey).toBe('ASIA1');
    const taken = (await api
      .put({ id: 9, type: 'owl', price: 31 }, { createOnly: true })
      .catch((e) => e)) as ApiError;
    expect(taken.status).toBe(409);
    expect(f.apig.pets.find((p) => p.id === 9)?.price).toBe(30);
  });

  it('updates a pet with a plain PUT', async () => {
    signInAs(adminToken);
    const result = await api.put({ id: 2, type: 'cat', price: 99 });
    expect(result.created).toBeFalse();
    expect(f.apig.calls[0].headers).toEqual({});
  });

  it('removes a pet with If-Match: its quoted listing tag', async () => {
    signInAs(adminToken);
    const dog = { id: 1, type: 'dog', price: 249.99 };
    await api.remove(dog);
    expect(f.apig.calls[0]).toEqual(
      jasmine.objectContaining({
        method: 'DELETE',
        path: '/test/pets/1',
        headers: { 'If-Match': `"${listingTag(dog)}"` },
      }),
    );
    expect(f.apig.pets.some((p) => p.id === 1)).toBeFalse();
  });

  it('gives 409 and 404 with the server message', async () => {
    signInAs(adminToken);
    const stale = await api.remove({ id: 2, type: 'cat', price: 1 }).catch((e: ApiError) => e);
    expect(stale).toEqual(jasmine.any(ApiError));
    expect((stale as ApiError).conflict).toBeTrue();
    expect((stale as ApiError).message).toBe('That pet has changed.');
    const missing = (await api.remove({ id: 42, type: 'x', price: 1 }).catch((e) => e)) as ApiError;
    expect(missing.status).toBe(404);
    expect(missing.conflict).toBeFalse();
  });

  it("reads an admin's page of sales, signed, with the next cursor from Link", async () => {
    signInAs(adminToken);
    f.apig.pets = manyPets(7).map((p) => ({ ...p, isSold: p.id > 2, soldTo: `b${p.id}@x.org` }));
    const first = await api.sales({ limit: 3 });
    expect(first.pets.map((p) => [p.id, p.soldTo])).toEqual([
      [7, 'b7@x.org'],
      [6, 'b6@x.org'],
      [5, 'b5@x.org'],
    ]);
    const call = f.apig.calls[0];
    expect(call).toEqual(
      jasmine.objectContaining({ method: 'GET', path: '/test/pets/sales', query: { limit: '3' } }),
    );
    expect(call.config).toEqual(
      jasmine.objectContaining({ accessKey: 'ASIA1', host: 'localhost:4566' }),
    );
    expect(f.sts.calls[0].input.RoleArn).toContain('pets-admin');
    const second = await api.sales({ limit: 3, cursor: first.next });
    expect(f.apig.calls[1].query).toEqual({ limit: '3', cursor: first.next! });
    expect(second.pets.map((p) => p.id)).toEqual([4, 3]);
    expect(second.next).toBeUndefined();
  });

  it("reads a buyer's own purchases, signed, sending the ID token", async () => {
    f.apig.pets[0] = { ...f.apig.pets[0]!, isSold: true, soldTo: 'buyer@example.com' };
    const mine = await api.mine();
    expect(mine).toEqual([
      { id: 1, type: 'dog', price: 249.99, isSold: true, soldTo: 'buyer@example.com' },
    ]);
    const call = f.apig.calls[0];
    expect(call).toEqual(
      jasmine.objectContaining({
        method: 'POST',
        path: '/test/pets/mine',
        body: { authToken: buyerToken },
      }),
    );
    expect(call.config.accessKey).toBe('ASIA1');
    expect(call.query).toEqual({});
    expect(f.sts.calls[0].input.RoleArn).toContain('pets-buyer');
  });

  it("follows the Link of a buyer's purchases past one answer, with the same body", async () => {
    f.apig.pets = manyPets(7).map((p) => ({ ...p, isSold: true, soldTo: 'buyer@example.com' }));
    f.apig.mineLimit = 3;
    const mine = await api.mine();
    expect(mine.map((p) => p.id)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    const calls = f.apig.callsOf('POST', '/test/pets/mine');
    expect(calls.length).toBe(3);
    expect(calls[1].query).toEqual({ cursor: jasmine.any(String) });
    expect(
      calls.every((c) => (c.body as { authToken: string }).authToken === buyerToken),
    ).toBeTrue();

    f.apig.pets = manyPets(MINE_PAGES * 3 + 5).map((p) => ({
      ...p,
      isSold: true,
      soldTo: 'buyer@example.com',
    }));
    expect((await api.mine()).length).toBe(MINE_PAGES * 3);
  });

  it("is refused each role's view by the other's role, and the views without a token", async () => {
    const buyerAsking = (await api.sales({}).catch((e) => e)) as ApiError;
    expect([buyerAsking.status, buyerAsking.errorType]).toEqual([403, 'AccessDeniedException']);
    signInAs(adminToken);
    const adminAsking = (await api.mine().catch((e) => e)) as ApiError;
    expect([adminAsking.status, adminAsking.errorType]).toEqual([403, 'AccessDeniedException']);
    f.storage.clear();
    signInAs(idToken('amazon|b', 'buyer@example.com', -10));
    await expectAsync(api.mine()).toBeRejectedWith(jasmine.objectContaining({ status: 401 }));
  });

  it('renews credentials once and retries when the gateway no longer knows them', async () => {
    f.apig.refusals.push({
      status: 403,
      data: { message: 'The security token included in the request is invalid.' },
      headers: { 'x-amzn-errortype': 'UnrecognizedClientException:http://internal' },
    });
    await api.purchase(2);
    expect(f.apig.calls.length).toBe(2);
    expect(f.sts.calls.length).toBe(2);
    expect(f.apig.calls[1].config.accessKey).toBe('ASIA2');
  });

  it('does not retry twice, nor on other refusals', async () => {
    const stale = {
      status: 403,
      data: { Message: 'expired' },
      headers: { 'x-amzn-errortype': 'ExpiredTokenException' },
    };
    f.apig.refusals.push(stale, stale);
    const error = (await api.purchase(2).catch((e) => e)) as ApiError;
    expect(error.errorType).toBe('ExpiredTokenException');
    expect(error.message).toBe('expired');
    expect(f.apig.calls.length).toBe(2);

    f.apig.refusals.push({
      status: 403,
      data: null,
      headers: { 'x-amzn-errortype': 'AccessDeniedException' },
    });
    const denied = (await api.purchase(2).catch((e) => e)) as ApiError;
    expect(denied.errorType).toBe('AccessDeniedException');
    expect(denied.message).toBe('The pet store answered 403.');
    expect(f.apig.calls.length).toBe(3);
  });

  it('reports an unreachable API and a malformed answer', async () => {
    f.apig.unreachable = true;
    await expectAsync(api.page({})).toBeRejectedWithError(ApiError, /could not be reached/);
    f.apig.unreachable = false;
    f.apig.pets = [{ id: 'x' } as never];
    await expectAsync(api.page({})).toBeRejectedWithError(ApiError, /does not understand/);
    f.apig.refusals.push({ status: 500, data: 'oops' });
    await expectAsync(api.page({})).toBeRejectedWithError(ApiError, 'The pet store answered 500.');
  });

  it('renews an ID token the Lambdas would find too old before a purchase, and sends the new one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'amazon|b', email: 'buyer@example.com', aud: 'pets-spa' };
    signInAs(jwt({ ...claims, iat: now - idTokenMaxAgeSeconds, exp: now + 3600 }));
    const renewed = jwt({ ...claims, iat: now, exp: now + 36000 });
    f.webAuth.sessionResult = { error: null, result: { idToken: renewed } };
    await api.purchase(1);
    expect(f.webAuth.checkSessionOptions.length).toBe(1);
    expect(f.apig.callsOf('POST', '/test/pets/purchase')[0]!.body).toEqual({
      petId: 1,
      authToken: renewed,
    });
    await api.mine();
    expect(f.webAuth.checkSessionOptions.length).toBe(1);
    expect(f.apig.callsOf('POST', '/test/pets/mine')[0]!.body).toEqual({ authToken: renewed });
  });

  it('refuses to purchase without a valid ID token', async () => {
    f.storage.clear();
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    await expectAsync(TestBed.inject(PetsApi).purchase(1)).toBeRejectedWithError(
      ApiError,
      /expired/,
    );
  });

  it('reports PUT and purchase answers that are not what they should be', async () => {
    TestBed.resetTestingModule();
    const client = { invokeApi: async () => ({ status: 200, data: { id: 1 }, headers: {} }) };
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([]),
        { provide: APIG_FACTORY, useValue: async () => ({ newClient: () => client }) },
      ],
    });
    const pets = TestBed.inject(PetsApi);
    await expectAsync(pets.put({ id: 1, type: 'dog', price: 1 })).toBeRejectedWithError(
      ApiError,
      /does not understand/,
    );
    await expectAsync(pets.purchase(1)).toBeRejectedWithError(ApiError, /does not understand/);
    await expectAsync(pets.mine()).toBeRejectedWithError(ApiError, /does not understand/);
    await expectAsync(pets.sales({})).toBeRejectedWithError(ApiError, /does not understand/);
  });

  it('reports a client that cannot be loaded, which the public read does not need', async () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([]),
        { provide: APIG_FACTORY, useValue: () => Promise.reject(new Error('chunk')) },
      ],
    });
    await expectAsync(TestBed.inject(PetsApi).purchase(1)).toBeRejectedWithError(
      ApiError,
      /could not load/,
    );
    expect((await TestBed.inject(PetsApi).page({})).pets.length).toBe(3);
  });
});
