import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { loadAppConfig } from './app/config/app-config';
import { CONFIG_ERROR, ConfigErrorPage } from './app/config/config-error-page';
import { makeRoomForApp, removePrerenderedPage } from './app/prerender/hand-over';

// The page the build prerendered stays on screen until the app has rendered its own.
// This module starts once that page has painted: the page's loader,
// public/page-loader.js, adds its script then.
makeRoomForApp();

// config.json is read before anything else, so routing and sign-in start from a
// validated configuration; without one, a page explains what is wrong. (That page
// is not a lazy chunk: one that used Angular but not the router would split the
// initial bundle in two, which compresses worse than the page costs.)
loadAppConfig()
  .then(
    (config) => bootstrapApplication(App, appConfig(config)),
    (error: unknown) =>
      bootstrapApplication(ConfigErrorPage, {
        providers: [{ provide: CONFIG_ERROR, useValue: error }],
      }).then(() => removePrerenderedPage()),
  )
  .catch((err) => console.error(err));
