import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AuthState, Token, Tokens } from '@okta/okta-auth-js/core';
import { AUTH_CONFIG } from './auth-config-token';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import {
  TEST_NOW_SECONDS,
  testAuthConfig,
  testSession,
  provideOktaLoaded,
} from './testing/auth-fixtures';

type TokenKey = 'idToken' | 'accessToken' | 'refreshToken';
type Listener = (...args: unknown[]) => void;

/** okta-auth-js's TokenManager over localStorage, as far as SessionSync uses it. */
class SharedTokenManager {
  tokens: Tokens = {};
  readonly hasExpired = jasmine.createSpy<(token: Token) => boolean>('hasExpired');
  renew = async (): Promise<Token | undefined> => undefined;
  updateRefreshToken = (): void => undefined;
  removeRefreshToken = (): void => undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  on(event: string, listener: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
  }
  off(event: string, listener: Listener): void {
    this.listeners.get(event)?.delete(listener);
  }
  private emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
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

describe('SessionSync: a localStorage tab that slept through a sign-out and a new sign-in', () => {
  let clientId: string;
  let tokenManager: SharedTokenManager;
  let oktaAuth: {
    tokenManager: SharedTokenManager;
    authStateManager: {
      subscribe(handler: (state: AuthState) => void): void;
      unsubscribe(handler: (state: AuthState) => void): void;
      updateAuthState: jasmine.Spy;
    };
    token: { renewTokens: jasmine.Spy<() => Promise<Tokens>> };
    options: { dpop: boolean };
    revokeAccessToken: jasmine.Spy;
    revokeRefreshToken: jasmine.Spy;
    clearDPoPStorage: jasmine.Spy;
    signInWithRedirect: jasmine.Spy;
  };
  let peer: BroadcastChannel;
  let witness: BroadcastChannel;
  const session = (accessToken?: string, refreshToken?: string) =>
    testSession({ clientId, accessToken, refreshToken });

  beforeEach(() => {
    clientId = `session-review-spec-${++testNumber}-${Date.now()}`;
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(TEST_NOW_SECONDS * 1000));
    tokenManager = new SharedTokenManager();
    tokenManager.hasExpired.and.returnValue(false);
    oktaAuth = {
      tokenManager,
      authStateManager: {
        subscribe: () => undefined,
        unsubscribe: () => undefined,
        updateAuthState: jasmine.createSpy('updateAuthState').and.resolveTo({}),
      },
      token: { renewTokens: jasmine.createSpy('renewTokens') },
      options: { dpop: false },
      revokeAccessToken: jasmine.createSpy('revokeAccessToken').and.resolveTo({}),
      revokeRefreshToken: jasmine.createSpy('revokeRefreshToken').and.resolveTo({}),
      clearDPoPStorage: jasmine.createSpy('clearDPoPStorage').and.resolveTo(),
      signInWithRedirect: jasmine.createSpy('signInWithRedirect').and.resolveTo(),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        {
          provide: AUTH_CONFIG,
          useValue: testAuthConfig({ clientId, tokenStorage: 'localStorage' }),
        },
      ],
    });
    peer = new BroadcastChannel(`${clientId}-session`);
  });

  afterEach(() => {
    peer.close();
    witness?.close();
    jasmine.clock().uninstall();
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(clientId)) localStorage.removeItem(key);
    }
  });

  function start(): SessionSync {
    const sync = TestBed.inject(SessionSync);
    TestBed.runInInjectionContext(() => sync.start());
    witness = new BroadcastChannel(`${clientId}-session`);
    return sync;
  }

  /** Posts `message` from another tab and resolves once this tab has handled it. */
  async function fromPeer(message: unknown): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      witness.onmessage = (event: MessageEvent<{ type: string }>) => {
        if (event.data.type === 'marker') resolve();
      };
    });
    peer.postMessage(message);
    peer.postMessage({ type: 'marker' });
    await seen;
  }

  /** While this tab slept: another tab signed out (generation 1, storage cleared) and in again. */
  function signedOutAndInElsewhere(): Tokens {
    localStorage.setItem(`${clientId}-session-generation`, '1');
    const fresh = session('new-access', 'new-refresh');
    tokenManager.tokens = fresh; // Shared storage: okta-auth-js emits nothing in this tab.
    return fresh;
  }

  const storageEvent = () =>
    window.dispatchEvent(
      new StorageEvent('storage', { key: 'okta-token-storage', storageArea: localStorage }),
    );

  async function becomeLeader(): Promise<void> {
    for (let turns = 0; ; turns++) {
      const { held } = await navigator.locks.query();
      if (held?.some((lock) => lock.name === `${clientId}-token-renewal`)) break;
      if (turns > 200) throw new Error('This tab never got the renewal lock');
      await nextTask();
    }
    await nextTask();
  }

  beforeEach(() => (tokenManager.tokens = session('old-access', 'old-refresh')));

  it('keeps the new session when the storage event comes before the sign-out message', async () => {
    await start().ready;
    const fresh = signedOutAndInElsewhere();

    storageEvent();
    await fromPeer({ type: 'signed-out', generation: 1 });

    expect(tokenManager.getTokensSync()).toEqual(fresh);
    expect(oktaAuth.revokeRefreshToken).not.toHaveBeenCalled();
  });

  it('keeps the new session when the sign-out message comes after the new sign-in was stored', async () => {
    await start().ready;
    const fresh = signedOutAndInElsewhere();

    await fromPeer({ type: 'signed-out', generation: 1 });

    expect(tokenManager.getTokensSync()).toEqual(fresh);
    expect(oktaAuth.revokeRefreshToken).not.toHaveBeenCalled();
  });

  it('renews the new session it followed through the storage event, instead of revoking it', async () => {
    const sync = start();
    await sync.ready;
    await becomeLeader();
    signedOutAndInElsewhere();
    storageEvent(); // The sign-out message itself was lost (bfcache, no BroadcastChannel).
    oktaAuth.token.renewTokens.and.resolveTo(session('renewed', 'new-refresh'));

    expect(await sync.renewAccessToken()).toBe('renewed');
    expect(oktaAuth.revokeRefreshToken).not.toHaveBeenCalled();
  });

  it('does not wipe the new session when it finds its (stale) session unusable', async () => {
    const sync = start();
    await sync.ready;
    const fresh = signedOutAndInElsewhere();
    storageEvent();

    sync.endUnusableSession();

    // Either the new session stays, or it ends as a real end does (generation moved on).
    const ended = Number(localStorage.getItem(`${clientId}-session-generation`)) > 1;
    expect(
      ended ||
        tokenManager.getTokensSync().accessToken?.accessToken === fresh.accessToken?.accessToken,
    ).toBeTrue();
  });
});
