import { Injectable, InjectionToken, inject } from '@angular/core';
import type { Auth0DecodedHash, AuthOptions } from 'auth0-js';
import { APP_CONFIG, auth0Overrides } from '../config/app-config';

/** The part of auth0-js's WebAuth this app uses: the boundary the unit tests fake. */
export interface WebAuthLike {
  authorize(options?: Record<string, unknown>): void;
  parseHash(
    options: { hash?: string },
    cb: (error: Auth0ErrorLike | null, result: Auth0DecodedHash | null) => void,
  ): void;
  checkSession(
    options: Record<string, unknown>,
    cb: (error: Auth0ErrorLike | null, result: Auth0DecodedHash | null) => void,
  ): void;
  logout(options: { returnTo: string; clientID?: string }): void;
  client: {
    delegation(
      options: Record<string, unknown>,
      cb: (error: Auth0ErrorLike | null, result: unknown) => void,
    ): void;
  };
}

export interface Auth0ErrorLike {
  error?: string;
  errorDescription?: string;
  error_description?: string;
  description?: string;
  code?: string;
  statusCode?: number;
  original?: unknown;
}

/** Builds a WebAuth. The default loads auth0-js on first use, keeping it out of the initial bundle. */
export const WEB_AUTH_FACTORY = new InjectionToken<(options: AuthOptions) => Promise<WebAuthLike>>(
  'WEB_AUTH_FACTORY',
  {
    providedIn: 'root',
    factory: () => async (options) => {
      const { WebAuth } = await import('auth0-js');
      return new WebAuth(options) as unknown as WebAuthLike;
    },
  },
);

/** An error from Auth0 (or its local stand-in), with the text it gave. */
export class Auth0Error extends Error {
  override readonly name = 'Auth0Error';
  constructor(
    message: string,
    readonly code?: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
  static from(error: Auth0ErrorLike): Auth0Error {
    const text =
      error.errorDescription ?? error.error_description ?? error.description ?? error.error;
    return new Auth0Error(
      text ?? 'The identity provider refused the request.',
      error.error ?? error.code,
      error.statusCode,
    );
  }
}

export const SCOPE = 'openid email';
export const RESPONSE_TYPE = 'id_token token';

/**
 * A thin promise-based wrapper over auth0-js WebAuth, configured from config.json.
 * auth0-js generates and checks `state` and `nonce`, and verifies the ID token
 * (signature against the JWKS, issuer, audience, expiry) in parseHash/checkSession.
 */
@Injectable({ providedIn: 'root' })
export class Auth0Client {
  private readonly config = inject(APP_CONFIG);
  private readonly factory = inject(WEB_AUTH_FACTORY);
  private webAuth?: Promise<WebAuthLike>;

  readonly redirectUri = `${location.origin}/callback`;
  readonly returnTo = `${location.origin}/login`;

  private load(): Promise<WebAuthLike> {
    this.webAuth ??= this.factory({
      domain: this.config.auth0.domain,
      clientID: this.config.auth0.clientId,
      responseType: RESPONSE_TYPE,
      scope: SCOPE,
      redirectUri: this.redirectUri,
      overrides: auth0Overrides(this.config),
    }).catch((error: unknown) => {
      this.webAuth = undefined;
      throw error;
    });
    return this.webAuth;
  }

  /**
   * Redirects to the login page of Auth0. auth0-js keeps `appState` with the
   * transaction in this origin's storage (it is never sent to Auth0) and parseHash
   * gives it back.
   */
  async authorize(returnTo?: string): Promise<void> {
    (await this.load()).authorize({
      responseType: RESPONSE_TYPE,
      scope: SCOPE,
      ...(returnTo && { appState: { returnTo } }),
    });
  }

  /** Parses and verifies the callback's hash; null when it carries nothing. */
  async parseHash(hash: string): Promise<Auth0DecodedHash | null> {
    const webAuth = await this.load();
    return new Promise((resolve, reject) =>
      webAuth.parseHash({ hash }, (error, result) =>
        error ? reject(Auth0Error.from(error)) : resolve(result),
      ),
    );
  }

  /** Silent re-authentication in a hidden iframe answered by postMessage. */
  async checkSession(): Promise<Auth0DecodedHash> {
    const webAuth = await this.load();
    return new Promise((resolve, reject) =>
      webAuth.checkSession(
        {
          responseType: RESPONSE_TYPE,
          scope: SCOPE,
          redirectUri: this.redirectUri,
          responseMode: 'web_message',
        },
        (error, result) =>
          error || !result
            ? reject(Auth0Error.from(error ?? { error: 'No session' }))
            : resolve(result),
      ),
    );
  }

  /** Ends the Auth0 session, then Auth0 sends the browser back to the login page. */
  async logout(): Promise<void> {
    (await this.load()).logout({ returnTo: this.returnTo, clientID: this.config.auth0.clientId });
  }

  /** Legacy Auth0 delegation (`/delegation`, api_type "aws"). */
  async delegation(options: Record<string, unknown>): Promise<unknown> {
    const webAuth = await this.load();
    return new Promise((resolve, reject) =>
      webAuth.client.delegation(options, (error, result) =>
        error ? reject(Auth0Error.from(error)) : resolve(result),
      ),
    );
  }
}
