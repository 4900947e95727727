import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { OKTA_AUTH } from './okta-auth-token';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { AUTH_CONFIG } from './auth-config-token';
import { SessionSync } from './session-sync';

/**
 * Adds `Authorization: Bearer <access token>` to requests whose origin is exactly one of the
 * configured API origins, and to nothing else.
 *
 * The comparison is on the parsed origin, never on the URL text: `includes()` or `startsWith()`
 * would hand the token to `https://api.example.com.evil.test` or `https://evil.test/?https://api.example.com`.
 *
 * When the API answers 401 to a token the app believes valid (revoked, or the clocks disagree),
 * it renews once and retries once; if renewal fails, the session ends (see SessionSync).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const { apiOrigins } = inject(AUTH_CONFIG);
  if (!apiOrigins.includes(originOf(req.url))) return next(req);
  const oktaAuth = inject(OKTA_AUTH);
  const sessionSync = inject(SessionSync);
  const token = oktaAuth.getAccessToken();
  if (!token) return next(req);
  return next(withBearer(req, token)).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401) {
        return throwError(() => error);
      }
      // Another tab (the renewal leader) may already have replaced the token.
      const current = oktaAuth.getAccessToken();
      const fresh =
        current && current !== token ? Promise.resolve(current) : sessionSync.renewAccessToken();
      return from(fresh).pipe(
        switchMap((renewed) =>
          renewed ? next(withBearer(req, renewed)) : throwError(() => error),
        ),
      );
    }),
  );
};

function withBearer<T>(req: HttpRequest<T>, token: string): HttpRequest<T> {
  return req.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
}

function originOf(url: string): string {
  try {
    // Relative URLs resolve against the page, i.e. our own origin.
    return new URL(url, document.baseURI).origin;
  } catch {
    return 'null';
  }
}
