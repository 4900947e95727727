import { InjectionToken } from '@angular/core';

/** Base URL of the protected sample API, from the runtime configuration. */
export const API_URL = new InjectionToken<string>('API_URL');
