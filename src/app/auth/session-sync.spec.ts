import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type {
  AccessToken,
  AuthState,
  IDToken,
  OktaAuth,
  RefreshToken,
  Token,
  Tokens,
} from '@okta/okta-auth-js/core';
import { AuthConfig, TokenStorage } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { authGuard } from './auth-guard';
import { OKTA_AUTH } from './okta-auth-token';
import { PEER_ANSWER_MS, SessionSync } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';

type TokenKey = 'idToken' | 'accessToken' | 'refreshToken';
type Listener = (...args: never[]) => void;
/** What the tabs say to each other over the `${clientId}-session` channel. */
type SessionMessage =
  { type: 'request-session' } | { type: 'tokens'; tokens: Tokens } | { type: 'request-renewal' };

const token = { expiresAt: 4102444800, authorizeUrl: 'https://okta/authorize', scopes: ['openid'] };
const idToken: IDToken = {
  ...token,
  idToken: 'id.token.jwt',
  claims: { sub: '00u1abcd' },
  issuer: 'https://dev-123456.okta.com/oauth2/default',
  clientId: '0oa1b2c3d4e5f6g7h8i9',
};
function accessTokenOf(value: string): AccessToken {
  return {
    ...token,
    accessToken: value,
    claims: { sub: '00u1abcd' },
    tokenType: 'Bearer',
    userinfoUrl: 'https://okta/userinfo',
  };
}
const accessToken = accessTokenOf('access.token.jwt');
const refreshToken: RefreshToken = {
  ...token,
  refreshToken: 'refresh-token',
  tokenUrl: 'https://okta/token',
  issuer: 'https://dev-123456.okta.com/oauth2/default',
};
const allTokens: Tokens = { idToken, accessToken, refreshToken };

/**
 * okta-auth-js's TokenManager as far as SessionSync uses it: an event emitter over a token store
 * that emits `added`/`removed` synchronously from setTokens() and clear(), as the real one does.
 */
class FakeTokenManager {
  tokens: Tokens = {};
  readonly renew = jasmine.createSpy<(key: string) => Promise<Token | undefined>>('renew');
  readonly hasExpired = jasmine.createSpy<(token: Token) => boolean>('hasExpired');
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
  }

  off(event: string, listener: Listener): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as (...args: unknown[]) => void)(...args);
    }
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  getTokensSync(): Tokens {
    return { ...this.tokens };
  }

  setTokens(tokens: Tokens): void {
    const before = this.tokens;
    this.tokens = { ...tokens };
    for (const key of ['idToken', 'accessToken', 'refreshToken'] as TokenKey[]) {
      if (before[key]) this.emit('removed', key, before[key]);
      if (tokens[key]) this.emit('added', key, tokens[key]);
    }
  }

  remove(key: TokenKey): void {
    const removed = this.tokens[key];
    this.tokens = { ...this.tokens, [key]: undefined };
    delete this.tokens[key];
    this.emit('removed', key, removed);
  }

  clear(): void {
    const before = this.tokens;
    this.tokens = {};
    for (const key of Object.keys(before) as TokenKey[]) this.emit('removed', key, before[key]);
  }
}

class FakeAuthStateManager {
  private readonly handlers = new Set<(state: AuthState) => void>();

  subscribe(handler: (state: AuthState) => void): void {
    this.handlers.add(handler);
  }

  unsubscribe(handler: (state: AuthState) => void): void {
    this.handlers.delete(handler);
  }

  report(state: AuthState): void {
    for (const handler of [...this.handlers]) handler(state);
  }

  subscriberCount(): number {
    return this.handlers.size;
  }
}

interface FakeOktaAuth extends jasmine.SpyObj<
  Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>
> {
  readonly tokenManager: FakeTokenManager;
  readonly authStateManager: FakeAuthStateManager;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits (up to a second) until `check` holds; BroadcastChannel delivers in later tasks. */
async function waitFor(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 1000) throw new Error('Timed out waiting for the condition');
    await delay(5);
  }
}

let testNumber = 0;

describe('SessionSync', () => {
  let clientId: string;
  let oktaAuth: FakeOktaAuth;
  let tokenManager: FakeTokenManager;
  let authState: FakeAuthStateManager;
  /** Another tab of the app: a second channel with the same name. */
  let peer: BroadcastChannel;
  /** What the other tab has received from this one. */
  let received: SessionMessage[];
  const releaseLocks: (() => void)[] = [];

  function configure(tokenStorage: TokenStorage = 'sessionStorage'): void {
    const config: AuthConfig = {
      issuer: 'https://dev-123456.okta.com/oauth2/default',
      clientId,
      scopes: ['openid', 'offline_access'],
      apiOrigins: [],
      tokenStorage,
      requestTimeoutSeconds: 15,
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: '', children: [] },
          { path: 'private', canActivate: [authGuard], children: [] },
          { path: 'public', children: [] },
        ]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        { provide: AUTH_CONFIG, useValue: config },
      ],
    });
  }

  beforeEach(() => {
    clientId = `session-sync-spec-${++testNumber}-${Date.now()}`;
    tokenManager = new FakeTokenManager();
    tokenManager.hasExpired.and.returnValue(false);
    authState = new FakeAuthStateManager();
    oktaAuth = {
      ...jasmine.createSpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>(
        'OktaAuth',
        ['isAuthenticated', 'signInWithRedirect'],
      ),
      tokenManager,
      authStateManager: authState,
    };
    oktaAuth.isAuthenticated.and.resolveTo(true);
    oktaAuth.signInWithRedirect.and.resolveTo();
    received = [];
    peer = new BroadcastChannel(`${clientId}-session`);
    peer.onmessage = (event: MessageEvent<SessionMessage>) => received.push(event.data);
  });

  afterEach(() => {
    peer.close();
    releaseLocks.splice(0).forEach((release) => release());
    TestBed.inject(SignInAttempts).reset();
  });

  /** Starts the service as provideOktaAuth() does; TestBed's teardown runs its cleanup. */
  function start(): SessionSync {
    const sync = TestBed.inject(SessionSync);
    TestBed.runInInjectionContext(() => sync.start());
    return sync;
  }

  /** Another tab of the app (a test-held Web Lock) is the one that renews. */
  async function holdRenewalLockElsewhere(): Promise<void> {
    await new Promise<void>((held) => {
      void navigator.locks.request(
        `${clientId}-token-renewal`,
        () =>
          new Promise<void>((release) => {
            releaseLocks.push(release);
            held();
          }),
      );
    });
  }

  /** Resolves once this tab has been granted the renewal lock and knows it. */
  async function becomeLeader(): Promise<void> {
    for (let waited = 0; ; waited += 5) {
      const { held } = await navigator.locks.query();
      if (held?.some((lock) => lock.name === `${clientId}-token-renewal`)) break;
      if (waited > 1000) throw new Error('This tab never got the renewal lock');
      await delay(5);
    }
    await delay(0); // The lock callback runs in the task that grants the lock.
  }

  /** The token snapshots the other tab has received (leaving out requests for the session). */
  const snapshots = () => received.filter((message) => message.type === 'tokens');

  /** A message from the other tab, delivered to this tab. */
  async function fromPeer(message: SessionMessage): Promise<void> {
    peer.postMessage(message);
    await delay(20);
  }

  describe('with sessionStorage, which the tabs do not share', () => {
    beforeEach(() => configure('sessionStorage'));

    describe('sharing tokens', () => {
      it("sends this tab's tokens to the other tabs when they change", async () => {
        start();

        tokenManager.setTokens(allTokens);
        await waitFor(() => snapshots().length > 0);

        expect(snapshots()).toEqual([{ type: 'tokens', tokens: allTokens }]);
      });

      it('sends one snapshot for a burst of changes', async () => {
        start();

        tokenManager.setTokens(allTokens); // Three `added` events.
        await delay(50);

        expect(snapshots().length).toBe(1);
      });

      it('tells the other tabs when the tokens are gone', async () => {
        tokenManager.tokens = { ...allTokens };
        start();

        tokenManager.clear();
        await waitFor(() => received.length > 0);

        expect(received).toEqual([{ type: 'tokens', tokens: {} }]);
      });

      it('stores tokens another tab sends', async () => {
        start();
        const setTokens = spyOn(tokenManager, 'setTokens').and.callThrough();

        await fromPeer({ type: 'tokens', tokens: allTokens });

        expect(setTokens).toHaveBeenCalledOnceWith(allTokens);
        expect(tokenManager.getTokensSync()).toEqual(allTokens);
      });

      it('does not send tokens from another tab back to the tabs', async () => {
        start();

        await fromPeer({ type: 'tokens', tokens: allTokens });
        await delay(30);

        expect(tokenManager.getTokensSync()).toEqual(allTokens);
        expect(snapshots()).toEqual([]);
      });

      it('clears its tokens when another tab sends an empty snapshot, without echoing it', async () => {
        tokenManager.tokens = { ...allTokens };
        start();
        const clear = spyOn(tokenManager, 'clear').and.callThrough();

        await fromPeer({ type: 'tokens', tokens: {} });
        await delay(30);

        expect(clear).toHaveBeenCalledTimes(1);
        expect(tokenManager.getTokensSync()).toEqual({});
        expect(received).toEqual([]);
      });

      it('leaves its storage alone when another tab sends the tokens it already has', async () => {
        tokenManager.tokens = { ...allTokens };
        start();
        const setTokens = spyOn(tokenManager, 'setTokens').and.callThrough();

        await fromPeer({ type: 'tokens', tokens: allTokens });

        expect(setTokens).not.toHaveBeenCalled();
      });

      it('shares its own changes again after applying a peer snapshot', async () => {
        start();
        await fromPeer({ type: 'tokens', tokens: allTokens });

        tokenManager.clear();
        await waitFor(() => snapshots().length > 0);

        expect(snapshots()).toEqual([{ type: 'tokens', tokens: {} }]);
      });

      it('stops listening when the app is destroyed', async () => {
        start();
        await delay(20);
        received.length = 0; // Its own request for the session.

        TestBed.resetTestingModule();
        tokenManager.setTokens(allTokens);
        await delay(30);

        expect(received).toEqual([]);
        expect(tokenManager.listenerCount()).toBe(0);
        expect(authState.subscriberCount()).toBe(0);
        configure(); // afterEach injects SignInAttempts.
      });
    });

    describe('handing the session to a new tab', () => {
      it('answers a request for the session with its tokens', async () => {
        tokenManager.tokens = { ...allTokens };
        start();

        peer.postMessage({ type: 'request-session' });
        await waitFor(() => received.length > 0);

        expect(received).toEqual([{ type: 'tokens', tokens: allTokens }]);
      });

      it('does not answer a request for the session when it has no tokens', async () => {
        start();
        await delay(20);
        received.length = 0; // Its own request for the session.

        await fromPeer({ type: 'request-session' });
        await delay(30);

        expect(received).toEqual([]);
      });

      it('asks the open tabs for the session when it starts without tokens', async () => {
        start();

        await waitFor(() => received.length > 0);

        expect(received).toEqual([{ type: 'request-session' }]);
      });

      it('does not ask when it has tokens of its own, and is ready at once', async () => {
        tokenManager.tokens = { ...allTokens };
        const sync = start();
        let ready = false;
        void sync.ready.then(() => (ready = true));

        await delay(30);

        expect(ready).toBeTrue();
        expect(received).toEqual([]);
      });

      it('is ready, with the tokens stored, as soon as an open tab answers', async () => {
        peer.onmessage = (event: MessageEvent<SessionMessage>) => {
          if (event.data.type === 'request-session') {
            peer.postMessage({ type: 'tokens', tokens: allTokens });
          }
        };
        const started = performance.now();

        await start().ready;

        expect(performance.now() - started).toBeLessThan(PEER_ANSWER_MS);
        expect(tokenManager.getTokensSync()).toEqual(allTokens);
      });

      it('is ready after PEER_ANSWER_MS when no tab answers, without tokens', async () => {
        const started = performance.now();
        const sync = start();
        let ready = false;
        void sync.ready.then(() => (ready = true));

        await delay(PEER_ANSWER_MS / 2);
        const readyEarly = ready;
        await sync.ready;

        expect(readyEarly).toBeFalse();
        expect(performance.now() - started).toBeGreaterThanOrEqual(PEER_ANSWER_MS - 5);
        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('renews handed-over tokens that are past their renewal time before being ready', async () => {
        tokenManager.hasExpired.and.returnValue(true);
        tokenManager.renew.and.resolveTo(accessTokenOf('renewed.access.token'));
        peer.onmessage = (event: MessageEvent<SessionMessage>) => {
          if (event.data.type === 'request-session') {
            // Answer once this tab surely holds the renewal lock (see the startup test below).
            setTimeout(() => peer.postMessage({ type: 'tokens', tokens: allTokens }), 50);
          }
        };
        const sync = start();
        let renewedWhenReady = false;

        await sync.ready.then(() => (renewedWhenReady = tokenManager.renew.calls.any()));

        expect(renewedWhenReady).toBeTrue();
        expect(tokenManager.renew).toHaveBeenCalledOnceWith('accessToken');
      });
    });

    describe('in the tab that holds the renewal lock', () => {
      beforeEach(() => {
        tokenManager.tokens = { ...allTokens };
      });

      it('renews its own tokens that are past their renewal time soon after it starts', async () => {
        // E.g. the only tab, reloaded after its access token expired: nobody else can renew.
        tokenManager.hasExpired.and.returnValue(true);
        tokenManager.renew.and.resolveTo(accessTokenOf('renewed.access.token'));
        let ready = false;

        void start().ready.then(() => (ready = true));
        await delay(PEER_ANSWER_MS);

        // It must not wait RENEWAL_WAIT_MS for a renewing tab: it is that tab.
        expect(tokenManager.renew).toHaveBeenCalledWith('accessToken');
        expect(ready).toBeTrue();
      });

      it('renews when the access token expires', async () => {
        tokenManager.renew.and.resolveTo(accessTokenOf('renewed.access.token'));
        start();
        await becomeLeader();

        tokenManager.emit('expired', 'accessToken', accessToken);

        expect(tokenManager.renew).toHaveBeenCalledOnceWith('accessToken');
      });

      it('does not renew on its own when the refresh token "expires"', async () => {
        start();
        await becomeLeader();

        tokenManager.emit('expired', 'refreshToken', refreshToken);

        expect(tokenManager.renew).not.toHaveBeenCalled();
      });

      it('renews once for concurrent requests and gives each the new token', async () => {
        let finish: (token: AccessToken) => void = () => undefined;
        tokenManager.renew.and.returnValue(new Promise((resolve) => (finish = resolve)));
        const sync = start();
        await becomeLeader();

        const first = sync.renewAccessToken();
        const second = sync.renewAccessToken();
        finish(accessTokenOf('renewed.access.token'));

        expect(await first).toBe('renewed.access.token');
        expect(await second).toBe('renewed.access.token');
        expect(tokenManager.renew).toHaveBeenCalledTimes(1);
      });

      it('renews again on a later request, once the previous renewal has settled', async () => {
        tokenManager.renew.and.resolveTo(accessTokenOf('renewed.access.token'));
        const sync = start();
        await becomeLeader();

        await sync.renewAccessToken();
        await sync.renewAccessToken();

        expect(tokenManager.renew).toHaveBeenCalledTimes(2);
      });

      it("renews when another tab asks it to (that tab's API answered 401)", async () => {
        tokenManager.renew.and.resolveTo(accessTokenOf('renewed.access.token'));
        start();
        await becomeLeader();

        await fromPeer({ type: 'request-renewal' });

        expect(tokenManager.renew).toHaveBeenCalledOnceWith('accessToken');
      });

      describe('when renewal fails (refresh token revoked, Okta down)', () => {
        /** okta-auth-js's renew(): removes the token, emits `error`, then rejects. */
        function failRenewal(): void {
          tokenManager.renew.and.callFake(async (key: string) => {
            const error = new Error('The refresh token is invalid or expired.');
            tokenManager.remove(key as TokenKey);
            tokenManager.emit('error', error);
            throw error;
          });
        }

        beforeEach(() => failRenewal());

        it('resolves renewAccessToken() with null', async () => {
          const sync = start();
          await becomeLeader();

          expect(await sync.renewAccessToken()).toBeNull();
        });

        it('clears the tokens and signs in again, once, back to the guarded page', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private?tab=2#top');
          const clear = spyOn(tokenManager, 'clear').and.callThrough();

          await sync.renewAccessToken();
          tokenManager.emit('error', new Error('A second error event'));
          await delay(0);

          expect(clear).toHaveBeenCalledTimes(1);
          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
            originalUri: '/private?tab=2#top',
          });
        });

        it('counts that sign-in as an automatic attempt for the loop breaker', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private');
          TestBed.inject(SignInAttempts).recordAutomaticStart();

          await sync.renewAccessToken();
          await delay(0);

          expect(TestBed.inject(SignInAttempts).mustStop()).toBeTrue();
        });

        it('only clears the tokens once the loop breaker has stopped automatic sign-ins', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private');
          TestBed.inject(SignInAttempts).recordAutomaticStart();
          TestBed.inject(SignInAttempts).recordAutomaticStart();

          await sync.renewAccessToken();
          await delay(0);

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
        });

        it('only clears the tokens on a public page', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/public');

          await sync.renewAccessToken();
          await delay(0);

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
          expect(TestBed.inject(Router).url).toBe('/public');
        });

        it('does not also send the guarded page home when the signed-out state follows', async () => {
          const sync = start();
          await becomeLeader();
          const router = TestBed.inject(Router);
          await router.navigateByUrl('/private');
          authState.report({ isAuthenticated: true });
          let finishRedirect: () => void = () => undefined;
          oktaAuth.signInWithRedirect.and.returnValue(
            new Promise<void>((resolve) => (finishRedirect = resolve)),
          );

          await sync.renewAccessToken();
          authState.report({ isAuthenticated: false });
          await delay(20);
          finishRedirect();

          expect(router.url).toBe('/private');
          expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
        });
      });
    });

    describe('in a tab that does not hold the renewal lock', () => {
      beforeEach(async () => {
        tokenManager.tokens = { ...allTokens };
        await holdRenewalLockElsewhere();
      });

      it('does not renew when the access token expires', async () => {
        start();
        await delay(20);

        tokenManager.emit('expired', 'accessToken', accessToken);

        expect(tokenManager.renew).not.toHaveBeenCalled();
      });

      it('asks the renewing tab and resolves with the token it sends', async () => {
        const renewed: Tokens = { ...allTokens, accessToken: accessTokenOf('from.leader') };
        peer.onmessage = (event: MessageEvent<SessionMessage>) => {
          received.push(event.data);
          if (event.data.type === 'request-renewal') {
            peer.postMessage({ type: 'tokens', tokens: renewed });
          }
        };
        const sync = start();

        const token = await sync.renewAccessToken();

        expect(token).toBe('from.leader');
        expect(received).toContain({ type: 'request-renewal' });
        expect(tokenManager.renew).not.toHaveBeenCalled();
      });

      it("resolves with null when the renewing tab's renewal ends the session", async () => {
        peer.onmessage = (event: MessageEvent<SessionMessage>) => {
          if (event.data.type === 'request-renewal') {
            peer.postMessage({ type: 'tokens', tokens: {} });
          }
        };

        expect(await start().renewAccessToken()).toBeNull();
      });
    });

    describe('when the session ends in another tab', () => {
      it('leaves a guarded page for the home page', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await waitFor(() => router.url === '/');

        expect(router.url).toBe('/');
      });

      it('stays on a public page', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/public');
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await delay(20);

        expect(router.url).toBe('/public');
      });

      it('does not navigate for a signed-out state that was never signed in', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');

        authState.report({ isAuthenticated: false });
        await delay(20);

        expect(router.url).toBe('/private');
      });

      it('does not navigate when this tab said it ends the session itself', async () => {
        const sync = start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });

        sync.expectSignOut();
        authState.report({ isAuthenticated: false });
        await delay(20);

        expect(router.url).toBe('/private');
      });

      it('navigates again on a later sign-out from elsewhere (expectSignOut holds for one)', async () => {
        const sync = start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });
        sync.expectSignOut();
        authState.report({ isAuthenticated: false });
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await waitFor(() => router.url === '/');

        expect(router.url).toBe('/');
      });
    });
  });

  describe('with localStorage, which the tabs share (okta-auth-js syncs it)', () => {
    beforeEach(() => configure('localStorage'));

    it('does not send token changes over the channel', async () => {
      start();

      tokenManager.setTokens(allTokens);
      await delay(30);

      expect(received).toEqual([]);
    });

    it('does not apply tokens sent over the channel', async () => {
      start();
      const setTokens = spyOn(tokenManager, 'setTokens').and.callThrough();

      await fromPeer({ type: 'tokens', tokens: allTokens });

      expect(setTokens).not.toHaveBeenCalled();
      expect(tokenManager.getTokensSync()).toEqual({});
    });

    it('does not answer requests for the session', async () => {
      tokenManager.tokens = { ...allTokens };
      start();

      await fromPeer({ type: 'request-session' });
      await delay(30);

      expect(received).toEqual([]);
    });

    it('does not ask the open tabs, and is ready at once', async () => {
      const sync = start();
      let ready = false;
      void sync.ready.then(() => (ready = true));

      await delay(30);

      expect(ready).toBeTrue();
      expect(received).toEqual([]);
    });
  });
});
