import { InjectionToken } from '@angular/core';

/** The Okta group whose members may open /admin, from the runtime configuration. */
export const ADMIN_GROUP = new InjectionToken<string>('ADMIN_GROUP');
