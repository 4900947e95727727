import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter, withDisabledInitialNavigation } from '@angular/router';
import { routes } from './app.routes';
import { authInterceptor, provideOktaAuth } from './auth';
import { ADMIN_AUTHENTICATION } from './admin/admin-authentication';
import { ADMIN_GROUP } from './admin/admin-group';
import { API_AUDIENCE } from './diagnostics/api-audience';
import { API_URL } from './messages/api-url';
import { RuntimeConfig } from './runtime-config';
import { provideStartInShortTasks } from './shell/start-in-short-tasks';

/** The whole app's providers, from the runtime configuration (`config.json`). */
export function appConfig(config: RuntimeConfig): ApplicationConfig {
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      // The first navigation waits a task, for the shell to render first (provideStartInShortTasks).
      provideRouter(routes, withDisabledInitialNavigation()),
      provideStartInShortTasks(),
      provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
      provideOktaAuth(config.auth),
      { provide: API_URL, useValue: config.apiUrl },
      { provide: ADMIN_GROUP, useValue: config.adminGroup },
      {
        provide: ADMIN_AUTHENTICATION,
        useValue: { acr: config.adminAcr, maxAgeSeconds: config.adminMaxAgeSeconds },
      },
      { provide: API_AUDIENCE, useValue: config.apiAudience },
    ],
  };
}
