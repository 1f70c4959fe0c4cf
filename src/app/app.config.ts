import {
  type ApplicationConfig,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter } from '@angular/router';
import { type AppConfig, provideAppConfig } from './config/app-config';
import { routes } from './app.routes';

/** The app's providers for a validated config.json. */
export function appConfig(config: AppConfig): ApplicationConfig {
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideZonelessChangeDetection(),
      provideAppConfig(config),
      provideRouter(routes),
    ],
  };
}
