import { APP_BASE_HREF } from '@angular/common';
import type { ApplicationConfig } from '@angular/core';
import { provideRouter } from '@angular/router';
import { provideServerRendering, withRoutes } from '@angular/ssr';
import { PetsApi } from './api/pets-api';
import { routes } from './app.routes';
import { serverRoutes } from './app.routes.server';
import { Auth0Client } from './auth/auth0-client';
import { SESSION_STORAGE } from './auth/storage';

/** Storage at build time: nobody is signed in while pages are prerendered. */
const noStorage: Storage = {
  length: 0,
  clear: () => undefined,
  getItem: () => null,
  key: () => null,
  removeItem: () => undefined,
  setItem: () => undefined,
};

/**
 * The API at build time: none. The store front and the pet page's frame are
 * prerendered as their first paint shows them, still loading; the data comes in the
 * browser.
 */
const never = () => new Promise<never>(() => undefined);
const noApi: Pick<PetsApi, 'page' | 'pet'> = { page: never, pet: never };

/**
 * The providers the build prerenders the public pages with: no config.json and no
 * browser, so no session, no Auth0 client (it reads `location`; a prerendered page
 * never calls it) and no API. The rest is as in app.config.ts.
 */
export const serverConfig: ApplicationConfig = {
  providers: [
    provideServerRendering(withRoutes(serverRoutes)),
    provideRouter(routes),
    { provide: APP_BASE_HREF, useValue: '/' },
    { provide: SESSION_STORAGE, useValue: noStorage },
    { provide: Auth0Client, useValue: {} },
    { provide: PetsApi, useValue: noApi },
  ],
};
