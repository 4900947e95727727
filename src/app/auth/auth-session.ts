import { computed, inject, Injectable } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import type { AuthState, UserClaims } from '@okta/okta-auth-js/core';
import { filter } from 'rxjs';
import { Router } from '@angular/router';
import { requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { groupsOf } from './group-guard';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';
import { SessionSync, UNUSABLE_SESSION_MESSAGE } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';
import { describeSignInError } from './sign-in-error';
import { canUseBinding, isDpopType } from './token-set-checks';

/**
 * The signed-in state as signals, for templates that must render under zoneless change detection.
 *
 * `status` starts as `pending`: okta-auth-js reads storage asynchronously after start-up, and
 * showing "Sign in" for a moment to a signed-in user on every reload would be a lie.
 */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  private readonly oktaAuth = inject(OKTA_AUTH);
  private readonly config = inject(AUTH_CONFIG);
  private readonly attempts = inject(SignInAttempts);
  private readonly router = inject(Router);
  private readonly sessionSync = inject(SessionSync);
  private readonly authState = toSignal<AuthState | null>(
    inject(OKTA_AUTH_STATE).pipe(
      // OktaAuthStateService first emits a placeholder `{ isAuthenticated: false }` before
      // okta-auth-js has looked at storage; wait for the real state.
      filter(() => this.oktaAuth.authStateManager.getAuthState() !== null),
    ),
    { initialValue: null },
  );

  readonly status = computed<'pending' | 'signed-in' | 'signed-out'>(() => {
    const state = this.authState();
    if (!state) return 'pending';
    return state.isAuthenticated ? 'signed-in' : 'signed-out';
  });
  readonly isSignedIn = computed(() => this.status() === 'signed-in');
  /** The ID token's claims while signed in. */
  readonly claims = computed<UserClaims | null>(() =>
    this.isSignedIn() ? (this.authState()?.idToken?.claims ?? null) : null,
  );
  /** The ID token's `groups` claim (empty when signed out or absent). */
  readonly groups = computed<readonly string[]>(() =>
    groupsOf(this.claims() as Record<string, unknown> | null),
  );
  readonly displayName = computed(() => {
    const claims = this.claims();
    return claims ? (claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub) : null;
  });

  /**
   * The user's claims from Okta's /v1/userinfo. okta-auth-js rejects an answer whose `sub` differs
   * from the ID token's (OIDC Core §5.3.2); such a mix-up means the tokens can't be trusted, so the
   * local session ends too.
   */
  async fetchUserInfo(): Promise<UserClaims> {
    try {
      return await this.userInfo();
    } catch (error) {
      if (/token mismatch/i.test((error as Error | undefined)?.message ?? '')) {
        void this.sessionSync.endSession();
        throw new Error(
          "Okta's user information was for a different user than your sign-in, so you were signed out here. Please sign in again.",
        );
      }
      throw new Error(describeSignInError(error));
    }
  }

  /**
   * okta-auth-js's getUser() sends every token with the DPoP scheme and a proof once DPoP is on,
   * an unbound token too (the Bearer fallback of `dpopAllowBearer`), and userinfo refuses an
   * unbound token presented as DPoP. Such a token goes as Bearer, with getUser()'s own check.
   */
  private async userInfo(): Promise<UserClaims> {
    const { accessToken, idToken } = this.oktaAuth.tokenManager.getTokensSync();
    const binding = {
      oktaDpop: !!this.oktaAuth.options.dpop,
      requireDpop: requiresDpop(this.config),
    };
    if (accessToken && !canUseBinding(accessToken.tokenType, binding)) {
      // Neither getUser() nor Bearer may send it: a bound token without its proof, or an unbound
      // one while DPoP is required. The session cannot be used, as the interceptor finds too.
      this.sessionSync.endUnusableSession();
      throw new Error(UNUSABLE_SESSION_MESSAGE);
    }
    if (!this.oktaAuth.options.dpop || !accessToken || isDpopType(accessToken.tokenType)) {
      // okta-auth-js's HTTP layer adds the response's headers to every JSON answer it parses
      // (http/request.js): transport, not claims.
      const claims: UserClaims & { headers?: unknown } = { ...(await this.oktaAuth.getUser()) };
      delete claims.headers;
      return claims;
    }
    const response = await fetch(accessToken.userinfoUrl, {
      headers: { Authorization: `Bearer ${accessToken.accessToken}` },
      signal: AbortSignal.timeout(this.config.requestTimeoutSeconds * 1000),
    });
    if (!response.ok) {
      throw new Error(`Okta's userinfo endpoint did not answer (${response.status}).`);
    }
    const info = (await response.json()) as UserClaims;
    if (info.sub !== idToken?.claims.sub) {
      throw new Error('getUserInfo request was rejected due to token mismatch');
    }
    return info;
  }

  /** Sends the browser to the Okta-hosted sign-in page; it comes back to `returnTo`. */
  async signIn(returnTo = '/'): Promise<void> {
    // A deliberate click starts afresh, even after the loop breaker stopped automatic attempts.
    this.attempts.reset();
    try {
      await this.oktaAuth.signInWithRedirect({ originalUri: returnTo });
    } catch (error) {
      this.attempts.recordFailure(describeSignInError(error));
      await this.router.navigateByUrl(CALLBACK_PATH);
    }
  }

  /**
   * Ends the session everywhere: clears the tokens here and in every tab first (SessionSync), revokes
   * them (best effort), then sends the browser to Okta's `/v1/logout` so the Okta session ends too.
   *
   * okta-auth-js's own `signOut()` revokes before it clears, and throws if revocation fails,
   * leaving the tokens stored; the order here guarantees nothing stays behind. A renewal already
   * under way is waited for: SessionSync drops its answer and revokes what it brought, and leaving
   * the page earlier could cut that revocation off.
   */
  async signOut(): Promise<void> {
    const { idToken, accessToken, refreshToken } = this.oktaAuth.tokenManager.getTokensSync();
    const lateRenewal = this.sessionSync.endSession();
    await Promise.allSettled([
      refreshToken && this.oktaAuth.revokeRefreshToken(refreshToken),
      accessToken && this.oktaAuth.revokeAccessToken(accessToken),
      lateRenewal,
    ]);
    if (idToken) {
      // With revocation done above, signOut() only builds the /v1/logout URL and redirects.
      await this.oktaAuth.signOut({ idToken, revokeAccessToken: false, revokeRefreshToken: false });
    } else {
      // No ID token, so no id_token_hint for /v1/logout: the local session is all there is to end.
      await this.oktaAuth.authStateManager.updateAuthState();
    }
  }
}
