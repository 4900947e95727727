import {
  APP_BOOTSTRAP_LISTENER,
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideAppInitializer,
} from '@angular/core';
import { Router } from '@angular/router';

/**
 * Starts the app in three tasks instead of one: the providers, then the shell (the root component's
 * first render), then the first navigation (the page). Started in one go, that is one task of about
 * 80 ms on a fast machine and over 300 ms on a mid-range phone (Lighthouse's mobile CPU), during
 * which the browser can neither handle input nor paint; in three, none is much over 40 ms here.
 * No page waits longer for it: each step begins as soon as the one before it has finished.
 *
 * Use with `withDisabledInitialNavigation()` in `provideRouter()`: this starts that navigation.
 * Nothing may navigate before it does: Angular's `initialNavigation()` does nothing once another
 * navigation was asked for, and the address the user opened would be lost.
 */
export function provideStartInShortTasks(): EnvironmentProviders {
  return makeEnvironmentProviders([
    // Angular creates the root component once every app initializer has settled.
    provideAppInitializer(nextTask),
    {
      provide: APP_BOOTSTRAP_LISTENER,
      multi: true,
      useFactory: () => {
        const router = inject(Router);
        return () => void nextTask().then(() => router.initialNavigation());
      },
    },
  ]);
}

/**
 * Ends the task; the next step runs in a new one. `scheduler.yield()` puts that step ahead of other
 * tasks, so the browser does not paint a frame in between: a timeout made a signed-in reload of a
 * guarded page about 20 ms slower (`npm run bench`, (7)). Browsers without it take the timeout.
 */
function nextTask(): Promise<void> {
  return typeof scheduler === 'object' && typeof scheduler.yield === 'function'
    ? scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve));
}
