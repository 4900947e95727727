import { DestroyRef, inject, Injectable } from '@angular/core';
import { Router } from '@angular/router';
import type { AccessToken, AuthState, OktaAuth, Token, Tokens } from '@okta/okta-auth-js/core';
import { requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { MAX_CLOCK_SKEW_SECONDS } from './token-checks';
import { OKTA_AUTH } from './okta-auth-token';
import { holdSharedLock, keyLockName } from './key-pair-locks';
import { SessionGenerations } from './session-generation';
import { parseSessionMessage, SessionMessage } from './session-messages';
import { isSignInRequired } from './sign-in-required';
import { SignInAttempts } from './sign-in-attempts';
import { canUseBinding, checkTokenSet, sameJson, TokenSetSource } from './token-set-checks';

/** How long a new tab waits for an open tab to hand over the session before deciding it has none. */
export const PEER_ANSWER_MS = 250;

/** Where okta-auth-js keeps the tokens (its tokenManager's default storageKey). */
const TOKEN_STORAGE_KEY = 'okta-token-storage';
/** How long a tab waits for the renewing tab's new tokens before giving up. */
export const RENEWAL_WAIT_MS = 10_000;
/**
 * The renewal floor: at most MAX_RENEWALS token requests per RENEWAL_WINDOW_MS in a tab, whatever
 * the provider answers. Normal use needs one per access-token lifetime (minus 30 s); a provider whose
 * tokens are due again at once would otherwise get one request per event-loop turn.
 */
export const MAX_RENEWALS = 3;
export const RENEWAL_WINDOW_MS = 10_000;
/**
 * After a failed renewal the renewing tab signs in again, once. If the session that sign-in brings
 * fails its renewal again within this time, the tab stops and explains instead (no slow loop).
 */
export const RETRY_SIGN_IN_WINDOW_MS = 120_000;

type TokenManager = OktaAuth['tokenManager'];

/**
 * Keeps the app's tabs in one session, whatever the token storage, with one tab renewing, and makes
 * sure nothing unchecked, and nothing of an ended session, is ever stored.
 *
 * - **Renewal is checked before anything is stored.** This service is the only renewer: it asks
 *   okta-auth-js for new tokens (`token.renewTokens()`, which returns them), checks the whole set
 *   (`checkTokenSet`: shape, issuer, client, endpoints, ID token header and claims against the
 *   current ID token, OIDC Core §12.2), and only then stores it. okta-auth-js 7.14 has no hook
 *   between receiving renewed tokens and storing them: its `tokenManager.renew()` stores whatever
 *   came back, and `renewTokensWithRefresh()` writes a rotated refresh token straight to storage
 *   (`tokenManager.updateRefreshToken`). `start()` routes both through this service, so whoever
 *   starts a renewal (okta-auth-js's own services included), nothing unchecked is stored or shared.
 *   Remove the rerouting when okta-auth-js offers such a hook.
 * - **A renewal that fails is a failed renewal**, whatever the cause (refused by Okta, Okta down,
 *   a failed check, too many renewals): the session ends in every tab, and the renewing tab, if it
 *   shows a page that requires sign-in, signs in again once (the loop breaker in SignInAttempts
 *   applies, and a second failure soon after that sign-in stops and explains).
 * - **No renewal storm.** A token with a missing, NaN or past expiry makes okta-auth-js's expiry
 *   timer fire at once; such a renewal fails its check. Independently, MAX_RENEWALS per
 *   RENEWAL_WINDOW_MS is a floor no answer can get past.
 * - **Sign-out wins every race.** An ended session moves the session generation on
 *   (`SessionGenerations`, shared by the tabs through localStorage, and announced on the channel).
 *   Every store path checks it: a renewal answer arriving after sign-out is dropped and what it
 *   brought is revoked, a tokens message of an ended generation is dropped, and a tab whose
 *   session is of an ended generation (it slept through the sign-out) neither hands it over nor
 *   keeps it.
 * - **Tabs share one session** (sessionStorage): each tab's changes reach the others over a
 *   BroadcastChannel, and a tab opened later asks the open ones. With localStorage, okta-auth-js's
 *   storage sync does it, on its own `${clientId}-sync` channel, whose messages it applies without
 *   these checks (a same-origin page can write localStorage directly anyway). With `memory`, tokens never cross the channel: each tab is its own
 *   session (and renews it itself); only the end of the session is shared.
 * - **Every message is checked** (`parseSessionMessage`, then `checkTokenSet` with this tab's
 *   session as the one to continue); anything else is dropped without a word.
 * - Exactly one tab renews (sessionStorage and localStorage): the holder of a Web Lock.
 *   okta-auth-js's autoRenew is off because it also renews from `isAuthenticated()` in every tab;
 *   with refresh-token rotation, two tabs renewing with the same token trip reuse detection.
 * - When the session ends elsewhere, a tab showing a page that requires sign-in leaves it.
 */
@Injectable({ providedIn: 'root' })
export class SessionSync {
  private readonly oktaAuth = inject(OKTA_AUTH);
  private readonly config = inject(AUTH_CONFIG);
  private readonly router = inject(Router);
  private readonly attempts = inject(SignInAttempts);
  private readonly generations = new SessionGenerations(this.config.clientId);
  private channel: BroadcastChannel | null = null;
  private isLeader = false;
  private wasSignedIn = false;
  private endingHere = false;
  /** The generation of the session this tab holds; null while it holds none. */
  private generation: number | null = null;
  private renewal: Promise<string | null> | null = null;
  private readonly renewalStarts: number[] = [];
  private readyPromise: Promise<void> = Promise.resolve();
  private peerAnswered: () => void = () => undefined;
  /** Set while this tab waits for the renewing tab: finishes that wait by renewing here. */
  private renewHereInstead: (() => void) | null = null;
  private applyingPeerTokens = false;
  /** The access token this tab last followed, to tell a newer localStorage session from its own. */
  private followedAccessToken: string | undefined;
  /** The Web Lock that tells dpop-key-sweep.ts this tab's session uses this key pair. */
  private keyLock: { readonly pairId: string; readonly release: () => void } | null = null;
  private snapshotQueued = false;

  /** Resolves once this tab knows whether it has a usable session (its own or an open tab's). */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  start(): void {
    const tokenManager = this.oktaAuth.tokenManager;
    this.adoptStoredSession();
    this.followKeyPair();
    const restore = this.routeRenewalsHere(tokenManager);
    const onAuthState = (state: AuthState) => this.followAuthState(state);
    const onExpired = (key: string) => this.renewIfLeader(key);
    const onTokensChanged = () => this.followTokens();
    this.oktaAuth.authStateManager.subscribe(onAuthState);
    tokenManager.on('expired', onExpired);
    tokenManager.on('added', onTokensChanged);
    tokenManager.on('removed', onTokensChanged);
    // okta-auth-js tells the other tabs of a localStorage session over its own channel, which its
    // services open asynchronously: a callback page can store its tokens before that channel
    // exists, and the tabs never hear of the sign-in. The browser's storage event always comes.
    const onStorage = (event: StorageEvent) => {
      if (event.storageArea !== localStorage || event.key !== TOKEN_STORAGE_KEY) return;
      this.followTokens();
      void this.oktaAuth.authStateManager.updateAuthState();
    };
    if (this.config.tokenStorage === 'localStorage') window.addEventListener('storage', onStorage);
    if (typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(`${this.config.clientId}-session`);
      this.channel.onmessage = (event: MessageEvent<unknown>) => this.answer(event.data);
    }
    const alone = this.electLeader();
    // Never rejects: the guard awaits it on every navigation. A renewal that throws has already
    // ended the session (renewHere), so the tab is ready, signed out.
    this.readyPromise = Promise.all([this.askOpenTabs(alone), alone])
      .then(() => this.renewIfExpired())
      .catch(() => undefined);
    inject(DestroyRef).onDestroy(() => {
      restore();
      this.oktaAuth.authStateManager.unsubscribe(onAuthState);
      tokenManager.off('expired', onExpired);
      tokenManager.off('added', onTokensChanged);
      tokenManager.off('removed', onTokensChanged);
      window.removeEventListener('storage', onStorage);
      this.channel?.close();
      this.channel = null; // A snapshot queued before this point has nowhere to go.
      this.keyLock?.release();
    });
  }

  /**
   * Ends the session on purpose (sign-out, a security failure), here and in every tab, at once:
   * moves the session generation on, tells the other tabs, and clears this tab's tokens. This tab
   * shows what happens next itself, so the signed-out state that follows does not navigate it.
   *
   * Resolves when a renewal that was already under way has settled (if its answer came after this
   * call, it was dropped and what it brought revoked) and the DPoP keys are deleted. Wait for it
   * before leaving the page.
   */
  endSession(): Promise<void> {
    const inFlight = this.renewal;
    this.endingHere = true;
    this.post({ type: 'signed-out', generation: this.generations.next() });
    this.clearHere();
    // The DPoP key pair goes with the tokens bound to it (a sign-in makes a new one); all pairs, so
    // that one left behind by a sign-in that never finished goes too. A renewal under way holds
    // its key in memory: its answer is dropped and revoked, which needs no proof.
    const keys = this.config.dpop
      ? this.oktaAuth.clearDPoPStorage(true).catch(() => undefined)
      : Promise.resolve();
    return Promise.all([inFlight, keys]).then(() => undefined);
  }

  /**
   * Ends a session this tab can no longer use (its DPoP key pair is gone, or its tokens are not
   * bound the way the configuration requires) as a failed renewal ends one: in every tab, then
   * one automatic sign-in on a guarded page, under the loop breaker. A tab whose session already
   * ended elsewhere (it slept through a sign-out) only clears itself: it must not end a newer one.
   */
  endUnusableSession(): void {
    if (this.generation === null || !this.isCurrent(this.generation)) {
      this.clearHere();
      return;
    }
    void this.endAfterFailedRenewal(null, UNUSABLE_SESSION_MESSAGE);
  }

  /**
   * Renews the access token now (e.g. after the API answered 401) and returns the new one, or
   * null when renewal failed (the session has then ended, see endAfterFailedRenewal).
   */
  renewAccessToken(): Promise<string | null> {
    this.renewal ??= (this.isLeader ? this.renewHere() : this.renewInLeader())
      .catch(() => null)
      .finally(() => {
        this.renewal = null;
      });
    return this.renewal;
  }

  /**
   * Renews first if the access or the ID token is past its renewal time (left from earlier, or
   * handed over): either one expired makes the app signed out to okta-auth-js.
   */
  async renewIfExpired(): Promise<void> {
    const tokenManager = this.oktaAuth.tokenManager;
    const { accessToken, idToken, refreshToken } = tokenManager.getTokensSync();
    const due = [accessToken, idToken].some((token) => token && tokenManager.hasExpired(token));
    if (refreshToken && due) await this.renewAccessToken();
  }

  /**
   * Sends every renewal okta-auth-js could start through renewHere(), and stops okta-auth-js from
   * storing a rotated refresh token before the answer is checked. Returns the undo.
   */
  private routeRenewalsHere(tokenManager: TokenManager): () => void {
    const { renew, updateRefreshToken, removeRefreshToken } = tokenManager;
    tokenManager.renew = async (key: string): Promise<Token | undefined> => {
      if (!(await this.renewAccessToken())) throw new Error('The session could not be renewed.');
      const tokens = tokenManager.getTokensSync();
      return key === 'idToken' ? tokens.idToken : tokens.accessToken;
    };
    // renewHere() stores the rotated refresh token with the rest of the set, once it is checked.
    tokenManager.updateRefreshToken = () => undefined;
    // okta-auth-js removes the stored refresh token when a refresh is refused (invalid_grant). A
    // refusal that arrives late must not touch the session stored by then; a refusal in time ends
    // the whole session anyway (endAfterFailedRenewal).
    tokenManager.removeRefreshToken = () => undefined;
    return () => {
      tokenManager.renew = renew;
      tokenManager.updateRefreshToken = updateRefreshToken;
      tokenManager.removeRefreshToken = removeRefreshToken;
    };
  }

  /**
   * Resolves once this tab knows whether it renews, with whether it is the app's only open tab:
   * every started tab holds the renewal lock or waits for it, so a lock granted at once means no
   * other is open. Except for a moment: a tab starting right then, whose first request was refused,
   * holds nothing until it queues its second. This tab then misses that tab's session and signs in
   * (with an Okta session, a silent round trip); if its answer still comes, it is checked and
   * stored as any answer is. Without Web Locks, or when they are refused, a tab cannot tell.
   */
  private async electLeader(): Promise<boolean> {
    // Memory: each tab has its own tokens (its own grant), so each renews them itself.
    if (!navigator.locks || this.config.tokenStorage === 'memory') {
      this.isLeader = true; // No Web Locks: every tab renews, as okta-auth-js would.
      return false;
    }
    const name = `${this.config.clientId}-token-renewal`;
    const lead = () => {
      this.isLeader = true;
      return new Promise<never>(() => undefined);
    };
    // Find out now whether this tab leads, so that start-up renewal is not sent to a leader
    // that does not exist; otherwise wait in line, held until this tab closes.
    // A refused request (e.g. a sandboxed frame) leaves this tab renewing for itself, as without
    // Web Locks; otherwise `ready` would wait forever.
    const outcome = await new Promise<'alone' | 'behind' | 'refused'>((decided) => {
      const refused = () => {
        this.isLeader = true;
        decided('refused');
      };
      try {
        navigator.locks
          .request(name, { ifAvailable: true }, (lock) => {
            decided(lock ? 'alone' : 'behind');
            return lock ? lead() : undefined;
          })
          .catch(refused);
      } catch {
        refused();
      }
    });
    if (outcome === 'behind') {
      navigator.locks
        .request(name, () => {
          // Leader first: a renewal started now must not be sent to the tab that just closed.
          const held = lead();
          this.takeOverRenewal();
          return held;
        })
        .catch(() => undefined);
    }
    return outcome === 'alone';
  }

  /** This tab now renews: finish a renewal it was waiting for, or renew what is already due. */
  private takeOverRenewal(): void {
    const waiting = this.renewHereInstead;
    if (waiting) waiting();
    else void this.renewIfExpired();
  }

  private async renewHere(): Promise<string | null> {
    const generation = this.generation;
    const current = this.tokens();
    if (generation === null) return null;
    if (!this.isCurrent(generation)) {
      // This tab missed the end of its session (bfcache, no BroadcastChannel): it is over here too.
      if (this.isLeader) void this.revoke(current);
      this.clearHere();
      return null;
    }
    if (!this.takeRenewalSlot()) {
      void this.endAfterFailedRenewal('the app had to renew too often');
      return null;
    }
    let renewed: Tokens;
    try {
      renewed = await this.oktaAuth.token.renewTokens();
    } catch {
      if (this.isCurrent(generation)) void this.endAfterFailedRenewal(null);
      return null;
    }
    const stored = this.tokens();
    const ended = !this.isCurrent(generation);
    if (ended || stored.refreshToken?.refreshToken !== current.refreshToken?.refreshToken) {
      // The session ended (here or in another tab) while Okta was answering, or another sign-in
      // (a step-up: same user, so same generation) replaced the refresh token this renewal redeemed.
      // Nothing it sent may be kept, and the refresh token it issued must not outlive the session
      // it renewed. A newer session stays, and its access token is the answer.
      await this.revoke(renewed);
      return (!ended && stored.accessToken?.accessToken) || null;
    }
    try {
      const verdict = this.check(renewed, 'renewal', current);
      if (!verdict.ok) {
        void this.revoke(renewed);
        void this.endAfterFailedRenewal(verdict.problem);
        return null;
      }
      // A refresh token grant need not rotate the refresh token: then the current one stays.
      this.oktaAuth.tokenManager.setTokens({
        refreshToken: current.refreshToken,
        ...verdict.tokens,
      });
      return verdict.tokens.accessToken?.accessToken ?? null;
    } catch {
      // An answer the checks or the store cannot take (okta-auth-js's "Unable to set storage" over
      // the quota) is a failed renewal like any other.
      void this.revoke(renewed);
      void this.endAfterFailedRenewal(null);
      return null;
    }
  }

  /** Asks the renewing tab, then waits for its new token to arrive through the channel or sync. */
  private renewInLeader(): Promise<string | null> {
    const tokenManager = this.oktaAuth.tokenManager;
    const before = tokenManager.getTokensSync().accessToken?.accessToken;
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        tokenManager.off('added', onAdded);
        tokenManager.off('removed', onRemoved);
        this.renewHereInstead = null;
      };
      const done = (token: string | null) => {
        stop();
        resolve(token);
      };
      // The renewing tab closed and this one took its place: nobody else will answer.
      this.renewHereInstead = () => {
        stop();
        resolve(this.renewHere());
      };
      const onAdded = (key: string, token: Token) => {
        const value = (token as AccessToken).accessToken;
        if (key === 'accessToken' && value && value !== before) done(value);
      };
      // setTokens() emits `removed` for the old token before `added` for its replacement.
      const onRemoved = (key: string) =>
        key === 'accessToken' && !tokenManager.getTokensSync().accessToken && done(null);
      const timer = setTimeout(() => done(null), RENEWAL_WAIT_MS);
      tokenManager.on('added', onAdded);
      tokenManager.on('removed', onRemoved);
      this.post({ type: 'request-renewal' });
    });
  }

  private renewIfLeader(key: string): void {
    if (this.isLeader && (key === 'accessToken' || key === 'idToken')) void this.renewAccessToken();
  }

  /** Counts a renewal against the floor; false when the floor is reached. */
  private takeRenewalSlot(): boolean {
    const now = Date.now();
    while (this.renewalStarts.length && now - this.renewalStarts[0] >= RENEWAL_WINDOW_MS) {
      this.renewalStarts.shift();
    }
    if (this.renewalStarts.length >= MAX_RENEWALS) return false;
    this.renewalStarts.push(now);
    return true;
  }

  private check(tokens: unknown, source: TokenSetSource, current: Tokens) {
    return checkTokenSet(tokens, {
      source,
      issuer: this.config.issuer,
      clientId: this.config.clientId,
      current,
      nowSeconds: Math.floor(Date.now() / 1000),
      maxClockSkewSeconds: MAX_CLOCK_SKEW_SECONDS,
      requireDpop: requiresDpop(this.config),
    });
  }

  /** Whether `generation` is this tab's session and still the current one everywhere. */
  private isCurrent(generation: number): boolean {
    return this.generation === generation && generation === this.generations.current();
  }

  /**
   * The tokens stored now. One short name: property names survive minification, and the initial
   * bundle is near its budget.
   */
  private tokens(): Tokens {
    return this.oktaAuth.tokenManager.getTokensSync();
  }

  private hasSession(): boolean {
    const { accessToken, idToken } = this.tokens();
    return !!(accessToken || idToken);
  }

  /** At start: a session kept in storage is this tab's only if no sign-out has happened since. */
  private adoptStoredSession(): void {
    if (!this.hasSession()) return;
    // sessionStorage keeps the generation with the tokens; localStorage is cleared by a sign-out
    // in any tab, and memory keeps nothing across a reload.
    const stored =
      this.config.tokenStorage === 'sessionStorage'
        ? this.generations.storedForTab()
        : this.generations.current();
    if (stored !== this.generations.current()) {
      this.clearHere(); // This tab slept through the end of that session.
      return;
    }
    const { accessToken } = this.tokens();
    const binding = {
      oktaDpop: !!this.oktaAuth.options.dpop,
      requireDpop: requiresDpop(this.config),
    };
    if (accessToken && !canUseBinding(accessToken.tokenType, binding)) {
      // Stored before the DPoP setting changed: no request could use it as the setting says.
      void this.revoke(this.tokens());
      this.clearHere();
      return;
    }
    this.generation = stored;
    this.followedAccessToken = accessToken?.accessToken;
  }

  /** Tokens were added or removed: a session began or ended here, or changed (shared if need be). */
  private followTokens(): void {
    this.followKeyPair();
    if (!this.hasSession()) {
      this.setGeneration(null);
      return;
    }
    // A new session here (sign-in; with localStorage, a sign-in in another tab) joins the current
    // generation. Sessions from another tab's message were given theirs in applyPeerTokens().
    // With localStorage, whatever storage holds is current: every sign-out clears it, and a
    // renewal stores only while current. So a tab that slept through a sign-out and then a new
    // sign-in takes the new session's generation instead of judging it by its own old one.
    if (this.generation === null || this.config.tokenStorage === 'localStorage') {
      this.setGeneration(this.generations.current());
    }
    this.followedAccessToken = this.tokens().accessToken?.accessToken;
    // The callback's own tokens answer what `ready` waits for: the guard of the page it returns
    // to need not wait out PEER_ANSWER_MS for tabs that have nothing newer to say.
    this.peerAnswered();
    if (this.sharesTokens() && !this.applyingPeerTokens) this.shareTokens();
  }

  /** Holds the lock of the key pair this tab's tokens are bound to, and of no other. */
  private followKeyPair(): void {
    const { accessToken, refreshToken } = this.tokens();
    const pairId = accessToken?.dpopPairId ?? refreshToken?.dpopPairId;
    if (this.keyLock?.pairId === pairId) return;
    this.keyLock?.release();
    this.keyLock = null;
    if (!pairId) return;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    holdSharedLock(keyLockName(this.config.clientId, pairId), released);
    this.keyLock = { pairId, release };
  }

  private setGeneration(generation: number | null): void {
    this.generation = generation;
    if (this.config.tokenStorage === 'sessionStorage') this.generations.storeForTab(generation);
  }

  /** Only sessionStorage needs the channel for tokens: localStorage is shared, memory is not shared. */
  private sharesTokens(): boolean {
    return this.config.tokenStorage === 'sessionStorage';
  }

  /** Sends this tab's session to the other tabs, once per burst of changes. */
  private shareTokens(): void {
    if (this.snapshotQueued) return;
    this.snapshotQueued = true;
    queueMicrotask(() => {
      this.snapshotQueued = false;
      this.postSession();
    });
  }

  private postSession(): void {
    const { generation } = this;
    if (generation === null || !this.hasSession()) return;
    if (!this.isCurrent(generation)) {
      this.clearHere(); // A session of an ended generation is not handed to anyone.
      return;
    }
    this.post({ type: 'tokens', tokens: this.tokens(), generation });
  }

  private applyPeerTokens(tokens: unknown, generation: number): void {
    // A session from before the last sign-out (a late renewal, a tab that slept through it) is over,
    // and one of a generation beyond the next was never sent by a tab of the app.
    if (!this.generations.isPlausible(generation)) return;
    const mine = this.tokens();
    const verdict = this.check(tokens, 'another tab', mine);
    if (!verdict.ok) return;
    this.generations.observe(generation);
    this.setGeneration(generation);
    if (!sameJson(mine, verdict.tokens)) {
      this.applyingPeerTokens = true;
      try {
        this.oktaAuth.tokenManager.setTokens(verdict.tokens);
      } finally {
        this.applyingPeerTokens = false;
      }
    }
    this.peerAnswered();
  }

  /** The session ended in another tab: end it here too, without telling anyone again. */
  private endedElsewhere(generation: number): void {
    this.generations.observe(generation);
    if (this.generation === null) return;
    // localStorage already holds a session this tab never followed: it began after that sign-out
    // (which cleared the shared storage), so it is not this tab's to end.
    const stored = this.tokens().accessToken?.accessToken;
    if (
      this.config.tokenStorage === 'localStorage' &&
      stored &&
      stored !== this.followedAccessToken
    ) {
      this.followTokens();
      return;
    }
    // A session newer than this sign-out stays; one the counter has left behind does not.
    if (this.generation >= generation && this.generation === this.generations.current()) return;
    // This tab's refresh token may be one the ending tab never saw: with memory each tab has its
    // own grant, and the renewing tab may have rotated it a moment ago. Revoke it (best effort).
    if (this.isLeader) void this.revoke(this.tokens());
    this.clearHere();
  }

  /** Clears this tab's tokens only (the other tabs are told by the caller, if at all). */
  private clearHere(): void {
    this.applyingPeerTokens = true;
    try {
      this.oktaAuth.tokenManager.clear();
    } finally {
      this.applyingPeerTokens = false;
    }
    this.setGeneration(null);
  }

  private async revoke({ accessToken, refreshToken }: Tokens): Promise<void> {
    await Promise.allSettled([
      refreshToken && this.oktaAuth.revokeRefreshToken(refreshToken),
      accessToken && this.oktaAuth.revokeAccessToken(accessToken),
    ]);
  }

  private askOpenTabs(alone: Promise<boolean>): Promise<void> {
    if (!this.channel || this.hasSession() || !this.sharesTokens()) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, PEER_ANSWER_MS);
      this.peerAnswered = () => {
        clearTimeout(timer);
        resolve();
      };
      this.post({ type: 'request-session' });
      // The only open tab has no one to wait for (a tab starting at this very moment may still
      // answer: its session is stored when it comes, as any late answer is).
      void alone.then((isAlone) => isAlone && this.peerAnswered());
    });
  }

  private answer(data: unknown): void {
    const message = parseSessionMessage(data);
    if (!message) return; // Not one of ours, or malformed: dropped.
    switch (message.type) {
      case 'request-session':
        if (this.sharesTokens()) this.postSession();
        break;
      case 'tokens':
        if (this.sharesTokens()) this.applyPeerTokens(message.tokens, message.generation);
        break;
      case 'request-renewal':
        // With memory, no other tab holds this tab's tokens, so none can need them renewed.
        if (this.isLeader && this.config.tokenStorage !== 'memory') void this.renewAccessToken();
        break;
      case 'signed-out':
        this.endedElsewhere(message.generation);
        break;
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

  /**
   * Ends the session everywhere after a failed renewal; `problem` is the failed check, if one
   * failed. On a page that requires sign-in, signs in again once, back to the same page.
   */
  private async endAfterFailedRenewal(
    problem: string | null,
    message = failedRenewalMessage(problem),
  ): Promise<void> {
    if (!this.hasSession()) return;
    const returnTo = this.router.url;
    const guarded = this.isOnGuardedPage();
    // During a navigation (e.g. the guard renewing before it judges), the guard signs in itself,
    // back to where the user was going; signing in here too would count twice, to the wrong page.
    const navigating = this.router.currentNavigation() !== null;
    void this.endSession();
    if (guarded && !navigating && !this.attempts.mustStop()) {
      if (this.retriedRecently()) {
        // The session the last automatic sign-in brought failed too: a sign-in would not help.
        this.attempts.recordFailure(message);
        await this.router.navigateByUrl(CALLBACK_PATH); // It shows the message, with Try again.
        return;
      }
      this.attempts.recordAutomaticStart();
      this.rememberRetry();
      try {
        await this.oktaAuth.signInWithRedirect({ originalUri: returnTo });
        return; // The page is on its way to Okta.
      } catch {
        // Okta unreachable: the guard explains on the next guarded navigation.
      }
    }
    this.endingHere = false;
  }

  private retriedRecently(): boolean {
    const at = Number(sessionStorage.getItem(this.retryKey()));
    return Number.isFinite(at) && at > 0 && Date.now() - at < RETRY_SIGN_IN_WINDOW_MS;
  }

  private rememberRetry(): void {
    sessionStorage.setItem(this.retryKey(), String(Date.now()));
  }

  private retryKey(): string {
    return `${this.config.clientId}-renewal-sign-in-at`;
  }

  private isOnGuardedPage(): boolean {
    return isSignInRequired(this.router.routerState.snapshot.root);
  }
}

/** Why a session that could not be used ended, when signing in again did not help either. */
export const UNUSABLE_SESSION_MESSAGE =
  'Your session could not be used in this browser. Sign in again.';

function failedRenewalMessage(problem: string | null): string {
  return problem
    ? `Okta's renewal of your session failed a security check (${problem}), so you were signed out. Please try again.`
    : 'Your session could not be renewed, so you were signed out. Please try again.';
}
