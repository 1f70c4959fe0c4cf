import { InjectionToken } from '@angular/core';

/** Where tokens and credentials live (see STORAGE_KEYS for why sessionStorage). */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => sessionStorage,
});
