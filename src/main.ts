import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { loadRuntimeConfig } from './app/runtime-config';
import { showStartupError } from './app/errors/startup-error';

loadRuntimeConfig()
  .then((config) => bootstrapApplication(App, appConfig(config)))
  .catch(showStartupError);
