import {
  HttpErrorResponse,
  HttpEvent,
  HttpInterceptorFn,
  HttpRequest,
  HttpResponse,
} from '@angular/common/http';
import { EnvironmentInjector, inject, runInInjectionContext } from '@angular/core';
import { Router } from '@angular/router';
import type { AccessToken } from '@okta/okta-auth-js/core';
import { catchError, from, map, Observable, of, switchMap, tap, throwError } from 'rxjs';
import { requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { DpopNonces, isNonceChallenge, isTokenRefused } from './dpop-nonces';
import { OKTA_AUTH } from './okta-auth-token';
import { loadOktaRuntime } from './provide-okta-auth';
import { SessionSync } from './session-sync';
import { isDpopType } from './token-set-checks';

/**
 * Why a request to the API was not sent: the session's tokens cannot be used as the configuration
 * says (an unbound token while DPoP is required, or a DPoP key pair that is gone). The session
 * has ended, as after a failed renewal.
 */
export class SessionUnusableError extends Error {
  override readonly name = 'SessionUnusableError';
}

/**
 * Adds the access token to requests whose origin is exactly one of the configured API origins, and
 * to nothing else: `Authorization: DPoP <token>` with a fresh `DPoP` proof for a DPoP-bound token
 * (RFC 9449 §7), `Authorization: Bearer <token>` for an unbound one.
 *
 * The comparison is on the parsed origin, never on the URL text: `includes()` or `startsWith()`
 * would hand the token to `https://api.example.com.evil.test` or `https://evil.test/?https://api.example.com`.
 *
 * A 401 gets at most one retry of each kind, so a request is sent at most three times:
 * - the API's nonce challenge (`DPoP error="use_dpop_nonce"` with a `DPoP-Nonce`, §9): once more
 *   with a proof that carries the nonce, which later requests to that origin reuse;
 * - a 401 that refuses the token itself (no error code, or `invalid_token`) while the app believes
 *   it valid (revoked, or the clocks disagree): renewal, then once more with the new token; if
 *   renewal fails, the session ends (see SessionSync). A refused proof (`invalid_dpop_proof`) is
 *   passed on: a new token would not mend it.
 *
 * - the API's step-up challenge (`error="insufficient_user_authentication"`, RFC 9470): a sign-in
 *   with the `acr_values` and `max_age` it names, back to the page, which calls the API again;
 *   never a second time for the same challenge straight after (step-up.ts).
 *
 * It fails closed: an unbound token is never sent while DPoP is required, and a bound token whose
 * key this browser no longer holds is never sent without a proof. Either ends the session, which
 * signs in again (SessionSync.endUnusableSession).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const config = inject(AUTH_CONFIG);
  const origin = originOf(req.url);
  if (!config.apiOrigins.includes(origin)) return next(req);
  const oktaAuth = inject(OKTA_AUTH);
  const sessionSync = inject(SessionSync);
  const nonces = inject(DpopNonces);
  const injector = inject(EnvironmentInjector);
  // The page that asked: a step-up comes back to it, and only while it is still shown.
  const page = injector.get(Router).url;
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
  const stepUp = async (challenge: string): Promise<string | null> => {
    const okta = await loadOktaRuntime();
    return runInInjectionContext(injector, () => okta.answerStepUpChallenge(challenge, page));
  };

  /** Another tab (the renewal leader) may already have replaced the token; else renew it. */
  const freshToken = async (refused: AccessToken): Promise<AccessToken | null> => {
    const current = oktaAuth.tokenManager.getTokensSync().accessToken;
    if (current && current.accessToken !== refused.accessToken) return current;
    const renewed = await sessionSync.renewAccessToken();
    const stored = oktaAuth.tokenManager.getTokensSync().accessToken;
    return renewed && stored?.accessToken === renewed ? stored : null;
  };

  return attempt(first, { nonce: false, renewal: false });
};

/** RFC 9449 §4.2: `htu` is the request URL without query and fragment. */
function htuOf(url: string): string {
  const target = new URL(url, document.baseURI);
  target.search = '';
  target.hash = '';
  return target.href;
}

function originOf(url: string): string {
  try {
    // Relative URLs resolve against the page, i.e. our own origin.
    return new URL(url, document.baseURI).origin;
  } catch {
    return 'null';
  }
}
