import { InjectionToken } from '@angular/core';

/** The audience the sample API requires in access tokens (OKTA_AUDIENCE), from the runtime configuration. */
export const API_AUDIENCE = new InjectionToken<string>('API_AUDIENCE');
