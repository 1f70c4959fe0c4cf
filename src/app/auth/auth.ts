import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { idTokenMaxAgeSeconds } from '../../../api/id-token';
import { CredentialsStore } from '../credentials/credentials-store';
import { Auth0Client } from './auth0-client';
import {
  type Session,
  clearSession,
  displayName,
  readSession,
  sessionFromTokens,
  writeSession,
} from './session';
import { SESSION_STORAGE } from './storage';

/** Renew the ID token this long before it expires. */
export const RENEW_MARGIN_MS = 60_000;

/**
 * The oldest ID token the app sends where it stands for the buyer: the Lambdas'
 * maximum age less five minutes, for the time a call takes and the issuer's
 * clock running ahead of the Lambdas'.
 */
export const FRESH_TOKEN_MAX_AGE_MS = idTokenMaxAgeSeconds * 1000 - 5 * 60_000;

/** What the page says when silent renewal fails. */
export const SESSION_ENDED = 'Your session has ended. Log in again to continue.';

/**
 * The signed-in user: the one place that owns the session, restores it on reload,
 * renews it silently before the ID token expires and ends it (and asks the role
 * credentials, which belong to it, to go too).
 */
@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly auth0 = inject(Auth0Client);
  private readonly storage = inject(SESSION_STORAGE);
  private readonly credentials = inject(CredentialsStore);
  private renewTimer?: ReturnType<typeof setTimeout>;
  private renewing?: Promise<void>;

  private readonly state = signal<Session | null>(readSession(this.storage));
  /**
   * Why the user must log in (again): shown by the login page, and by the signed-in
   * page the user is on when silent renewal fails.
   */
  readonly notice = signal<string | null>(null);

  readonly session = this.state.asReadonly();
  readonly signedIn = computed(() => this.state() !== null);
  readonly role = computed(() => this.state()?.role ?? null);
  readonly userName = computed(() => {
    const session = this.state();
    return session ? displayName(session.profile) : '';
  });

  constructor() {
    this.scheduleRenewal();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.renewTimer));
  }

  /** The current ID token, or null once it has expired. */
  idToken(): string | null {
    const session = this.state();
    return session && session.expiresAt > Date.now() ? session.idToken : null;
  }

  /**
   * Redirects to Auth0. `returnTo` is the app path to come back to, which the
   * callback page checks (auth/return-path.ts) before it goes there.
   */
  async login(returnTo?: string): Promise<void> {
    this.notice.set(null);
    await this.auth0.authorize(returnTo);
  }

  /**
   * Completes the redirect from Auth0: verifies the hash and starts the session.
   * `returnTo` is what the login carried, unchecked.
   */
  async handleCallback(hash: string): Promise<{ session: Session; returnTo: unknown }> {
    const result = await this.auth0.parseHash(hash);
    const session = result?.idToken ? sessionFromTokens(result.idToken, result.accessToken) : null;
    if (!session) throw new Error('The sign-in answer carried no usable ID token.');
    this.start(session);
    return { session, returnTo: (result?.appState as { returnTo?: unknown } | null)?.returnTo };
  }

  /**
   * The session for a call where its ID token stands for the buyer (a purchase, their
   * own purchases): renewed silently first when the Lambdas would find the token too
   * old. Null when there is no session, or renewal failed (the page then says so and
   * offers to log in again). The caller reads it once and uses it for the whole call.
   */
  async freshSession(): Promise<Session | null> {
    const current = this.state();
    if (current && Date.now() - current.receivedAt > FRESH_TOKEN_MAX_AGE_MS) await this.renew();
    const session = this.state();
    return session && session.expiresAt > Date.now() ? session : null;
  }

  /**
   * Silent re-authentication. On failure (`login_required` where the browser blocks
   * the IdP's third-party cookies) the session ends but the user stays on the page,
   * which shows SESSION_ENDED and `Log in` back to it. Calls made while one is under
   * way share it.
   */
  renew(): Promise<void> {
    this.renewing ??= this.renewNow().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewNow(): Promise<void> {
    try {
      const result = await this.auth0.checkSession();
      const session = result.idToken ? sessionFromTokens(result.idToken, result.accessToken) : null;
      if (!session || session.profile.sub !== this.state()?.profile.sub) {
        throw new Error('different user');
      }
      this.start(session);
    } catch {
      this.end();
      this.notice.set(SESSION_ENDED);
    }
  }

  /** Drops tokens and credentials, then ends the Auth0 session (which redirects). */
  async logout(): Promise<void> {
    this.end();
    await this.auth0.logout();
  }

  private start(session: Session): void {
    writeSession(this.storage, session);
    this.state.set(session);
    this.scheduleRenewal();
  }

  private end(): void {
    clearTimeout(this.renewTimer);
    clearSession(this.storage);
    this.credentials.clear();
    this.state.set(null);
  }

  private scheduleRenewal(): void {
    clearTimeout(this.renewTimer);
    const session = this.state();
    if (!session) return;
    const delay = Math.max(0, session.expiresAt - RENEW_MARGIN_MS - Date.now());
    this.renewTimer = setTimeout(() => void this.renew(), delay);
  }
}
