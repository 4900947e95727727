import { ApplicationRef, createComponent, DestroyRef, EnvironmentInjector } from '@angular/core';
import { IdleDialog } from './idle-dialog';
import { IdleTimeout } from './idle-timeout';

// This file is the idle timeout's chunk: provideOktaAuth() imports it dynamically, and only when
// `idleTimeoutMinutes` is set, so an app without the timeout never downloads it.

/**
 * Starts the idle timeout and puts its dialog at the end of `<body>`, outside the app's routes, so
 * that it stays up whatever page the session's end leads to.
 */
export function watchIdleness(injector: EnvironmentInjector): void {
  // The dialog first, so that it hears every phase, the first one included.
  const dialog = createComponent(IdleDialog, { environmentInjector: injector });
  injector.get(ApplicationRef).attachView(dialog.hostView);
  document.body.append(dialog.location.nativeElement);
  injector.get(DestroyRef).onDestroy(() => dialog.destroy());
  injector.get(IdleTimeout).start();
}
