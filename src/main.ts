import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { routes } from './app/app.routes';
import { loadOktaRuntime, needsOktaFirst, showStartupError } from './app/auth';
import { loadRuntimeConfig } from './app/runtime-config';

// Paint first, authenticate second: the app starts as soon as config.json is in, and a public page
// paints without the Okta chunk, which loads after that paint (provideOktaAuth). A page that can
// show nothing without it (a guarded page, the callback) fetches it now, beside config.json; if
// it fails to load, provideOktaAuth() says so.
if (needsOktaFirst(routes, window.location.href, document.baseURI)) {
  loadOktaRuntime().catch(() => undefined);
}
loadRuntimeConfig()
  .then((config) => bootstrapApplication(App, appConfig(config)))
  .catch(showStartupError);
