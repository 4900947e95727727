import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { AuthState, OktaAuth, Token, Tokens } from '@okta/okta-auth-js/core';
import { TokenStorage } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionGenerations } from './session-generation';
import {
  MAX_RENEWALS,
  PEER_ANSWER_MS,
  RENEWAL_WAIT_MS,
  RENEWAL_WINDOW_MS,
  RETRY_SIGN_IN_WINDOW_MS,
  SessionSync,
} from './session-sync';
import { SIGN_IN_REQUIRED } from './sign-in-required';
import { SignInAttempts } from './sign-in-attempts';
import {
  TEST_ISSUER,
  TEST_NOW_SECONDS,
  testAccessToken,
  testAuthConfig,
  testSession,
  unsignedJwt,
  provideOktaLoaded,
} from './testing/auth-fixtures';

type TokenKey = 'idToken' | 'accessToken' | 'refreshToken';
type Listener = (...args: never[]) => void;
/** A message on the `${clientId}-session` channel, as the tests see it. */
type Message = { readonly type: string } & Record<string, unknown>;

/**
 * okta-auth-js's TokenManager as far as SessionSync uses it: an event emitter over a token store
 * that emits `added`/`removed` synchronously from setTokens() and clear(), as the real one does.
 */
class FakeTokenManager {
  tokens: Tokens = {};
  readonly hasExpired = jasmine.createSpy<(token: Token) => boolean>('hasExpired');
  /** okta-auth-js's own renew(): stores whatever the provider sent. SessionSync must replace it. */
  readonly originalRenew = async (): Promise<Token | undefined> => {
    throw new Error('okta-auth-js renewed on its own, unchecked');
  };
  renew: (key: string) => Promise<Token | undefined> = this.originalRenew;
  /** okta-auth-js's own updateRefreshToken(): writes the refresh token straight to storage. */
  readonly originalUpdateRefreshToken = (token: Tokens['refreshToken']) => {
    this.tokens = { ...this.tokens, refreshToken: token };
  };
  updateRefreshToken = this.originalUpdateRefreshToken;
  /** okta-auth-js's own removeRefreshToken(), called when a refresh is refused. */
  readonly originalRemoveRefreshToken = () => {
    this.tokens = { ...this.tokens, refreshToken: undefined };
  };
  removeRefreshToken = this.originalRemoveRefreshToken;
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
    this.tokens = Object.fromEntries(Object.entries(tokens).filter(([, token]) => token));
    for (const key of ['idToken', 'accessToken', 'refreshToken'] as TokenKey[]) {
      if (before[key]) this.emit('removed', key, before[key]);
      if (tokens[key]) this.emit('added', key, tokens[key]);
    }
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

  readonly updateAuthState = jasmine.createSpy('updateAuthState').and.resolveTo({});

  report(state: AuthState): void {
    for (const handler of [...this.handlers]) handler(state);
  }

  subscriberCount(): number {
    return this.handlers.size;
  }
}

type Spied =
  | 'isAuthenticated'
  | 'signInWithRedirect'
  | 'revokeAccessToken'
  | 'revokeRefreshToken'
  | 'clearDPoPStorage';

interface FakeOktaAuth extends jasmine.SpyObj<Pick<OktaAuth, Spied>> {
  readonly tokenManager: FakeTokenManager;
  readonly authStateManager: FakeAuthStateManager;
  readonly token: { readonly renewTokens: jasmine.Spy<() => Promise<Tokens>> };
  readonly options: { dpop: boolean };
}

/** Yields one real task: Web Locks and BroadcastChannel deliver in tasks, not in timers. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

let testNumber = 0;
/** What the guard of the `held` route answers: a navigation there waits for it. */
let heldGuard: Promise<boolean> = Promise.resolve(true);

describe('SessionSync', () => {
  let clientId: string;
  let oktaAuth: FakeOktaAuth;
  let tokenManager: FakeTokenManager;
  let authState: FakeAuthStateManager;
  /** Another tab of the app: a second channel with the same name. */
  let peer: BroadcastChannel;
  /** Created after the service's channel: when it has a message, the service has had it too. */
  let witness: BroadcastChannel | null;
  /** What the other tab has received from this one. */
  let received: Message[];
  let onPeerMessage: ((message: Message) => void)[];
  /** Called when the witness sees a marker. */
  let markers: Map<number, () => void>;
  let markerNumber: number;
  const releaseLocks: (() => void)[] = [];

  /** A session of this test's client id, valid at TEST_NOW_SECONDS. */
  const session = (options: Parameters<typeof testSession>[0] = {}) =>
    testSession({ clientId, ...options });

  function configure(tokenStorage: TokenStorage = 'sessionStorage', dpop = false): void {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: '', children: [] },
          { path: 'private', data: { [SIGN_IN_REQUIRED]: true }, children: [] },
          { path: 'public', children: [] },
          { path: 'login/callback', children: [] },
          {
            path: 'held',
            data: { [SIGN_IN_REQUIRED]: true },
            canActivate: [() => heldGuard],
            children: [],
          },
        ]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ clientId, tokenStorage, dpop }) },
      ],
    });
  }

  beforeEach(() => {
    clientId = `session-sync-spec-${++testNumber}-${Date.now()}`;
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(TEST_NOW_SECONDS * 1000));
    tokenManager = new FakeTokenManager();
    tokenManager.hasExpired.and.returnValue(false);
    authState = new FakeAuthStateManager();
    oktaAuth = {
      ...jasmine.createSpyObj<Pick<OktaAuth, Spied>>('OktaAuth', [
        'isAuthenticated',
        'signInWithRedirect',
        'revokeAccessToken',
        'revokeRefreshToken',
        'clearDPoPStorage',
      ]),
      tokenManager,
      authStateManager: authState,
      token: { renewTokens: jasmine.createSpy('renewTokens') },
      options: { dpop: false },
    };
    oktaAuth.isAuthenticated.and.resolveTo(true);
    oktaAuth.signInWithRedirect.and.resolveTo();
    oktaAuth.revokeAccessToken.and.resolveTo({});
    oktaAuth.revokeRefreshToken.and.resolveTo({});
    oktaAuth.clearDPoPStorage.and.resolveTo();
    received = [];
    onPeerMessage = [];
    markers = new Map();
    markerNumber = 0;
    witness = null;
    peer = new BroadcastChannel(`${clientId}-session`);
    peer.onmessage = (event: MessageEvent<Message>) => {
      received.push(event.data);
      for (const listener of [...onPeerMessage]) listener(event.data);
    };
  });

  afterEach(() => {
    peer.close();
    witness?.close();
    releaseLocks.splice(0).forEach((release) => release());
    TestBed.inject(SignInAttempts).reset();
    jasmine.clock().uninstall();
    for (const storage of [localStorage, sessionStorage]) {
      for (const key of Object.keys(storage)) {
        if (key.startsWith(clientId)) storage.removeItem(key);
      }
    }
  });

  /** Starts the service as provideOktaAuth() does; TestBed's teardown runs its cleanup. */
  function start(): SessionSync {
    const sync = TestBed.inject(SessionSync);
    TestBed.runInInjectionContext(() => sync.start());
    witness?.close();
    witness = new BroadcastChannel(`${clientId}-session`);
    witness.onmessage = (event: MessageEvent<Message>) => {
      if (event.data.type === 'marker') markers.get(event.data['id'] as number)?.();
    };
    return sync;
  }

  /**
   * Sends `message` from the other tab and resolves once this tab has handled it: a marker sent
   * after it has reached the witness, whose channel was created after the service's.
   */
  async function fromPeer(message: unknown): Promise<void> {
    const id = ++markerNumber;
    const seen = new Promise<void>((resolve) => markers.set(id, resolve));
    peer.postMessage(message);
    peer.postMessage({ type: 'marker', id });
    await seen;
  }

  /** Resolves with the first message from this tab that matches. */
  function nextFromTab(matches: (message: Message) => boolean): Promise<Message> {
    const earlier = received.find(matches);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve) => {
      const listener = (message: Message) => {
        if (!matches(message)) return;
        onPeerMessage = onPeerMessage.filter((other) => other !== listener);
        resolve(message);
      };
      onPeerMessage.push(listener);
    });
  }

  const ofType = (type: string) => (message: Message) => message.type === type;

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
    for (let turns = 0; ; turns++) {
      const { held } = await navigator.locks.query();
      if (held?.some((lock) => lock.name === `${clientId}-token-renewal`)) break;
      if (turns > 200) throw new Error('This tab never got the renewal lock');
      await nextTask();
    }
    await nextTask(); // The lock callback runs in the task that grants the lock.
  }

  /** Lets promise chains that wait on each other run to the end. */
  async function settle(): Promise<void> {
    for (let turn = 0; turn < 5; turn++) await nextTask();
  }

  const snapshots = () => received.filter(ofType('tokens'));
  const current = () => Number(localStorage.getItem(`${clientId}-session-generation`) ?? '0');

  describe('with sessionStorage, which the tabs do not share', () => {
    beforeEach(() => configure('sessionStorage'));

    describe('sharing the session', () => {
      it("sends this tab's session, with its generation, to the other tabs when it changes", async () => {
        start();

        tokenManager.setTokens(session());

        expect(await nextFromTab(ofType('tokens'))).toEqual({
          type: 'tokens',
          tokens: session(),
          generation: 0,
        });
      });

      it('sends one snapshot for a burst of changes', async () => {
        start();
        await nextFromTab(ofType('request-session')); // Its own, at start.

        tokenManager.setTokens(session()); // Three `added` events.
        await fromPeer({ type: 'request-session' }); // Answered after the burst's snapshot.
        await nextFromTab((message) => snapshots().length === 2 && message.type === 'tokens');
        await settle();

        expect(snapshots().length).toBe(2);
      });

      it('stores a session another tab sends', async () => {
        start();

        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        expect(tokenManager.getTokensSync()).toEqual(session());
      });

      it('does not send a session from another tab back to the tabs', async () => {
        const sync = start();
        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        void sync.endSession(); // Its last message.
        await nextFromTab(ofType('signed-out'));

        expect(snapshots()).toEqual([]);
      });

      it('leaves its storage alone when another tab sends the session it already has', async () => {
        tokenManager.tokens = session();
        start();
        const setTokens = spyOn(tokenManager, 'setTokens').and.callThrough();

        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        expect(setTokens).not.toHaveBeenCalled();
      });

      it('shares its own changes again after storing a session from another tab', async () => {
        start();
        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        tokenManager.setTokens(session({ accessToken: 'changed.here' }));

        const snapshot = await nextFromTab(ofType('tokens'));
        expect(snapshot['tokens']).toEqual(session({ accessToken: 'changed.here' }));
      });

      it('stops listening, and gives okta-auth-js its own methods back, when the app is destroyed', async () => {
        start();
        await nextFromTab(ofType('request-session'));

        TestBed.resetTestingModule();
        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(tokenManager.listenerCount()).toBe(0);
        expect(authState.subscriberCount()).toBe(0);
        expect(tokenManager.renew).toBe(tokenManager.originalRenew);
        expect(tokenManager.updateRefreshToken).toBe(tokenManager.originalUpdateRefreshToken);
        expect(tokenManager.removeRefreshToken).toBe(tokenManager.originalRemoveRefreshToken);
        configure(); // afterEach injects SignInAttempts.
      });
    });

    describe('handing the session to a new tab', () => {
      it('answers a request for the session with its tokens and their generation', async () => {
        tokenManager.tokens = session();
        start();

        await fromPeer({ type: 'request-session' });

        expect(await nextFromTab(ofType('tokens'))).toEqual({
          type: 'tokens',
          tokens: session(),
          generation: 0,
        });
      });

      it('does not answer a request for the session when it has none', async () => {
        const sync = start();

        await fromPeer({ type: 'request-session' });
        void sync.endSession();
        await nextFromTab(ofType('signed-out'));

        expect(snapshots()).toEqual([]);
      });

      it('asks the open tabs for the session when it starts without one', async () => {
        start();

        expect(await nextFromTab(() => true)).toEqual({ type: 'request-session' });
      });

      it('does not ask when it has a session of its own, and is ready at once', async () => {
        tokenManager.tokens = session();
        const sync = start();

        await sync.ready;
        void sync.endSession();
        await nextFromTab(ofType('signed-out'));

        expect(received.filter(ofType('request-session'))).toEqual([]);
      });

      it('is ready, with the session stored, as soon as an open tab answers', async () => {
        await holdRenewalLockElsewhere();
        onPeerMessage.push((message) => {
          if (message.type === 'request-session') {
            peer.postMessage({ type: 'tokens', tokens: session(), generation: 0 });
          }
        });

        await start().ready; // The fake clock has not moved: no timeout was needed.

        expect(tokenManager.getTokensSync()).toEqual(session());
      });

      it('is ready after PEER_ANSWER_MS when no open tab answers, without a session', async () => {
        await holdRenewalLockElsewhere();

        await expectReadyOnlyAfterPeerAnswerMs();

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('is ready at once, without a session, when no other tab of the app is open', async () => {
        const sync = start(); // Nobody holds the renewal lock, so this tab gets it at once.
        let ready = false;
        void sync.ready.then(() => (ready = true));

        await becomeLeader();
        await settle(); // The fake clock has not moved: no PEER_ANSWER_MS.

        expect(ready).toBeTrue();
        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('still stores a session that a tab starting at the same moment sends after it was ready', async () => {
        const sync = start();
        await nextFromTab(ofType('request-session'));
        await sync.ready;

        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        expect(tokenManager.getTokensSync()).toEqual(session());
      });

      it('is ready as soon as this tab stores a session of its own (the callback), without waiting for other tabs', async () => {
        const sync = start();
        await nextFromTab(ofType('request-session'));

        tokenManager.setTokens(session());
        await sync.ready; // The fake clock has not moved: no PEER_ANSWER_MS.

        expect(tokenManager.getTokensSync()).toEqual(session());
      });

      it('renews a handed-over session that is past its renewal time before being ready', async () => {
        tokenManager.hasExpired.and.returnValue(true);
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
        await holdRenewalLockElsewhere();
        onPeerMessage.push((message) => {
          if (message.type === 'request-session') {
            // The open tab hands its session over and closes: answer once this tab renews.
            releaseLocks.splice(0).forEach((release) => release());
            void becomeLeader().then(() =>
              peer.postMessage({ type: 'tokens', tokens: session(), generation: 0 }),
            );
          }
        });
        const sync = start();
        let renewedWhenReady = false;

        await sync.ready.then(() => (renewedWhenReady = oktaAuth.token.renewTokens.calls.any()));

        expect(renewedWhenReady).toBeTrue();
        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
      });
    });

    describe('checking what other tabs send (any same-origin page can post)', () => {
      const forged = (change: (tokens: Tokens) => unknown) => () => change(session());
      const withIdToken = (change: Record<string, unknown>) => (tokens: Tokens) => {
        const claims = JSON.parse(JSON.stringify(change)) as Record<string, unknown>;
        return { ...tokens, idToken: { ...tokens.idToken, idToken: unsignedJwt(claims), claims } };
      };
      const claims = () => session().idToken?.claims as unknown as Record<string, unknown>;
      const cases: [string, () => unknown][] = [
        ['an empty token set', () => ({})],
        ['a token set that is not an object', () => 'tokens'],
        ['no ID token', forged(({ accessToken, refreshToken }) => ({ accessToken, refreshToken }))],
        ['no access token', forged(({ idToken, refreshToken }) => ({ idToken, refreshToken }))],
        [
          'an ID token stored for another issuer',
          forged((tokens) => ({
            ...tokens,
            idToken: { ...tokens.idToken, issuer: 'https://evil.example/oauth2/default' },
          })),
        ],
        [
          'an ID token stored for another application',
          forged((tokens) => ({ ...tokens, idToken: { ...tokens.idToken, clientId: 'other' } })),
        ],
        [
          'an ID token from another issuer',
          () => withIdToken({ ...claims(), iss: 'https://evil.example' })(session()),
        ],
        [
          'an ID token for another application',
          () => withIdToken({ ...claims(), aud: 'other' })(session()),
        ],
        ['an ID token without exp', () => withIdToken({ ...claims(), exp: undefined })(session())],
        [
          'an expired ID token',
          () => withIdToken({ ...claims(), exp: TEST_NOW_SECONDS - 3600 })(session()),
        ],
        [
          'ID token claims that differ from the token itself',
          forged((tokens) => ({
            ...tokens,
            idToken: { ...tokens.idToken, claims: { ...claims(), groups: ['Admins'] } },
          })),
        ],
        [
          'an unsigned ID token (alg: none)',
          forged((tokens) => ({
            ...tokens,
            idToken: { ...tokens.idToken, idToken: unsignedJwt(claims(), { alg: 'none' }) },
          })),
        ],
        [
          'an ID token whose expiresAt is not a number',
          forged((tokens) => ({ ...tokens, idToken: { ...tokens.idToken, expiresAt: 'soon' } })),
        ],
        [
          'an access token that is not a string',
          forged((tokens) => ({
            ...tokens,
            accessToken: { ...tokens.accessToken, accessToken: { evil: true } },
          })),
        ],
        [
          'an access token without an expiry',
          forged((tokens) => ({
            ...tokens,
            accessToken: { ...tokens.accessToken, expiresAt: undefined },
          })),
        ],
        [
          'an access token whose userinfo endpoint is elsewhere',
          forged((tokens) => ({
            ...tokens,
            accessToken: { ...tokens.accessToken, userinfoUrl: 'https://evil.example/userinfo' },
          })),
        ],
        [
          'a refresh token whose token endpoint is elsewhere',
          forged((tokens) => ({
            ...tokens,
            refreshToken: { ...tokens.refreshToken, tokenUrl: 'https://evil.example/token' },
          })),
        ],
        [
          'a refresh token stored for another issuer',
          forged((tokens) => ({
            ...tokens,
            refreshToken: { ...tokens.refreshToken, issuer: 'https://evil.example' },
          })),
        ],
      ];

      for (const [what, tokens] of cases) {
        it(`does not store a session with ${what}`, async () => {
          start();

          await fromPeer({ type: 'tokens', tokens: tokens(), generation: 0 });

          expect(tokenManager.getTokensSync()).toEqual({});
        });
      }

      const malformed: [string, unknown][] = [
        ['a message that is not an object', 'tokens'],
        ['an unknown type', { type: 'set-tokens', tokens: session(), generation: 0 }],
        ['extra fields', { type: 'tokens', tokens: session(), generation: 0, from: 'evil' }],
        ['no generation', { type: 'tokens', tokens: session() }],
        [
          'a generation that is not a whole number',
          { type: 'tokens', tokens: session(), generation: 0.5 },
        ],
        ['a negative generation', { type: 'tokens', tokens: session(), generation: -1 }],
      ];
      for (const [what, message] of malformed) {
        it(`ignores ${what}`, async () => {
          start();

          await fromPeer(message);

          expect(tokenManager.getTokensSync()).toEqual({});
        });
      }

      it('stores only the fields okta-auth-js needs of a session it accepts', async () => {
        start();
        const tokens = session();

        await fromPeer({
          type: 'tokens',
          tokens: { ...tokens, idToken: { ...tokens.idToken, pendingRemove: true, x: 1 } },
          generation: 0,
        });

        expect(tokenManager.getTokensSync()).toEqual(tokens);
      });

      describe('while it holds a session', () => {
        beforeEach(() => (tokenManager.tokens = session()));

        const others: [string, Record<string, unknown>][] = [
          ['another user', { sub: '00u-someone-else' }],
          ['an earlier sign-in (auth_time)', { auth_time: TEST_NOW_SECONDS - 3600 }],
        ];
        for (const [what, change] of others) {
          it(`keeps it when another tab sends a session of ${what}`, async () => {
            start();

            await fromPeer({ type: 'tokens', tokens: session({ claims: change }), generation: 0 });

            expect(tokenManager.getTokensSync()).toEqual(session());
          });
        }

        it("takes another tab's later sign-in of the same user (a step-up) in place of its own", async () => {
          start();
          const steppedUp = session({
            accessToken: 'stepped-up',
            claims: { auth_time: TEST_NOW_SECONDS - 5, acr: 'urn:okta:loa:2fa:any' },
          });

          await fromPeer({ type: 'tokens', tokens: steppedUp, generation: 0 });

          expect(tokenManager.getTokensSync()).toEqual(steppedUp);
        });

        it('takes the renewed session the renewing tab sends', async () => {
          start();
          const renewed = session({ accessToken: 'renewed', refreshToken: 'rotated' });

          await fromPeer({ type: 'tokens', tokens: renewed, generation: 0 });

          expect(tokenManager.getTokensSync()).toEqual(renewed);
        });
      });
    });

    describe('in the tab that holds the renewal lock', () => {
      beforeEach(() => {
        tokenManager.tokens = session();
      });

      it('renews its own session that is past its renewal time as soon as it starts', async () => {
        // E.g. the only tab, reloaded after its access token expired: nobody else can renew.
        tokenManager.hasExpired.and.returnValue(true);
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));

        await start().ready; // No RENEWAL_WAIT_MS for a renewing tab: it is that tab.

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
        expect(tokenManager.getTokensSync().accessToken?.accessToken).toBe('renewed');
      });

      it('renews when the access token expires, and stores the checked set', async () => {
        const renewed = session({ accessToken: 'renewed', refreshToken: 'rotated' });
        oktaAuth.token.renewTokens.and.resolveTo(renewed);
        const sync = start();
        await becomeLeader();

        tokenManager.emit('expired', 'accessToken', session().accessToken);
        await sync.renewAccessToken();

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
        expect(tokenManager.getTokensSync()).toEqual(renewed);
      });

      it('shares the renewed session with the other tabs', async () => {
        const renewed = session({ accessToken: 'renewed' });
        oktaAuth.token.renewTokens.and.resolveTo(renewed);
        const sync = start();
        await becomeLeader();

        await sync.renewAccessToken();

        expect(await nextFromTab(ofType('tokens'))).toEqual({
          type: 'tokens',
          tokens: renewed,
          generation: 0,
        });
      });

      it('keeps the current refresh token when the grant did not rotate it', async () => {
        const { idToken } = session();
        oktaAuth.token.renewTokens.and.resolveTo({
          idToken,
          accessToken: testAccessToken('new', { expiresAt: TEST_NOW_SECONDS + 3600 }),
        });
        const sync = start();
        await becomeLeader();

        await sync.renewAccessToken();

        expect(tokenManager.getTokensSync().refreshToken).toEqual(session().refreshToken);
      });

      it('does not renew on its own when the refresh token "expires"', async () => {
        start();
        await becomeLeader();

        tokenManager.emit('expired', 'refreshToken', session().refreshToken);

        expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
      });

      it('keeps a step-up another tab sent while its renewal was under way, and revokes the answer', async () => {
        let answer: (tokens: Tokens) => void = () => undefined;
        oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
        const sync = start();
        await becomeLeader();
        const renewal = sync.renewAccessToken();
        const steppedUp = session({
          accessToken: 'stepped-up',
          refreshToken: 'stepped-up-refresh',
          claims: { auth_time: TEST_NOW_SECONDS - 5, acr: 'urn:okta:loa:2fa:any' },
        });
        const late = session({
          accessToken: 'renewed-old-grant',
          refreshToken: 'old-grant-rotated',
        });

        await fromPeer({ type: 'tokens', tokens: steppedUp, generation: 0 });
        answer(late);

        expect(await renewal).toBe('stepped-up');
        expect(tokenManager.getTokensSync()).toEqual(steppedUp);
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(late.refreshToken);
        expect(oktaAuth.revokeAccessToken).toHaveBeenCalledWith(late.accessToken);
        await settle();
        expect(snapshots()).toEqual([]);
      });

      it('renews once for concurrent requests and gives each the new token', async () => {
        let finish: (tokens: Tokens) => void = () => undefined;
        oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (finish = resolve)));
        const sync = start();
        await becomeLeader();

        const first = sync.renewAccessToken();
        const second = sync.renewAccessToken();
        finish(session({ accessToken: 'renewed' }));

        expect(await first).toBe('renewed');
        expect(await second).toBe('renewed');
        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
      });

      it('renews again on a later request, once the previous renewal has settled', async () => {
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
        const sync = start();
        await becomeLeader();

        await sync.renewAccessToken();
        await sync.renewAccessToken();

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(2);
      });

      it("renews when another tab asks it to (that tab's API answered 401)", async () => {
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
        start();
        await becomeLeader();

        await fromPeer({ type: 'request-renewal' });

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
      });

      it("sends okta-auth-js's own renew() through the same checks", async () => {
        oktaAuth.token.renewTokens.and.resolveTo(session({ claims: { sub: 'someone-else' } }));
        start();
        await becomeLeader();

        await expectAsync(tokenManager.renew('accessToken')).toBeRejected();

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it("resolves okta-auth-js's own renew() with the checked new token", async () => {
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
        start();
        await becomeLeader();

        const token = await tokenManager.renew('accessToken');

        expect(token).toEqual(session({ accessToken: 'renewed' }).accessToken);
      });

      it('keeps okta-auth-js from storing a rotated refresh token before the set is checked', async () => {
        start();

        tokenManager.updateRefreshToken(session({ refreshToken: 'unchecked' }).refreshToken);

        expect(tokenManager.getTokensSync().refreshToken).toEqual(session().refreshToken);
      });

      it('keeps a late refused refresh from removing the refresh token of the session stored by then', async () => {
        start();

        tokenManager.removeRefreshToken();

        expect(tokenManager.getTokensSync().refreshToken).toEqual(session().refreshToken);
      });

      describe('a renewal whose answer fails a check is a failed renewal', () => {
        const renewedClaims = (change: Record<string, unknown>) => () =>
          session({ accessToken: 'renewed', claims: change });
        const withToken = (key: TokenKey, change: Record<string, unknown>) => () => {
          const tokens = session({ accessToken: 'renewed', refreshToken: 'rotated' });
          return { ...tokens, [key]: { ...tokens[key], ...change } } as Tokens;
        };
        const cases: [string, () => Tokens][] = [
          ['an ID token without exp (expiresAt NaN)', withToken('idToken', { expiresAt: NaN })],
          [
            'an ID token that is due for renewal at once (exp in the past, within the skew)',
            withToken('idToken', { expiresAt: TEST_NOW_SECONDS + 10 }),
          ],
          ['an ID token whose exp is "soon"', renewedClaims({ exp: 'soon' })],
          ['an ID token for another user (sub)', renewedClaims({ sub: 'someone-else' })],
          [
            'an ID token with another audience',
            renewedClaims({ aud: [clientId, 'other'], azp: clientId }),
          ],
          [
            'an ID token from another sign-in (auth_time)',
            renewedClaims({ auth_time: TEST_NOW_SECONDS }),
          ],
          [
            'an ID token without the claims okta-auth-js skips (no iat)',
            renewedClaims({ iat: undefined }),
          ],
          [
            'an unsigned ID token (alg: none)',
            () => {
              const tokens = session({ accessToken: 'renewed' });
              const claims = tokens.idToken?.claims as unknown as Record<string, unknown>;
              return {
                ...tokens,
                idToken: { ...tokens.idToken, idToken: unsignedJwt(claims, { alg: 'none' }) },
              } as Tokens;
            },
          ],
          [
            'no ID token',
            () => ({
              accessToken: testAccessToken('renewed'),
              refreshToken: session().refreshToken,
            }),
          ],
          ['an access token without an expiry', withToken('accessToken', { expiresAt: NaN })],
          [
            'an access token that is already due',
            withToken('accessToken', { expiresAt: TEST_NOW_SECONDS }),
          ],
          ['an access token that is not a string', withToken('accessToken', { accessToken: 42 })],
          [
            'a refresh token for another issuer',
            withToken('refreshToken', { issuer: `${TEST_ISSUER}x` }),
          ],
        ];

        for (const [what, answer] of cases) {
          it(`ends the session everywhere, stores nothing and revokes what came, for ${what}`, async () => {
            const bad = answer();
            oktaAuth.token.renewTokens.and.resolveTo(bad);
            const sync = start();
            await becomeLeader();

            expect(await sync.renewAccessToken()).toBeNull();
            await settle();

            expect(tokenManager.getTokensSync()).toEqual({});
            expect(await nextFromTab(ofType('signed-out'))).toEqual({
              type: 'signed-out',
              generation: 1,
            });
            expect(snapshots()).toEqual([]);
            if (bad.refreshToken) {
              expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(bad.refreshToken);
            }
          });
        }

        it('never starts a renewal storm: okta-auth-js expiring the bad token again renews no more', async () => {
          oktaAuth.token.renewTokens.and.resolveTo(withToken('idToken', { expiresAt: NaN })());
          const sync = start();
          await becomeLeader();

          for (let event = 0; event < 50; event++) {
            tokenManager.emit('expired', 'idToken', session().idToken);
            await sync.renewAccessToken();
          }

          expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
        });
      });

      describe('the renewal floor', () => {
        it(`allows ${MAX_RENEWALS} renewals in RENEWAL_WINDOW_MS, then ends the session`, async () => {
          let renewals = 0;
          oktaAuth.token.renewTokens.and.callFake(async () =>
            session({ accessToken: `renewed-${++renewals}` }),
          );
          const sync = start();
          await becomeLeader();

          for (let request = 0; request < 20; request++) {
            jasmine.clock().tick(10);
            await sync.renewAccessToken();
          }

          expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(MAX_RENEWALS);
          expect(tokenManager.getTokensSync()).toEqual({});
        });

        it('allows as many again once RENEWAL_WINDOW_MS has passed since the oldest', async () => {
          oktaAuth.token.renewTokens.and.callFake(async () => session({ accessToken: 'renewed' }));
          const sync = start();
          await becomeLeader();
          for (let request = 0; request < MAX_RENEWALS; request++) await sync.renewAccessToken();

          jasmine.clock().tick(RENEWAL_WINDOW_MS);
          for (let request = 0; request < MAX_RENEWALS; request++) await sync.renewAccessToken();

          expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(2 * MAX_RENEWALS);
          expect(tokenManager.getTokensSync().accessToken?.accessToken).toBe('renewed');
        });
      });

      describe('a renewal answer that makes the checks or the store throw is a failed renewal', () => {
        /** A renewal answer whose ID token carries a claim nested `depth` levels deep. */
        function deeplyNested(depth: number): Tokens {
          const tokens = session({ accessToken: 'renewed', refreshToken: 'rotated' });
          const claimsJson = JSON.stringify(tokens.idToken?.claims).replace(
            /}$/,
            `,"deep":${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}}`,
          );
          const payload = btoa(claimsJson)
            .replace(/\+/g, '-')
            .replace(/\//g, '_')
            .replace(/=+$/, '');
          const [header, , signature] = (tokens.idToken?.idToken ?? '').split('.');
          return {
            ...tokens,
            idToken: {
              ...tokens.idToken,
              idToken: `${header}.${payload}.${signature}`,
              claims: JSON.parse(claimsJson) as unknown,
            },
          } as Tokens;
        }

        it('ends the session everywhere and revokes what came when the store throws (over quota)', async () => {
          const renewed = session({ accessToken: 'renewed', refreshToken: 'rotated' });
          oktaAuth.token.renewTokens.and.resolveTo(renewed);
          const sync = start();
          await becomeLeader();
          const setTokens = tokenManager.setTokens.bind(tokenManager);
          spyOn(tokenManager, 'setTokens').and.callFake((tokens: Tokens) => {
            if (tokens.accessToken?.accessToken === 'renewed') {
              throw new Error('Unable to set storage');
            }
            setTokens(tokens);
          });

          expect(await sync.renewAccessToken()).toBeNull();
          await settle();

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(await nextFromTab(ofType('signed-out'))).toEqual({
            type: 'signed-out',
            generation: 1,
          });
          expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(renewed.refreshToken);
        });

        it('ends the session when a claim nests deeper than the checks look (no stack overflow)', async () => {
          oktaAuth.token.renewTokens.and.resolveTo(deeplyNested(10_000));
          const sync = start();
          await becomeLeader();

          expect(await sync.renewAccessToken()).toBeNull();
          await settle();

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.revokeRefreshToken).toHaveBeenCalled();
        });

        it('is still ready, signed out, when the renewal at start throws', async () => {
          tokenManager.hasExpired.and.returnValue(true);
          oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
          spyOn(tokenManager, 'setTokens').and.throwError(new Error('Unable to set storage'));

          await expectAsync(start().ready).toBeResolved();

          expect(tokenManager.getTokensSync()).toEqual({});
        });
      });

      it('renews when only the ID token is past its renewal time', async () => {
        tokenManager.hasExpired.and.callFake(
          (token: Token) => token === tokenManager.tokens.idToken,
        );
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));

        await start().ready;

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
      });

      it('ends a session of an ended generation instead of renewing it (it missed the sign-out)', async () => {
        const sync = start();
        await becomeLeader();
        localStorage.setItem(`${clientId}-session-generation`, '1'); // No message came.

        expect(await sync.renewAccessToken()).toBeNull();
        await settle();

        expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
        expect(tokenManager.getTokensSync()).toEqual({});
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(session().refreshToken);
      });

      describe('when renewal fails during a navigation to a page that requires sign-in', () => {
        beforeEach(() => {
          oktaAuth.token.renewTokens.and.rejectWith(new Error('The refresh token is invalid.'));
        });
        afterEach(() => (heldGuard = Promise.resolve(true)));

        it('leaves the sign-in to the guard, which knows where the user is going', async () => {
          const sync = start();
          await becomeLeader();
          const router = TestBed.inject(Router);
          await router.navigateByUrl('/private');
          let letThrough: (pass: boolean) => void = () => undefined;
          heldGuard = new Promise((resolve) => (letThrough = resolve));
          const navigation = router.navigateByUrl('/held');
          await settle();

          await sync.renewAccessToken();
          await settle();
          letThrough(false);
          await navigation;

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
          expect(TestBed.inject(SignInAttempts).mustStop()).toBeFalse();
        });
      });

      describe('when renewal fails (refresh token revoked, Okta down)', () => {
        beforeEach(() => {
          oktaAuth.token.renewTokens.and.rejectWith(
            new Error('The refresh token is invalid or expired.'),
          );
        });

        it('resolves renewAccessToken() with null', async () => {
          const sync = start();
          await becomeLeader();

          expect(await sync.renewAccessToken()).toBeNull();
        });

        it('ends the session in every tab and signs in again, once, back to the page', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private?tab=2#top');

          await sync.renewAccessToken();
          await settle();

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(await nextFromTab(ofType('signed-out'))).toEqual({
            type: 'signed-out',
            generation: 1,
          });
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
          await settle();

          expect(TestBed.inject(SignInAttempts).mustStop()).toBeTrue();
        });

        it('only clears the tokens once the loop breaker has stopped automatic sign-ins', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private');
          TestBed.inject(SignInAttempts).recordAutomaticStart();
          TestBed.inject(SignInAttempts).recordAutomaticStart();

          await sync.renewAccessToken();
          await settle();

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
        });

        it('only clears the tokens on a public page', async () => {
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/public');

          await sync.renewAccessToken();
          await settle();

          expect(tokenManager.getTokensSync()).toEqual({});
          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
          expect(TestBed.inject(Router).url).toBe('/public');
        });

        it('does not also send the page home when the signed-out state follows', async () => {
          const sync = start();
          await becomeLeader();
          const router = TestBed.inject(Router);
          await router.navigateByUrl('/private');
          authState.report({ isAuthenticated: true });
          oktaAuth.signInWithRedirect.and.returnValue(new Promise<void>(() => undefined));

          await sync.renewAccessToken();
          authState.report({ isAuthenticated: false });
          await settle();

          expect(router.url).toBe('/private');
          expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
        });

        it('explains instead of signing in again when the session that sign-in brought fails soon too', async () => {
          sessionStorage.setItem(`${clientId}-renewal-sign-in-at`, String(Date.now()));
          jasmine.clock().tick(RETRY_SIGN_IN_WINDOW_MS - 1);
          const sync = start();
          await becomeLeader();
          const router = TestBed.inject(Router);
          await router.navigateByUrl('/private');

          await sync.renewAccessToken();
          await settle();

          expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
          expect(router.url).toBe(CALLBACK_PATH);
          expect(TestBed.inject(SignInAttempts).lastError()).toMatch(/could not be renewed/);
        });

        it('signs in again when the last automatic sign-in was longer ago', async () => {
          sessionStorage.setItem(`${clientId}-renewal-sign-in-at`, String(Date.now()));
          jasmine.clock().tick(RETRY_SIGN_IN_WINDOW_MS);
          const sync = start();
          await becomeLeader();
          await TestBed.inject(Router).navigateByUrl('/private');

          await sync.renewAccessToken();
          await settle();

          expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
        });
      });
    });

    describe('in a tab that does not hold the renewal lock', () => {
      beforeEach(async () => {
        tokenManager.tokens = session();
        await holdRenewalLockElsewhere();
      });

      it('does not renew when the access token expires', async () => {
        await start().ready;

        tokenManager.emit('expired', 'accessToken', session().accessToken);

        expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
      });

      it('ignores a request for renewal: only the renewing tab answers it', async () => {
        await start().ready;

        await fromPeer({ type: 'request-renewal' });

        expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
      });

      it('asks the renewing tab and resolves with the token it sends', async () => {
        const renewed = session({ accessToken: 'from.leader' });
        onPeerMessage.push((message) => {
          if (message.type === 'request-renewal') {
            peer.postMessage({ type: 'tokens', tokens: renewed, generation: 0 });
          }
        });
        const sync = start();

        expect(await sync.renewAccessToken()).toBe('from.leader');
        expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
      });

      it("resolves with null when the renewing tab's renewal ends the session", async () => {
        onPeerMessage.push((message) => {
          if (message.type === 'request-renewal') {
            peer.postMessage({ type: 'signed-out', generation: 1 });
          }
        });

        expect(await start().renewAccessToken()).toBeNull();
      });

      it('renews itself, without asking anyone, once it takes over the renewal lock', async () => {
        const sync = start();
        await sync.ready;
        tokenManager.hasExpired.and.returnValue(true);
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));

        releaseLocks.splice(0).forEach((release) => release()); // The renewing tab closed.
        await becomeLeader();
        // Storing the renewed session shares it: a request-renewal sent before would be here first.
        await nextFromTab(
          (message) =>
            message.type === 'tokens' &&
            (message['tokens'] as Tokens).accessToken?.accessToken === 'renewed',
        );

        expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
        expect(received.filter(ofType('request-renewal'))).toEqual([]);
      });

      it('finishes a renewal it was waiting for itself when the renewing tab closes', async () => {
        oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
        const sync = start();
        await sync.ready;
        const renewal = sync.renewAccessToken();
        await nextFromTab(ofType('request-renewal'));

        releaseLocks.splice(0).forEach((release) => release()); // Its answer will never come.

        expect(await renewal).toBe('renewed');
      });

      it('gives up after RENEWAL_WAIT_MS when the renewing tab does not answer', async () => {
        const sync = start();
        const renewal = sync.renewAccessToken();
        await nextFromTab(ofType('request-renewal'));

        jasmine.clock().tick(RENEWAL_WAIT_MS);

        expect(await renewal).toBeNull();
      });
    });

    describe('when the session ends: sign-out wins every race', () => {
      beforeEach(() => (tokenManager.tokens = session()));

      it('endSession() clears the tokens here and tells every tab that a new generation began', async () => {
        const sync = start();

        await sync.endSession();

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(current()).toBe(1);
        expect(await nextFromTab(ofType('signed-out'))).toEqual({
          type: 'signed-out',
          generation: 1,
        });
      });

      it('endUnusableSession() ends the session everywhere and signs in again once from a guarded page', async () => {
        const sync = start();
        await sync.ready;
        await TestBed.inject(Router).navigateByUrl('/private');

        sync.endUnusableSession();
        await settle();

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(await nextFromTab(ofType('signed-out'))).toEqual({
          type: 'signed-out',
          generation: 1,
        });
        expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/private' });
      });

      it('endUnusableSession() in a tab whose session ended elsewhere only clears that tab', async () => {
        const sync = start();
        await sync.ready;
        new SessionGenerations(clientId).next(); // A sign-out this tab did not hear of.

        sync.endUnusableSession();
        await settle();

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(current()).toBe(1);
        expect(received.filter(ofType('signed-out'))).toEqual([]);
        expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
      });

      it('endSession() deletes every DPoP key pair of this origin when DPoP is on, and settles after', async () => {
        TestBed.resetTestingModule();
        configure('sessionStorage', true);
        let deleted: () => void = () => undefined;
        oktaAuth.clearDPoPStorage.and.returnValue(new Promise((resolve) => (deleted = resolve)));
        const sync = start();
        let settled = false;

        void sync.endSession().then(() => (settled = true));
        await nextTask();

        expect(oktaAuth.clearDPoPStorage).toHaveBeenCalledOnceWith(true);
        expect(settled).toBeFalse();
        deleted();
        await nextTask();
        expect(settled).toBeTrue();
      });

      it('endSession() leaves IndexedDB alone when DPoP is off', async () => {
        await start().endSession();

        expect(oktaAuth.clearDPoPStorage).not.toHaveBeenCalled();
      });

      it('drops a renewal answer that arrives after sign-out, revokes it, and only then settles endSession()', async () => {
        let answer: (tokens: Tokens) => void = () => undefined;
        oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
        const sync = start();
        await becomeLeader();
        const renewal = sync.renewAccessToken();
        const late = session({ accessToken: 'late', refreshToken: 'late-refresh' });

        const ended = sync.endSession();
        answer(late);
        await ended;

        expect(await renewal).toBeNull();
        expect(tokenManager.getTokensSync()).toEqual({});
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(late.refreshToken);
        expect(oktaAuth.revokeAccessToken).toHaveBeenCalledWith(late.accessToken);
        expect(await nextFromTab(() => true)).toEqual({ type: 'signed-out', generation: 1 });
      });

      it('drops a renewal answer that arrives after another tab signed out, and revokes it', async () => {
        let answer: (tokens: Tokens) => void = () => undefined;
        oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
        const sync = start();
        await becomeLeader();
        const renewal = sync.renewAccessToken();
        const late = session({ accessToken: 'late', refreshToken: 'late-refresh' });

        await fromPeer({ type: 'signed-out', generation: 1 });
        answer(late);

        expect(await renewal).toBeNull();
        expect(tokenManager.getTokensSync()).toEqual({});
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(late.refreshToken);
        void sync.endSession();
        await nextFromTab(ofType('signed-out'));
        expect(snapshots()).toEqual([]);
      });

      it('drops a renewal answer once the generation moved on, even before the message arrives', async () => {
        let answer: (tokens: Tokens) => void = () => undefined;
        oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
        const sync = start();
        await becomeLeader();
        const renewal = sync.renewAccessToken();

        localStorage.setItem(`${clientId}-session-generation`, '1'); // Another tab signed out.
        answer(session({ accessToken: 'late' }));

        expect(await renewal).toBeNull();
        expect(tokenManager.getTokensSync().accessToken?.accessToken).not.toBe('late');
      });

      it('revokes the refresh token it holds, as the renewing tab, when another tab signs out', async () => {
        start();
        await becomeLeader();

        await fromPeer({ type: 'signed-out', generation: 1 });

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(session().refreshToken);
      });

      it('still follows a sign-out elsewhere after a forged sign-out with an enormous generation', async () => {
        start();
        await fromPeer({ type: 'signed-out', generation: Number.MAX_SAFE_INTEGER });
        tokenManager.setTokens(session()); // Signed in again.

        localStorage.setItem(`${clientId}-session-generation`, '1'); // A real sign-out elsewhere.
        await fromPeer({ type: 'signed-out', generation: 1 });

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('ignores a session message of a generation beyond the next one', async () => {
        tokenManager.tokens = {};
        start();

        await fromPeer({ type: 'tokens', tokens: session(), generation: 2 });

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('ignores a sign-out of an older generation than its session', async () => {
        localStorage.setItem(`${clientId}-session-generation`, '2');
        sessionStorage.setItem(`${clientId}-tab-session-generation`, '2');
        start();

        await fromPeer({ type: 'signed-out', generation: 2 });

        expect(tokenManager.getTokensSync()).toEqual(session());
      });
    });

    describe('after a sign-out, nothing of that session comes back', () => {
      it('drops a session message of an ended generation (e.g. a late renewal elsewhere)', async () => {
        localStorage.setItem(`${clientId}-session-generation`, '1');
        start();

        await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('clears a stored session of an ended generation at start (the tab slept through the sign-out)', async () => {
        tokenManager.tokens = session();
        localStorage.setItem(`${clientId}-session-generation`, '1');

        start();

        expect(tokenManager.getTokensSync()).toEqual({});
      });

      it('does not hand a session of an ended generation to a new tab, and drops it', async () => {
        tokenManager.tokens = session();
        const sync = start();
        await sync.ready;
        localStorage.setItem(`${clientId}-session-generation`, '1'); // It missed the message.

        await fromPeer({ type: 'request-session' });
        void sync.endSession();
        await nextFromTab(ofType('signed-out'));

        expect(tokenManager.getTokensSync()).toEqual({});
        expect(snapshots()).toEqual([]);
      });

      it('keeps its session across a reload when no sign-out happened meanwhile', async () => {
        localStorage.setItem(`${clientId}-session-generation`, '3');
        start();
        tokenManager.setTokens(session()); // Sign-in: the session joins generation 3.
        TestBed.resetTestingModule();
        configure();

        start(); // The reload.

        expect(tokenManager.getTokensSync()).toEqual(session());
        await fromPeer({ type: 'request-session' });
        expect((await nextFromTab(ofType('tokens')))['generation']).toBe(3);
      });
    });

    describe('when the session ends in another tab', () => {
      beforeEach(() => (tokenManager.tokens = session()));

      it('leaves a page that requires sign-in for the home page', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await settle();

        expect(router.url).toBe('/');
      });

      it('stays on a public page', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/public');
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await settle();

        expect(router.url).toBe('/public');
      });

      it('does not navigate for a signed-out state that was never signed in', async () => {
        start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');

        authState.report({ isAuthenticated: false });
        await settle();

        expect(router.url).toBe('/private');
      });

      it('does not navigate when this tab ended the session itself', async () => {
        const sync = start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });

        void sync.endSession();
        authState.report({ isAuthenticated: false });
        await settle();

        expect(router.url).toBe('/private');
      });

      it('navigates again on a later end from elsewhere (endSession() holds for one)', async () => {
        const sync = start();
        const router = TestBed.inject(Router);
        await router.navigateByUrl('/private');
        authState.report({ isAuthenticated: true });
        void sync.endSession();
        authState.report({ isAuthenticated: false });
        authState.report({ isAuthenticated: true });

        authState.report({ isAuthenticated: false });
        await settle();

        expect(router.url).toBe('/');
      });
    });
  });

  describe('when Web Locks refuse the request', () => {
    beforeEach(() => configure('sessionStorage'));

    it('is ready all the same, and renews itself as a tab without Web Locks does', async () => {
      spyOn(navigator.locks, 'request').and.rejectWith(new DOMException('denied', 'SecurityError'));
      tokenManager.tokens = session();
      tokenManager.hasExpired.and.returnValue(true);
      oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));

      await start().ready;

      expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
    });

    it('still waits PEER_ANSWER_MS for open tabs to answer: it cannot tell whether it is alone', async () => {
      spyOn(navigator.locks, 'request').and.rejectWith(new DOMException('denied', 'SecurityError'));

      await expectReadyOnlyAfterPeerAnswerMs();
    });
  });

  describe('without Web Locks', () => {
    beforeEach(() => configure('sessionStorage'));

    it('waits PEER_ANSWER_MS for open tabs to answer: it cannot tell whether it is alone', async () => {
      spyOnProperty(navigator, 'locks').and.returnValue(undefined as unknown as LockManager);

      await expectReadyOnlyAfterPeerAnswerMs();
    });
  });

  /** Starts a tab without a session and checks that it waits out PEER_ANSWER_MS, no less. */
  async function expectReadyOnlyAfterPeerAnswerMs(): Promise<void> {
    const sync = start();
    let ready = false;
    void sync.ready.then(() => (ready = true));
    await nextFromTab(ofType('request-session'));
    await settle();

    jasmine.clock().tick(PEER_ANSWER_MS - 1);
    await settle();
    const readyEarly = ready;
    jasmine.clock().tick(1);
    await sync.ready;

    expect(readyEarly).toBeFalse();
  }

  describe('with localStorage, which the tabs share (okta-auth-js syncs it)', () => {
    beforeEach(() => configure('localStorage'));

    it("follows a sign-in in another tab from the browser's storage event, even when okta-auth-js's own message never comes", async () => {
      const sync = start();
      await sync.ready;
      tokenManager.tokens = session(); // Written by the other tab; okta-auth-js emits nothing here.

      window.dispatchEvent(
        new StorageEvent('storage', { key: 'okta-token-storage', storageArea: localStorage }),
      );

      expect(authState.updateAuthState).toHaveBeenCalledTimes(1);
      // The session is this tab's now: as the renewing tab, it renews it (a tab that missed the
      // sign-in would not, and every tab would lose the session at the access token's expiry).
      await becomeLeader();
      oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
      await sync.renewAccessToken();
      expect(oktaAuth.token.renewTokens).toHaveBeenCalledTimes(1);
    });

    it('ignores storage events for other keys', async () => {
      await start().ready;

      window.dispatchEvent(
        new StorageEvent('storage', { key: 'something-else', storageArea: localStorage }),
      );

      expect(authState.updateAuthState).not.toHaveBeenCalled();
    });

    it('does not send token changes over the channel', async () => {
      const sync = start();

      tokenManager.setTokens(session());
      void sync.endSession();
      await nextFromTab(ofType('signed-out'));

      expect(snapshots()).toEqual([]);
    });

    it('does not store tokens sent over the channel', async () => {
      start();

      await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

      expect(tokenManager.getTokensSync()).toEqual({});
    });

    it('does not answer requests for the session', async () => {
      tokenManager.tokens = session();
      const sync = start();

      await fromPeer({ type: 'request-session' });
      void sync.endSession();
      await nextFromTab(ofType('signed-out'));

      expect(snapshots()).toEqual([]);
    });

    it('does not ask the open tabs, and is ready at once', async () => {
      const sync = start();

      await sync.ready;
      void sync.endSession();
      await nextFromTab(ofType('signed-out'));

      expect(received.filter(ofType('request-session'))).toEqual([]);
    });

    it('keeps a step-up made in another tab while its renewal was under way, and revokes the answer', async () => {
      tokenManager.tokens = session();
      let answer: (tokens: Tokens) => void = () => undefined;
      oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
      const sync = start();
      await becomeLeader();
      const renewal = sync.renewAccessToken();
      const steppedUp = session({
        accessToken: 'stepped-up',
        refreshToken: 'stepped-up-refresh',
        claims: { auth_time: TEST_NOW_SECONDS - 5, acr: 'urn:okta:loa:2fa:any' },
      });
      const late = session({ accessToken: 'renewed-old-grant', refreshToken: 'old-grant-rotated' });

      tokenManager.setTokens(steppedUp); // okta-auth-js's storage sync, after the other tab's sign-in.
      answer(late);

      expect(await renewal).toBe('stepped-up');
      expect(tokenManager.getTokensSync()).toEqual(steppedUp);
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(late.refreshToken);
    });

    it('drops a renewal answer when another tab signed out meanwhile', async () => {
      tokenManager.tokens = session();
      let answer: (tokens: Tokens) => void = () => undefined;
      oktaAuth.token.renewTokens.and.returnValue(new Promise((resolve) => (answer = resolve)));
      const sync = start();
      await becomeLeader();
      const renewal = sync.renewAccessToken();

      localStorage.setItem(`${clientId}-session-generation`, '1');
      tokenManager.clear(); // okta-auth-js's storage sync, after the other tab's clear().
      answer(session({ accessToken: 'late', refreshToken: 'late-refresh' }));

      expect(await renewal).toBeNull();
      expect(tokenManager.getTokensSync()).toEqual({});
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(
        session({ refreshToken: 'late-refresh' }).refreshToken,
      );
    });
  });

  describe('with memory, where each tab is its own session', () => {
    beforeEach(() => configure('memory'));

    it('never sends its tokens to other tabs', async () => {
      const sync = start();

      tokenManager.setTokens(session());
      await fromPeer({ type: 'request-session' });
      void sync.endSession();
      await nextFromTab(ofType('signed-out'));

      expect(snapshots()).toEqual([]);
      expect(received.filter(ofType('request-session'))).toEqual([]);
    });

    it('does not store tokens sent over the channel', async () => {
      start();

      await fromPeer({ type: 'tokens', tokens: session(), generation: 0 });

      expect(tokenManager.getTokensSync()).toEqual({});
    });

    it('renews its own tokens, though another tab holds the renewal lock', async () => {
      await holdRenewalLockElsewhere();
      tokenManager.tokens = session();
      oktaAuth.token.renewTokens.and.resolveTo(session({ accessToken: 'renewed' }));
      const sync = start();
      await sync.ready;

      expect(await sync.renewAccessToken()).toBe('renewed');
    });

    it('does not renew for another tab: none holds its tokens', async () => {
      tokenManager.tokens = session();
      await start().ready;

      await fromPeer({ type: 'request-renewal' });

      expect(oktaAuth.token.renewTokens).not.toHaveBeenCalled();
    });

    it('ends its own session, and revokes its own refresh token, when another tab signs out', async () => {
      tokenManager.tokens = session();
      await start().ready;

      await fromPeer({ type: 'signed-out', generation: 1 });

      expect(tokenManager.getTokensSync()).toEqual({});
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(session().refreshToken);
    });

    it('tells the other tabs when it signs out', async () => {
      tokenManager.tokens = session();
      const sync = start();

      await sync.endSession();

      expect(await nextFromTab(ofType('signed-out'))).toEqual({
        type: 'signed-out',
        generation: 1,
      });
    });
  });
});
