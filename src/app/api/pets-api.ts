import { Injectable, InjectionToken, inject } from '@angular/core';
import type { ApigClient, ApigClientConfig, ApigResponse } from 'aws-api-gateway-client';
import { Auth } from '../auth/auth';
import { SESSION_STORAGE } from '../auth/storage';
import type { Session } from '../auth/session';
import { APP_CONFIG } from '../config/app-config';
import { Credentials } from '../credentials/credentials';
import { type Pet, type PetListing, type PetPhoto, listingTag } from '../../../api/pet';
import { type PetQuery, nextCursor, petQueryParams } from '../../../api/pet-query';
import { publicCache } from '../../../api/cdn-cache';

/** One page of `GET /pets`: its pets, the cursor of the next page (none at the end), the ETag. */
export interface PetPage {
  pets: Pet[];
  next?: string;
  etag: string | null;
}

/** Where and how the browser posts a photo to S3 (`POST /pets/{id}/photo`'s answer). */
export interface UploadForm {
  url: string;
  fields: Record<string, string>;
}

/** What `GET /pets/{id}/photo` tells an admin: the photo now, and why the latest upload was refused. */
export interface PhotoState {
  photo?: PetPhoto;
  error?: { key: string; reason: string; at: string };
}

/** A pet as `PUT /pets/{id}` stored it. */
export interface PutResult {
  pet: Pet;
  /** 201: the pet is new (200: an existing listing was updated). */
  created: boolean;
  etag: string | null;
}

/** The conditions of a write, sent as the HTTP conditional headers. */
export interface PutCondition {
  /** `If-None-Match: *`: create only; a pet with that id already there is a 409. */
  createOnly?: boolean;
}

export interface ApigFactory {
  newClient(config: ApigClientConfig): ApigClient;
}

/** Loads aws-api-gateway-client on first use, keeping it (and axios) out of the initial bundle. */
export const APIG_FACTORY = new InjectionToken<() => Promise<ApigFactory>>('APIG_FACTORY', {
  providedIn: 'root',
  factory: () => () => import('./apig-sdk').then((m) => m.apigClientFactory),
});

/**
 * The browser's fetch, for the public read: `GET /pets` needs no signature, so the
 * store front shows its pets without loading the API client (see apig-sdk.ts).
 */
export const PUBLIC_FETCH = new InjectionToken<typeof fetch>('PUBLIC_FETCH', {
  providedIn: 'root',
  factory: () => (input, init) => fetch(input, init),
});

/** A refused call, with the status, the server's message and API Gateway's error type. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly errorType?: string,
  ) {
    super(message);
  }
  get conflict(): boolean {
    return this.status === 409;
  }
}

/** The most pages of `POST /pets/mine` one sign-in reads (1000 purchases each). */
export const MINE_PAGES = 20;

/** Where the end of that window is kept, so that a reload of the page keeps to it. */
export const OWN_WRITES_KEY = 'secure-pets.own-writes-until';

/**
 * After the user's own write, how long public reads skip the CDN: a page a cache (the
 * CDN's, or the browser's copy of a CDN answer) holds from before the write is served
 * for max-age at most, counted from when the cache got it, which may be an origin
 * answer's time after the write; twice max-age covers both. The invoke URL's answers
 * say nothing about caching.
 */
export const OWN_WRITES_MS = 2 * publicCache.maxAgeSeconds * 1000;

/** API Gateway's answers to credentials it no longer accepts: renew them and retry once. */
const STALE_CREDENTIALS = new Set(['UnrecognizedClientException', 'ExpiredTokenException']);

interface AxiosLikeError {
  response?: ApigResponse<{ message?: string; Message?: string } | string | null>;
  message?: string;
}

const unreachable = () =>
  new ApiError(0, 'The pet store could not be reached. Check your connection and try again.');

/** A refusal: the server's message when it sent one, and API Gateway's error type. */
function refused(status: number, data: unknown, errorType: string | null | undefined): ApiError {
  const body = data as { message?: unknown; Message?: unknown } | null;
  const serverMessage =
    typeof body === 'object' && body !== null ? (body.message ?? body.Message) : undefined;
  return new ApiError(
    status,
    typeof serverMessage === 'string' ? serverMessage : `The pet store answered ${status}.`,
    errorType?.split(':')[0],
  );
}

function toApiError(error: unknown): ApiError {
  const response = (error as AxiosLikeError | null)?.response;
  if (!response) return unreachable();
  return refused(response.status, response.data, response.headers['x-amzn-errortype']);
}

function isPet(p: unknown): p is Pet {
  const pet = p as Partial<Pet> | null;
  return (
    typeof pet === 'object' &&
    pet !== null &&
    typeof pet.id === 'number' &&
    typeof pet.type === 'string' &&
    typeof pet.price === 'number'
  );
}

function isPetArray(value: unknown): value is Pet[] {
  return Array.isArray(value) && value.every(isPet);
}

function notUnderstood(status: number): ApiError {
  return new ApiError(status, 'The pet store sent an answer the app does not understand.');
}

/** The `If-Match` value for a pet as the app shows it: its listing tag, quoted as an ETag. */
export function ifMatchOf(pet: PetListing): string {
  return `"${listingTag(pet)}"`;
}

/**
 * The Secure Pets HTTP API: the public reads (`GET /pets`, `GET /pets/{id}`) unsigned
 * with the browser's fetch, the other calls through aws-api-gateway-client, signed with
 * SigV4 using the role's credentials. Conditional headers go
 * through the client's `additionalParams`, so they are signed like every other header
 * it sends. The promises resolve outside Angular's knowledge: callers keep the
 * results in signals.
 */
@Injectable({ providedIn: 'root' })
export class PetsApi {
  private readonly config = inject(APP_CONFIG);
  private readonly auth = inject(Auth);
  private readonly credentials = inject(Credentials);
  private readonly loadFactory = inject(APIG_FACTORY);
  private readonly fetch = inject(PUBLIC_FETCH);
  private readonly storage = inject(SESSION_STORAGE);

  /**
   * One page of pets; `next` is the cursor of the following page, absent on the last
   * one. A plain GET with no header of its own: no credentials, no preflight. Read
   * through the CDN (`api.publicUrl`) when config.json names it, so a crowd costs no
   * Lambda; from the invoke URL when `fresh` is asked (a read that a write depends on)
   * and for a while after the user's own write, so that the user's page shows it at
   * once whatever the caches hold. Cursors from either serve both: the next page's URL
   * is the same page below either base.
   */
  async page(query: PetQuery, { fresh = false }: { fresh?: boolean } = {}): Promise<PetPage> {
    const url = new URL(`${this.publicBase(fresh)}/pets`);
    for (const [name, value] of Object.entries(petQueryParams(query))) {
      url.searchParams.set(name, value);
    }
    const { response, data } = await this.publicGet(url);
    if (!isPetArray(data)) throw notUnderstood(response.status);
    return {
      pets: data,
      next: nextCursor(response.headers.get('link')),
      etag: response.headers.get('etag'),
    };
  }

  /**
   * One pet, public (`GET /pets/{id}`, unsigned); an ApiError of status 404 when there is
   * none. Through the CDN as `page` is, with the same exception for the user's own writes.
   */
  async pet(id: number): Promise<Pet> {
    const url = new URL(`${this.publicBase()}/pets/${encodeURIComponent(String(id))}`);
    const { response, data } = await this.publicGet(url);
    if (!isPet(data)) throw notUnderstood(response.status);
    return data;
  }

  /** Creates or updates one pet (admin): 201 created, 200 updated; 409 when a condition fails. */
  async put(listing: PetListing, condition: PutCondition = {}): Promise<PutResult> {
    const headers: Record<string, string> = condition.createOnly ? { 'If-None-Match': '*' } : {};
    const response = await this.write(this.auth.session(), (client) =>
      client.invokeApi(
        { id: String(listing.id) },
        '/pets/{id}',
        'PUT',
        { headers },
        { type: listing.type, price: listing.price },
      ),
    );
    if (!isPet(response.data)) throw notUnderstood(response.status);
    return {
      pet: response.data,
      created: response.status === 201,
      etag: response.headers['etag'] ?? null,
    };
  }

  /**
   * Removes a pet (admin), only if it is still the listing the user saw (`If-Match`):
   * 404 when it is gone, 409 when it was sold or changed meanwhile.
   */
  async remove(pet: PetListing): Promise<void> {
    await this.write(this.auth.session(), (client) =>
      client.invokeApi(
        { id: String(pet.id) },
        '/pets/{id}',
        'DELETE',
        { headers: { 'If-Match': ifMatchOf(pet) } },
        '',
      ),
    );
  }

  /**
   * Buys a pet (buyer); the server takes the buyer's email from the ID token. The
   * answer is a page of pets that includes the bought one. The session is read once:
   * the token sent and the credentials that sign are the same buyer's.
   */
  async purchase(petId: number): Promise<Pet[]> {
    const session = await this.buyerSession();
    const authToken = session.idToken;
    const response = await this.write(session, (client) =>
      client.invokeApi({}, '/pets/purchase', 'POST', {}, { petId, authToken }),
    );
    if (!isPetArray(response.data)) throw notUnderstood(response.status);
    return response.data;
  }

  /**
   * One page of sold pets with their buyers (admin, signed): `GET /pets/sales`, paged
   * like `GET /pets`. Buyers' emails are personal data: only the admin role may ask.
   */
  async sales(query: Pick<PetQuery, 'limit' | 'cursor'>): Promise<PetPage> {
    const queryParams = petQueryParams({ limit: query.limit, cursor: query.cursor });
    const response = await this.signed(this.auth.session(), (client) =>
      client.invokeApi({}, '/pets/sales', 'GET', { queryParams }, ''),
    );
    if (!isPetArray(response.data)) throw notUnderstood(response.status);
    return {
      pets: response.data,
      next: nextCursor(response.headers['link']),
      etag: response.headers['etag'] ?? null,
    };
  }

  /**
   * The pets sold to the signed-in buyer (buyer, signed): `POST /pets/mine`. Like a
   * purchase, the server takes the buyer from the ID token, never from the browser.
   * An answer holds up to 1000 pets; past that its `Link: rel="next"` names the next
   * page, which gets the same body (at most `MINE_PAGES` pages are read).
   */
  async mine(): Promise<Pet[]> {
    const session = await this.buyerSession();
    const authToken = session.idToken;
    const pets: Pet[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MINE_PAGES; n++) {
      const queryParams = petQueryParams({ cursor });
      const response = await this.signed(session, (client) =>
        client.invokeApi({}, '/pets/mine', 'POST', { queryParams }, { authToken }),
      );
      if (!isPetArray(response.data)) throw notUnderstood(response.status);
      pets.push(...response.data);
      cursor = nextCursor(response.headers['link']);
      if (cursor === undefined) break;
    }
    return pets;
  }

  /**
   * An S3 presigned POST for one upload of a pet's photo (admin): `POST /pets/{id}/photo`.
   * A write: the photo it leads to should show in the user's next public reads.
   */
  async photoForm(petId: number, contentType: string): Promise<UploadForm> {
    const response = await this.write(this.auth.session(), (client) =>
      client.invokeApi({ id: String(petId) }, '/pets/{id}/photo', 'POST', {}, { contentType }),
    );
    const form = response.data as Partial<UploadForm> | null;
    if (typeof form?.url !== 'string' || typeof form.fields !== 'object' || !form.fields) {
      throw notUnderstood(response.status);
    }
    return { url: form.url, fields: form.fields };
  }

  /** A pet's photo and the latest refused upload's reason (admin, signed): `GET /pets/{id}/photo`. */
  async photoState(petId: number): Promise<PhotoState> {
    const response = await this.signed(this.auth.session(), (client) =>
      client.invokeApi({ id: String(petId) }, '/pets/{id}/photo', 'GET', {}, ''),
    );
    if (typeof response.data !== 'object' || response.data === null) {
      throw notUnderstood(response.status);
    }
    return response.data as PhotoState;
  }

  private async client(config: Partial<ApigClientConfig> = {}): Promise<ApigClient> {
    let factory: ApigFactory;
    try {
      factory = await this.loadFactory();
    } catch {
      throw new ApiError(0, 'The app could not load its API client. Check your connection.');
    }
    return factory.newClient({
      invokeUrl: this.config.api.invokeUrl,
      region: this.config.api.region,
      ...config,
    });
  }

  /** The session whose ID token stands for the buyer in a call: fresh enough for the Lambdas. */
  private async buyerSession(): Promise<Session> {
    const session = await this.auth.freshSession();
    if (!session) throw new ApiError(401, 'Your session has expired.');
    return session;
  }

  /**
   * A signed call that may change the catalogue: whatever its outcome (a 409 means
   * someone else's write), the user's next public reads skip the CDN.
   */
  private async write(
    session: Session | null,
    call: (client: ApigClient) => Promise<ApigResponse>,
  ): Promise<ApigResponse> {
    try {
      return await this.signed(session, call);
    } finally {
      this.storage.setItem(OWN_WRITES_KEY, String(Date.now() + OWN_WRITES_MS));
    }
  }

  /**
   * Where a public read goes: through the CDN when config.json names it, unless the
   * read must be fresh or the user wrote within OWN_WRITES_MS.
   */
  private publicBase(fresh = false): string {
    const { publicUrl, invokeUrl } = this.config.api;
    const throughCdn = publicUrl !== undefined && !fresh && Date.now() >= this.ownWritesUntil();
    return (throughCdn ? publicUrl : invokeUrl).replace(/\/$/, '');
  }

  /** A public GET with the browser's fetch; an ApiError for a refusal or no answer. */
  private async publicGet(url: URL): Promise<{ response: Response; data: unknown }> {
    let response: Response;
    let data: unknown;
    try {
      response = await this.fetch(url.href);
      data = await response.json().catch(() => undefined);
    } catch {
      throw unreachable();
    }
    if (!response.ok) {
      throw refused(response.status, data, response.headers.get('x-amzn-errortype'));
    }
    return { response, data };
  }

  /** Ends the window of the user's own writes: it is the user's, and goes at logout. */
  forgetOwnWrites(): void {
    this.storage.removeItem(OWN_WRITES_KEY);
  }

  /** Until when public reads go to the invoke URL (see OWN_WRITES_MS); 0 when never written. */
  private ownWritesUntil(): number {
    return Number(this.storage.getItem(OWN_WRITES_KEY)) || 0;
  }

  /** A call signed with the credentials of `session`'s role. */
  private async signed(
    session: Session | null,
    call: (client: ApigClient) => Promise<ApigResponse>,
  ): Promise<ApigResponse> {
    const attempt = async (renew: boolean) => {
      const c = renew ? await this.credentials.renew(session) : await this.credentials.get(session);
      const client = await this.client({
        accessKey: c.accessKeyId,
        secretKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        // Sign the Host header the browser really sends: the library would sign the
        // bare host name, which breaks on a non-default port (the local gateway).
        host: new URL(this.config.api.invokeUrl).host,
      });
      return this.call(() => call(client));
    };
    try {
      return await attempt(false);
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.status === 403 &&
        STALE_CREDENTIALS.has(error.errorType ?? '')
      ) {
        return attempt(true);
      }
      throw error;
    }
  }

  private async call(call: () => Promise<ApigResponse>): Promise<ApigResponse> {
    try {
      return await call();
    } catch (error) {
      throw toApiError(error);
    }
  }
}
