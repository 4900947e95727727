import { InjectionToken } from '@angular/core';
import type { AuthConfig } from './auth-config';

/** The validated configuration `provideOktaAuth()` was given. */
export const AUTH_CONFIG = new InjectionToken<AuthConfig>('AUTH_CONFIG');
