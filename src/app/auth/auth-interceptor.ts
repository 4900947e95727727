import { HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { from, isObservable, switchMap } from 'rxjs';
import { AUTH_CONFIG } from './auth-config-token';
import { whenOktaLoaded } from './okta-loader';

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
 * The work is in the Okta chunk (api-request.ts); a request to any other origin never waits for it.
 *
 * It fails closed: an unbound token is never sent while DPoP is required, and a bound token whose
 * key this browser no longer holds is never sent without a proof. Either ends the session, which
 * signs in again (SessionSync.endUnusableSession).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const config = inject(AUTH_CONFIG);
  const origin = originOf(req.url);
  if (!config.apiOrigins.includes(origin)) return next(req);
  // The page that asked: a step-up comes back to it, and only while it is still shown.
  const page = inject(Router).url;
  // A request made while the Okta chunk is still loading waits for it, not for the token it may
  // not need: there is no other way to know whether the session has one.
  const sent = whenOktaLoaded((okta) => okta.sendToApi(req, next, origin, page));
  return isObservable(sent) ? sent : from(sent).pipe(switchMap((events) => events));
};

function originOf(url: string): string {
  try {
    // Relative URLs resolve against the page, i.e. our own origin.
    return new URL(url, document.baseURI).origin;
  } catch {
    return 'null';
  }
}
