import {
  computed,
  DestroyRef,
  inject,
  Injectable,
  Injector,
  runInInjectionContext,
  signal,
} from '@angular/core';
import type { AuthState, OktaAuth, UserClaims } from '@okta/okta-auth-js/core';
import { filter } from 'rxjs';
import { Router } from '@angular/router';
import { CALLBACK_PATH } from './auth-paths';
import { groupsOf } from './group-guard';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';
import { OKTA_LOADING } from './okta-loader';
import { toSafeReturnPath } from './return-path';
import { SessionSync } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';
import { describeSignInError } from './sign-in-error';

/**
 * The signed-in state as signals, for templates that must render under zoneless change detection.
 *
 * `status` starts as `pending`: okta-auth-js reads storage asynchronously after start-up, and
 * showing "Sign in" for a moment to a signed-in user on every reload would be a lie.
 */
@Injectable({ providedIn: 'root' })
export class AuthSession {
  private readonly injector = inject(Injector);
  private readonly attempts = inject(SignInAttempts);
  private readonly router = inject(Router);
  private readonly oktaLoading = inject(OKTA_LOADING);
  private readonly authState = signal<AuthState | null>(null);

  constructor() {
    // The header renders before the Okta chunk is in (paint first): until then, and until
    // okta-auth-js has read storage, the status stays `pending`.
    const destroyRef = inject(DestroyRef);
    const follow = () => {
      if (destroyRef.destroyed) return;
      const oktaAuth = this.oktaAuth;
      const subscription = this.injector
        .get(OKTA_AUTH_STATE)
        .pipe(
          // OktaAuthStateService first emits a placeholder `{ isAuthenticated: false }` before
          // okta-auth-js has looked at storage; wait for the real state.
          filter(() => oktaAuth.authStateManager.getAuthState() !== null),
        )
        .subscribe((state) => this.authState.set(state));
      destroyRef.onDestroy(() => subscription.unsubscribe());
    };
    // Waits for the chunk without asking for it: a public page loads it after its first paint.
    // provideOktaAuth reports a chunk that did not load; the status stays `pending`.
    if (this.oktaLoading.current) follow();
    else this.oktaLoading.loaded.then(follow, () => undefined);
  }

  /** Only once the Okta chunk is in: every caller is a signed-in page, or awaits `oktaLoaded`. */
  private get oktaAuth(): OktaAuth {
    return this.injector.get(OKTA_AUTH);
  }

  private get sessionSync(): SessionSync {
    return this.injector.get(SessionSync);
  }

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
   * The user's claims from Okta's /v1/userinfo. An answer for another user than the ID token's
   * ends the session here. The code is a chunk of its own (user-info.ts), fetched beside the Okta
   * chunk: only the profile page asks.
   */
  async fetchUserInfo(): Promise<UserClaims> {
    const [, { fetchUserInfo }] = await Promise.all([
      this.oktaLoading.start(),
      import('./user-info'),
    ]);
    return runInInjectionContext(this.injector, fetchUserInfo);
  }

  /** Sends the browser to the Okta-hosted sign-in page; it comes back to `returnTo`. */
  async signIn(returnTo = '/'): Promise<void> {
    // A deliberate click starts afresh, even after the loop breaker stopped automatic attempts.
    this.attempts.reset();
    // The callback checks it again; only a same-origin path is ever stored for it.
    const originalUri = toSafeReturnPath(returnTo, window.location.origin);
    try {
      await this.oktaLoading.start();
      await this.oktaAuth.signInWithRedirect({ originalUri });
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
    await this.oktaLoading.start();
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
