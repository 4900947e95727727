import {
  HttpErrorResponse,
  HttpEvent,
  HttpHandlerFn,
  HttpRequest,
  HttpResponse,
} from '@angular/common/http';
import { EnvironmentInjector, inject, runInInjectionContext } from '@angular/core';
import type { AccessToken } from '@okta/okta-auth-js/core';
import { catchError, from, map, Observable, of, switchMap, tap, throwError } from 'rxjs';
import { requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { DpopNonces, isNonceChallenge, isTokenRefused } from './dpop-nonces';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import { SessionUnusableError } from './session-unusable-error';
import { answerStepUpChallenge } from './step-up';
import { isDpopType } from './token-set-checks';

// In the Okta chunk (okta-runtime.ts): authInterceptor hands it the requests to the API origins.

/**
 * authInterceptor's work on a request to the API at `origin`, once OktaAuth is started. `page` is
 * the page that made the request: a step-up comes back to it, and only while it is still shown.
 */
export function sendToApi(
  req: HttpRequest<unknown>,
  next: HttpHandlerFn,
  origin: string,
  page: string,
): Observable<HttpEvent<unknown>> {
  const config = inject(AUTH_CONFIG);
  const oktaAuth = inject(OKTA_AUTH);
  const sessionSync = inject(SessionSync);
  const nonces = inject(DpopNonces);
  const injector = inject(EnvironmentInjector);
  const first = oktaAuth.tokenManager.getTokensSync().accessToken;
  if (!first) return next(req);
  const requireDpop = requiresDpop(config);

  const unusable = () => {
    sessionSync.endUnusableSession();
    return throwError(() => new SessionUnusableError());
  };

  const authorize = (token: AccessToken): Observable<HttpRequest<unknown>> => {
    if (!isDpopType(token.tokenType)) {
      if (requireDpop) return unusable();
      return of(req.clone({ setHeaders: { Authorization: `Bearer ${token.accessToken}` } }));
    }
    const proof = oktaAuth.getDPoPAuthorizationHeaders({
      url: htuOf(req.urlWithParams),
      method: req.method,
      nonce: nonces.get(origin),
      accessToken: token,
    });
    return from(proof).pipe(
      // The key pair is gone (site data cleared, or a sign-out elsewhere cleared it): the tokens
      // cannot be used by anyone any more, so the session ends and the user signs in afresh.
      catchError(() => unusable()),
      map(({ Authorization, Dpop }) => req.clone({ setHeaders: { Authorization, DPoP: Dpop } })),
    );
  };

  const send = (token: AccessToken): Observable<HttpEvent<unknown>> =>
    authorize(token).pipe(
      switchMap((authorized) => next(authorized)),
      tap((event) => {
        if (event instanceof HttpResponse) nonces.remember(origin, event.headers);
      }),
    );

  const attempt = (
    token: AccessToken,
    retried: { readonly nonce: boolean; readonly renewal: boolean },
  ): Observable<HttpEvent<unknown>> =>
    send(token).pipe(
      catchError((error: unknown) => {
        if (!(error instanceof HttpErrorResponse)) return throwError(() => error);
        nonces.remember(origin, error.headers);
        if (error.status !== 401) return throwError(() => error);
        if (isNonceChallenge(error.headers)) {
          return retried.nonce || !isDpopType(token.tokenType)
            ? throwError(() => error)
            : attempt(token, { ...retried, nonce: true });
        }
        const renew = () =>
          retried.renewal || !isTokenRefused(error.headers)
            ? throwError(() => error)
            : from(freshToken(token)).pipe(
                switchMap((renewed) =>
                  renewed
                    ? attempt(renewed, { ...retried, renewal: true })
                    : throwError(() => error),
                ),
              );
        const challenge = error.headers.get('WWW-Authenticate') ?? '';
        if (!/error="?insufficient_user_authentication\b/i.test(challenge)) return renew();
        // Not a step-up after all (unreadable, or the page changed): handled as any other 401.
        return from(stepUp(challenge)).pipe(
          switchMap((why) => (why === null ? renew() : throwError(() => new Error(why)))),
        );
      }),
    );

  /** Resolves to why not, to null when it is no step-up, or never: the page is leaving for Okta. */
  const stepUp = (challenge: string): Promise<string | null> =>
    runInInjectionContext(injector, () => answerStepUpChallenge(challenge, page));

  /** Another tab (the renewal leader) may already have replaced the token; else renew it. */
  const freshToken = async (refused: AccessToken): Promise<AccessToken | null> => {
    const current = oktaAuth.tokenManager.getTokensSync().accessToken;
    if (current && current.accessToken !== refused.accessToken) return current;
    const renewed = await sessionSync.renewAccessToken();
    const stored = oktaAuth.tokenManager.getTokensSync().accessToken;
    return renewed && stored?.accessToken === renewed ? stored : null;
  };

  return attempt(first, { nonce: false, renewal: false });
}

/** RFC 9449 §4.2: `htu` is the request URL without query and fragment. */
function htuOf(url: string): string {
  const target = new URL(url, document.baseURI);
  target.search = '';
  target.hash = '';
  return target.href;
}
