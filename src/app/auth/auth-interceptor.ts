import { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { OKTA_AUTH } from '@okta/okta-angular';
import { AUTH_CONFIG } from './auth-config-token';

/**
 * Adds `Authorization: Bearer <access token>` to requests whose origin is exactly one of the
 * configured API origins, and to nothing else.
 *
 * The comparison is on the parsed origin, never on the URL text: `includes()` or `startsWith()`
 * would hand the token to `https://api.example.com.evil.test` or `https://evil.test/?https://api.example.com`.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const { apiOrigins } = inject(AUTH_CONFIG);
  if (!apiOrigins.includes(originOf(req.url))) return next(req);
  const token = inject(OKTA_AUTH).getAccessToken();
  if (!token) return next(req);
  return next(req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};

function originOf(url: string): string {
  try {
    // Relative URLs resolve against the page, i.e. our own origin.
    return new URL(url, document.baseURI).origin;
  } catch {
    return 'null';
  }
}
