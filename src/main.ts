import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { loadAppConfig } from './app/config/app-config';
import { CONFIG_ERROR, ConfigErrorPage } from './app/config/config-error-page';

// config.json is read before anything else, so routing and sign-in start from a
// validated configuration; without one, a page explains what is wrong.
loadAppConfig()
  .then(
    (config) => bootstrapApplication(App, appConfig(config)),
    (error: unknown) =>
      bootstrapApplication(ConfigErrorPage, {
        providers: [{ provide: CONFIG_ERROR, useValue: error }],
      }),
  )
  .catch((err) => console.error(err));
