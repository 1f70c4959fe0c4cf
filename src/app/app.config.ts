import { APP_BASE_HREF } from '@angular/common';
import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';
import { type AppConfig, provideAppConfig } from './config/app-config';
import { provideHandOverFromPrerenderedPage } from './prerender/hand-over';
import { routes } from './app.routes';

/**
 * The app's providers for a validated config.json. Change detection is zoneless,
 * Angular 21's default when zone.js is not loaded, so it needs no provider.
 */
export function appConfig(config: AppConfig): ApplicationConfig {
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideAppConfig(config),
      provideRouter(routes),
      // The pages have no <base> element (the CSP's base-uri 'none' would block it).
      { provide: APP_BASE_HREF, useValue: '/' },
      provideHandOverFromPrerenderedPage(),
    ],
  };
}
