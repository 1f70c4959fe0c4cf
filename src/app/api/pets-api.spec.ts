import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { fakes, idToken, signIn } from '../../testing/fakes';
import { APIG_FACTORY, ApiError, PetsApi } from './pets-api';

describe('PetsApi', () => {
  let f: ReturnType<typeof fakes>;
  let api: PetsApi;
  const buyerToken = idToken('amazon|b', 'buyer@example.com');
  beforeEach(() => {
    f = fakes();
    signIn(f.storage, buyerToken);
    TestBed.configureTestingModule({ providers: [...f.providers, provideRouter([])] });
    api = TestBed.inject(PetsApi);
  });

  it('lists the pets unsigned and keeps the ETag', async () => {
    const catalogue = await api.list();
    expect(catalogue.pets.length).toBe(3);
    expect(catalogue.etag).toBe('"v1"');
    expect(f.apig.calls[0]).toEqual(
      jasmine.objectContaining({
        method: 'GET',
        path: '/test/pets',
        config: { invokeUrl: 'http://localhost:4566/test', region: 'us-east-1' },
      }),
    );
    expect(f.sts.calls.length).toBe(0);
  });

  it('signs a purchase with the role credentials and sends the ID token', async () => {
    const catalogue = await api.purchase(1);
    expect(catalogue.pets.find((p) => p.id === 1)?.soldTo).toBe('buyer@example.com');
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

  it('posts the whole list with the concurrency token', async () => {
    const { pets, etag } = await api.list();
    const saved = await api.save(pets.slice(1), etag);
    expect(saved.etag).toBe('"v2"');
    expect(f.apig.calls[1].body).toEqual({ pets: pets.slice(1), etag: '"v1"' });
  });

  it('gives 409 with the server message when the token is stale', async () => {
    const error = await api.save([], '"v0"').catch((e: ApiError) => e);
    expect(error).toEqual(jasmine.any(ApiError));
    expect((error as ApiError).conflict).toBeTrue();
    expect((error as ApiError).message).toBe('The catalogue has changed.');
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
    await expectAsync(api.list()).toBeRejectedWithError(ApiError, /could not be reached/);
    f.apig.unreachable = false;
    f.apig.pets = [{ id: 'x' } as never];
    await expectAsync(api.list()).toBeRejectedWithError(ApiError, /does not understand/);
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

  it('reports a client that cannot be loaded', async () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [
        ...f.providers,
        provideRouter([]),
        { provide: APIG_FACTORY, useValue: () => Promise.reject(new Error('chunk')) },
      ],
    });
    await expectAsync(TestBed.inject(PetsApi).list()).toBeRejectedWithError(
      ApiError,
      /could not load/,
    );
  });
});
