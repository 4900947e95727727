import { InjectionToken } from '@angular/core';
import type { AuthenticationRequirement } from '../auth';

/** How strong and how recent a sign-in /admin needs (OKTA_ADMIN_ACR, OKTA_ADMIN_MAX_AGE). */
export const ADMIN_AUTHENTICATION = new InjectionToken<AuthenticationRequirement>(
  'ADMIN_AUTHENTICATION',
);
