import { Injectable, InjectionToken, inject } from '@angular/core';
import type { ApigClient, ApigClientConfig, ApigResponse } from 'aws-api-gateway-client';
import { Auth } from '../auth/auth';
import { APP_CONFIG } from '../config/app-config';
import { Credentials } from '../credentials/credentials';
import type { Pet } from '../../../api/pet';

/** The pets and the catalogue's concurrency token (the ETag of the last answer). */
export interface Catalogue {
  pets: Pet[];
  etag: string | null;
}

export interface ApigFactory {
  newClient(config: ApigClientConfig): ApigClient;
}

/** Loads aws-api-gateway-client on first use, keeping it (and axios) out of the initial bundle. */
export const APIG_FACTORY = new InjectionToken<() => Promise<ApigFactory>>('APIG_FACTORY', {
  providedIn: 'root',
  factory: () => () => import('./apig-sdk').then((m) => m.apigClientFactory),
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

/** API Gateway's answers to credentials it no longer accepts: renew them and retry once. */
const STALE_CREDENTIALS = new Set(['UnrecognizedClientException', 'ExpiredTokenException']);

interface AxiosLikeError {
  response?: ApigResponse<{ message?: string; Message?: string } | string | null>;
  message?: string;
}

function toApiError(error: unknown): ApiError {
  const response = (error as AxiosLikeError | null)?.response;
  if (!response) {
    return new ApiError(
      0,
      'The pet store could not be reached. Check your connection and try again.',
    );
  }
  const data = response.data;
  const serverMessage =
    typeof data === 'object' && data !== null ? (data.message ?? data.Message) : undefined;
  const errorType = response.headers['x-amzn-errortype']?.split(':')[0];
  return new ApiError(
    response.status,
    serverMessage ?? `The pet store answered ${response.status}.`,
    errorType,
  );
}

function isPetArray(value: unknown): value is Pet[] {
  return (
    Array.isArray(value) &&
    value.every(
      (p) =>
        typeof p === 'object' &&
        p !== null &&
        typeof p.id === 'number' &&
        typeof p.type === 'string' &&
        typeof p.price === 'number',
    )
  );
}

/**
 * The Secure Pets HTTP API through aws-api-gateway-client: GET unsigned, POSTs
 * signed with SigV4 using the role's credentials.
 */
@Injectable({ providedIn: 'root' })
export class PetsApi {
  private readonly config = inject(APP_CONFIG);
  private readonly auth = inject(Auth);
  private readonly credentials = inject(Credentials);
  private readonly loadFactory = inject(APIG_FACTORY);

  async list(): Promise<Catalogue> {
    const client = await this.client();
    return this.catalogue(() => client.invokeApi({}, '/pets', 'GET', {}, ''));
  }

  /** Replaces the catalogue (admin). 409 when `etag` is not the current one. */
  save(pets: Pet[], etag: string | null): Promise<Catalogue> {
    return this.signed((client) => client.invokeApi({}, '/pets', 'POST', {}, { pets, etag }));
  }

  /** Buys a pet (buyer); the server takes the buyer's email from the ID token. */
  purchase(petId: number): Promise<Catalogue> {
    const authToken = this.auth.idToken();
    if (!authToken) return Promise.reject(new ApiError(401, 'Your session has expired.'));
    return this.signed((client) =>
      client.invokeApi({}, '/pets/purchase', 'POST', {}, { petId, authToken }),
    );
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

  private async signed(call: (client: ApigClient) => Promise<ApigResponse>): Promise<Catalogue> {
    const attempt = async (renew: boolean) => {
      const c = renew ? await this.credentials.renew() : await this.credentials.get();
      const client = await this.client({
        accessKey: c.accessKeyId,
        secretKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        // Sign the Host header the browser really sends: the library would sign the
        // bare host name, which breaks on a non-default port (the local gateway).
        host: new URL(this.config.api.invokeUrl).host,
      });
      return this.catalogue(() => call(client));
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

  private async catalogue(call: () => Promise<ApigResponse>): Promise<Catalogue> {
    let response: ApigResponse;
    try {
      response = await call();
    } catch (error) {
      throw toApiError(error);
    }
    if (!isPetArray(response.data)) {
      throw new ApiError(
        response.status,
        'The pet store sent an answer the app does not understand.',
      );
    }
    return { pets: response.data, etag: response.headers['etag'] ?? null };
  }
}
