import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { loadOktaRuntime, showStartupError } from './app/auth';
import { loadRuntimeConfig } from './app/runtime-config';

// config.json and the Okta chunk download in parallel; the app starts once both are in.
Promise.all([loadRuntimeConfig(), loadOktaRuntime()])
  .then(([config, okta]) => bootstrapApplication(App, appConfig(config, okta)))
  .catch(showStartupError);
