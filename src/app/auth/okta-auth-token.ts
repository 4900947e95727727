import { InjectionToken } from '@angular/core';
import type { AuthState, OktaAuth } from '@okta/okta-auth-js/core';
import type { Observable } from 'rxjs';

// The app's own tokens. Importing okta-angular's would pull okta-angular, and through it
// okta-auth-js, into the initial bundle; okta-runtime.ts points these at okta-angular's.

/** The app's one OktaAuth: okta-angular's OKTA_AUTH. */
export const OKTA_AUTH = new InjectionToken<OktaAuth>('OKTA_AUTH');

/** okta-angular's `OktaAuthStateService.authState$`. */
export const OKTA_AUTH_STATE = new InjectionToken<Observable<AuthState>>('OKTA_AUTH_STATE');
