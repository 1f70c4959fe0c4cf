import type { Auth0ErrorLike, WebAuthLike } from '../app/auth/auth0-client';

type Callback<T> = (error: Auth0ErrorLike | null, result: T | null) => void;

/**
 * auth0-js's WebAuth, answering what a test sets: `hashResult` for the redirect back,
 * `sessionResult` for silent re-authentication (login_required unless set),
 * `delegationResult` for legacy delegation. It records every call it gets.
 */
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
