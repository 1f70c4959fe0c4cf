import { InjectionToken } from '@angular/core';

/**
 * Where the session (auth/session.ts) and the role credentials (CredentialsStore)
 * live: sessionStorage, not localStorage and not memory only. It survives a reload
 * (the session is restored while the token is valid), it is scoped to this tab (a
 * second tab signs in on its own, nothing lingers for the next person once the tab
 * is closed), and it is cleared at logout. Like any Web Storage it is readable by
 * script on this origin, so the app ships no third-party script and keeps tokens
 * short-lived.
 */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => sessionStorage,
});
