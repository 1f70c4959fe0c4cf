import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
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
  private readonly router = inject(Router);
  private renewTimer?: ReturnType<typeof setTimeout>;
  private renewing?: Promise<void>;

  private readonly state = signal<Session | null>(readSession(this.storage));
  /** A message for the login page (why the user is there again). */
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

  async login(): Promise<void> {
    this.notice.set(null);
    await this.auth0.authorize();
  }

  /** Completes the redirect from Auth0: verifies the hash and starts the session. */
  async handleCallback(hash: string): Promise<Session> {
    const result = await this.auth0.parseHash(hash);
    const session = result?.idToken ? sessionFromTokens(result.idToken, result.accessToken) : null;
    if (!session) throw new Error('The sign-in answer carried no usable ID token.');
    this.start(session);
    return session;
  }

  /**
   * The session for a call where its ID token stands for the buyer (a purchase, their
   * own purchases): renewed silently first when the Lambdas would find the token too
   * old. Null when there is no session, or renewal failed (the user is then sent to
   * log in). The caller reads it once and uses it for the whole call.
   */
  async freshSession(): Promise<Session | null> {
    const current = this.state();
    if (current && Date.now() - current.receivedAt > FRESH_TOKEN_MAX_AGE_MS) await this.renew();
    const session = this.state();
    return session && session.expiresAt > Date.now() ? session : null;
  }

  /**
   * Silent re-authentication; on failure the user goes back to the login page with a
   * message. Calls made while one is under way share it.
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
      this.notice.set('Your session has expired. Please log in again.');
      await this.router.navigateByUrl('/login');
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
