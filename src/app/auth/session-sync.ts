import { DestroyRef, inject, Injectable } from '@angular/core';
import { ActivatedRouteSnapshot, Router } from '@angular/router';
import { OKTA_AUTH } from './okta-auth-token';
import type { AccessToken, AuthState, Token, Tokens } from '@okta/okta-auth-js/core';
import { AUTH_CONFIG } from './auth-config-token';
import { authGuard } from './auth-guard';
import { SignInAttempts } from './sign-in-attempts';

/** How long a new tab waits for an open tab to hand over the session before deciding it has none. */
export const PEER_ANSWER_MS = 250;
/** How long a tab waits for the renewing tab's new tokens before giving up. */
export const RENEWAL_WAIT_MS = 10_000;

type SessionMessage =
  { type: 'request-session' } | { type: 'tokens'; tokens: Tokens } | { type: 'request-renewal' };

/**
 * Keeps the app's tabs in one session, whatever the token storage, with one tab renewing.
 *
 * - Token changes (sign-in, renewal, sign-out) reach the other tabs. With localStorage, okta-auth-js's
 *   SyncStorageService does it (the storage is shared, it relays the events). With sessionStorage
 *   and memory it cannot: it relays events but never writes the other tabs' storage, so this
 *   service sends each tab's token snapshot over its own BroadcastChannel instead.
 * - A tab opened later asks the open ones for the session, so sessionStorage does not mean
 *   "sign in again in every new tab".
 * - Exactly one tab renews: the holder of a Web Lock. okta-auth-js's autoRenew is off because it
 *   also renews from `isAuthenticated()` in every tab; with refresh-token rotation, two tabs
 *   renewing with the same token trip reuse detection and the grant is revoked.
 * - When the session ends elsewhere (sign-out, failed renewal), a tab showing a guarded page
 *   leaves it instead of calling the API with no token.
 * - When renewal fails (refresh token revoked, reused or expired; Okta down), the tokens are
 *   cleared everywhere and the renewing tab, if it shows a guarded page, sends the user to sign
 *   in once (the loop breaker in SignInAttempts applies).
 *
 * BroadcastChannel and Web Locks are same-origin only: they expose tokens to nothing that could
 * not already read the page's storage.
 */
@Injectable({ providedIn: 'root' })
export class SessionSync {
  private readonly oktaAuth = inject(OKTA_AUTH);
  private readonly config = inject(AUTH_CONFIG);
  private readonly router = inject(Router);
  private readonly attempts = inject(SignInAttempts);
  private channel: BroadcastChannel | null = null;
  private isLeader = false;
  private wasSignedIn = false;
  private endingHere = false;
  private renewal: Promise<string | null> | null = null;
  private readyPromise: Promise<void> = Promise.resolve();
  private peerAnswered: () => void = () => undefined;
  private applyingPeerTokens = false;
  private snapshotQueued = false;

  /** Resolves once this tab knows whether it has a usable session (its own or an open tab's). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  start(): void {
    const onAuthState = (state: AuthState) => this.followAuthState(state);
    const onExpired = (key: string) => this.renewIfLeader(key);
    const onRenewalError = () => void this.endAfterFailedRenewal();
    const onTokensChanged = () => this.shareTokens();
    this.oktaAuth.authStateManager.subscribe(onAuthState);
    this.oktaAuth.tokenManager.on('expired', onExpired);
    this.oktaAuth.tokenManager.on('error', onRenewalError);
    if (this.sharesTokens()) {
      this.oktaAuth.tokenManager.on('added', onTokensChanged);
      this.oktaAuth.tokenManager.on('removed', onTokensChanged);
    }
    if (typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(`${this.config.clientId}-session`);
      this.channel.onmessage = (event: MessageEvent<SessionMessage>) => this.answer(event.data);
    }
    const leaderKnown = this.electLeader();
    this.readyPromise = Promise.all([this.askOpenTabs(), leaderKnown]).then(() =>
      this.renewIfExpired(),
    );
    inject(DestroyRef).onDestroy(() => {
      this.oktaAuth.authStateManager.unsubscribe(onAuthState);
      this.oktaAuth.tokenManager.off('expired', onExpired);
      this.oktaAuth.tokenManager.off('error', onRenewalError);
      this.oktaAuth.tokenManager.off('added', onTokensChanged);
      this.oktaAuth.tokenManager.off('removed', onTokensChanged);
      this.channel?.close();
    });
  }

  /**
   * This tab is ending the session on purpose (sign-out, a security failure): it shows what
   * happens next itself, so the next signed-out state must not navigate it.
   */
  expectSignOut(): void {
    this.endingHere = true;
  }

  /**
   * Renews the access token now (e.g. after the API answered 401) and returns the new one, or
   * null when renewal failed (the session has then ended, see endAfterFailedRenewal).
   */
  renewAccessToken(): Promise<string | null> {
    this.renewal ??= (this.isLeader ? this.renewHere() : this.renewInLeader()).finally(() => {
      this.renewal = null;
    });
    return this.renewal;
  }

  private async electLeader(): Promise<void> {
    if (!navigator.locks) {
      this.isLeader = true; // No Web Locks: every tab renews, as okta-auth-js would.
      return;
    }
    const name = `${this.config.clientId}-token-renewal`;
    const lead = () => {
      this.isLeader = true;
      return new Promise<never>(() => undefined);
    };
    // Find out now whether this tab leads, so that start-up renewal is not sent to a leader
    // that does not exist; otherwise wait in line, held until this tab closes.
    const granted = await new Promise<boolean>((decided) => {
      void navigator.locks.request(name, { ifAvailable: true }, (lock) => {
        decided(!!lock);
        return lock ? lead() : undefined;
      });
    });
    if (!granted) {
      void navigator.locks.request(name, () => {
        void this.renewIfExpired();
        return lead();
      });
    }
  }

  private async renewHere(): Promise<string | null> {
    try {
      const token = await this.oktaAuth.tokenManager.renew('accessToken');
      return token && 'accessToken' in token ? token.accessToken : null;
    } catch {
      return null; // The token manager's 'error' event ends the session (endAfterFailedRenewal).
    }
  }

  /** Asks the renewing tab, then waits for its new token to arrive through okta-auth-js's sync. */
  private renewInLeader(): Promise<string | null> {
    const before = this.oktaAuth.tokenManager.getTokensSync().accessToken?.accessToken;
    return new Promise((resolve) => {
      const done = (token: string | null) => {
        clearTimeout(timer);
        this.oktaAuth.tokenManager.off('added', onAdded);
        this.oktaAuth.tokenManager.off('removed', onRemoved);
        resolve(token);
      };
      const onAdded = (key: string, token: Token) => {
        const value = (token as AccessToken).accessToken;
        if (key === 'accessToken' && value && value !== before) done(value);
      };
      // setTokens() emits `removed` for the old token before `added` for its replacement.
      const onRemoved = (key: string) =>
        key === 'accessToken' &&
        !this.oktaAuth.tokenManager.getTokensSync().accessToken &&
        done(null);
      const timer = setTimeout(() => done(null), RENEWAL_WAIT_MS);
      this.oktaAuth.tokenManager.on('added', onAdded);
      this.oktaAuth.tokenManager.on('removed', onRemoved);
      this.post({ type: 'request-renewal' });
    });
  }

  private renewIfLeader(key: string): void {
    if (this.isLeader && (key === 'accessToken' || key === 'idToken')) void this.renewAccessToken();
  }

  /** Renews first if the tokens are past their renewal time (left from earlier, or handed over). */
  async renewIfExpired(): Promise<void> {
    const { accessToken, refreshToken } = this.oktaAuth.tokenManager.getTokensSync();
    if (accessToken && refreshToken && this.oktaAuth.tokenManager.hasExpired(accessToken)) {
      await this.renewAccessToken();
    }
  }

  private hasTokens(): boolean {
    const { accessToken, idToken } = this.oktaAuth.tokenManager.getTokensSync();
    return !!(accessToken || idToken);
  }

  /** localStorage is shared by the tabs already; the other storages need us. */
  private sharesTokens(): boolean {
    return this.config.tokenStorage !== 'localStorage';
  }

  /** Sends this tab's tokens (or their absence) to the other tabs, once per burst of changes. */
  private shareTokens(): void {
    if (this.applyingPeerTokens || this.snapshotQueued) return;
    this.snapshotQueued = true;
    queueMicrotask(() => {
      this.snapshotQueued = false;
      this.post({ type: 'tokens', tokens: this.oktaAuth.tokenManager.getTokensSync() });
    });
  }

  private applyPeerTokens(tokens: Tokens): void {
    const mine = this.oktaAuth.tokenManager.getTokensSync();
    if (JSON.stringify(mine) === JSON.stringify(tokens)) return;
    this.applyingPeerTokens = true;
    try {
      if (tokens.accessToken || tokens.idToken) this.oktaAuth.tokenManager.setTokens(tokens);
      else this.oktaAuth.tokenManager.clear();
    } finally {
      this.applyingPeerTokens = false;
    }
  }

  private askOpenTabs(): Promise<void> {
    if (!this.channel || this.hasTokens() || !this.sharesTokens()) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, PEER_ANSWER_MS);
      this.peerAnswered = () => {
        clearTimeout(timer);
        resolve();
      };
      this.post({ type: 'request-session' });
    });
  }

  private answer(message: SessionMessage): void {
    if (message.type === 'request-session' && this.hasTokens() && this.sharesTokens()) {
      this.post({ type: 'tokens', tokens: this.oktaAuth.tokenManager.getTokensSync() });
    } else if (message.type === 'tokens' && this.sharesTokens()) {
      this.applyPeerTokens(message.tokens);
      if (this.hasTokens()) this.peerAnswered();
    } else if (message.type === 'request-renewal' && this.isLeader) {
      void this.renewAccessToken();
    }
  }

  private post(message: SessionMessage): void {
    this.channel?.postMessage(message);
  }

  private followAuthState(state: AuthState): void {
    const signedIn = !!state.isAuthenticated;
    if (this.wasSignedIn && !signedIn) {
      if (!this.endingHere && this.isOnGuardedPage()) {
        // Signed out in another tab, or its renewal failed: stop showing (and fetching) private data.
        void this.router.navigateByUrl('/');
      }
      this.endingHere = false;
    }
    this.wasSignedIn = signedIn;
  }

  private async endAfterFailedRenewal(): Promise<void> {
    if (this.endingHere || !this.hasTokens()) return;
    this.endingHere = true;
    const returnTo = this.router.url;
    const guarded = this.isOnGuardedPage();
    // Clearing here also clears the other tabs (okta-auth-js syncs storage), so no tab keeps
    // calling the API with a dead token; only this one goes to Okta.
    this.oktaAuth.tokenManager.clear();
    if (guarded && !this.attempts.mustStop()) {
      this.attempts.recordAutomaticStart();
      try {
        await this.oktaAuth.signInWithRedirect({ originalUri: returnTo });
        return; // The page is on its way to Okta.
      } catch {
        // Okta unreachable: the guard explains on the next guarded navigation.
      }
    }
    this.endingHere = false;
  }

  private isOnGuardedPage(): boolean {
    let route: ActivatedRouteSnapshot | null = this.router.routerState.snapshot.root;
    while (route) {
      if (route.routeConfig?.canActivate?.includes(authGuard)) return true;
      route = route.firstChild;
    }
    return false;
  }
}
