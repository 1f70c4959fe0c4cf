import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { Auth } from './auth';

/** A signed-in user has nothing to do on the login page. */
export const redirectSignedIn: CanActivateFn = () =>
  inject(Auth).idToken() ? inject(Router).createUrlTree(['/']) : true;

/** Admin-only pages (the buyers' emails): others go to the login page or home. */
export const requireAdmin: CanActivateFn = () => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (!auth.idToken()) return router.createUrlTree(['/login']);
  return auth.role() === 'admin' ? true : router.createUrlTree(['/']);
};
