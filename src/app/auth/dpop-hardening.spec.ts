// Cases a hostile review of the browser side of DPoP (RFC 9449) found, each failing before its fix.
// See also e2e/dpop-hardening.spec.ts.
import {
  HttpClient,
  HttpErrorResponse,
  HttpHeaders,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AccessToken, AuthState, DPoPRequest, Tokens } from '@okta/okta-auth-js/core';
import { BehaviorSubject } from 'rxjs';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { authInterceptor } from './auth-interceptor';
import { AuthSession } from './auth-session';
import { isNonceChallenge } from './dpop-nonces';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';
import { SessionGenerations } from './session-generation';
import { SessionSync } from './session-sync';
import { describeSignInError } from './sign-in-error';
import {
  testAccessToken,
  testAuthConfig,
  testIdToken,
  testRefreshToken,
  testSession,
  provideOktaLoaded,
} from './testing/auth-fixtures';

const PAIR_ID = 'a1b2c3d4';
const bound = (value = 'bound-access-token'): AccessToken =>
  testAccessToken(value, { tokenType: 'DPoP', dpopPairId: PAIR_ID });
const unbound = (value = 'unbound-access-token'): AccessToken => testAccessToken(value);

describe('DPoP: the profile page never sends a token in a way the setting forbids', () => {
  const idToken = testIdToken();
  let tokens: Tokens;
  let oktaAuth: {
    options: { dpop: boolean };
    tokenManager: { getTokensSync: () => Tokens };
    authStateManager: { getAuthState: () => AuthState | null };
    getUser: jasmine.Spy<() => Promise<unknown>>;
  };
  let fetchSpy: jasmine.Spy<typeof fetch>;

  function setUp(config: Partial<AuthConfig>, oktaDpop: boolean): AuthSession {
    oktaAuth = {
      options: { dpop: oktaDpop },
      tokenManager: { getTokensSync: () => ({ ...tokens }) },
      authStateManager: { getAuthState: () => null },
      getUser: jasmine.createSpy('getUser').and.resolveTo({ sub: idToken.claims.sub }),
    };
    fetchSpy = spyOn(window, 'fetch').and.callFake(async () =>
      Response.json({ sub: idToken.claims.sub }),
    );
    const sessionSync = jasmine.createSpyObj<
      Pick<SessionSync, 'endSession' | 'endUnusableSession'>
    >('SessionSync', ['endSession', 'endUnusableSession']);
    sessionSync.endSession.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: OKTA_AUTH_STATE, useValue: new BehaviorSubject<AuthState>({}) },
        { provide: SessionSync, useValue: sessionSync },
        { provide: AUTH_CONFIG, useValue: testAuthConfig(config) },
      ],
    });
    return TestBed.inject(AuthSession);
  }

  /** Every Authorization header that left the page for userinfo, by whichever path. */
  function authorizationsSent(): string[] {
    const viaFetch = fetchSpy.calls
      .allArgs()
      .map(([, init]) => new Headers(init?.headers).get('Authorization') ?? '');
    // getUser() without DPoP sends `Bearer <token>` (okta-auth-js's httpRequest).
    const viaGetUser = oktaAuth.getUser.calls.count()
      ? [
          oktaAuth.options.dpop
            ? 'DPoP (with a proof)'
            : `Bearer ${tokens.accessToken?.accessToken}`,
        ]
      : [];
    return [...viaFetch, ...viaGetUser];
  }

  it('does not send an unbound token as Bearer to userinfo while DPoP is required (OKTA_DPOP_ALLOW_BEARER=false)', async () => {
    // E.g. a session stored (localStorage) before OKTA_DPOP was turned on.
    tokens = { idToken, accessToken: unbound(), refreshToken: testRefreshToken() };
    const session = setUp({ dpop: true, dpopAllowBearer: false }, true);

    await session.fetchUserInfo().catch(() => undefined);

    expect(authorizationsSent()).not.toContain('Bearer unbound-access-token');
  });

  it('does not send a DPoP-bound token as Bearer to userinfo when okta-auth-js has DPoP off', async () => {
    // E.g. OKTA_DPOP switched to false while bound sessions sit in localStorage.
    tokens = { idToken, accessToken: bound(), refreshToken: testRefreshToken() };
    const session = setUp({ dpop: false }, false);

    await session.fetchUserInfo().catch(() => undefined);

    expect(authorizationsSent()).not.toContain('Bearer bound-access-token');
  });
});

describe('DPoP: a stored session is held to the DPoP setting when the app starts', () => {
  let clientId: string;
  let number = 0;

  /** okta-auth-js's TokenManager as far as SessionSync uses it at start. */
  class StoredTokens {
    tokens: Tokens = {};
    readonly cleared = jasmine.createSpy('clear');
    renew = async () => undefined;
    updateRefreshToken = () => undefined;
    removeRefreshToken = () => undefined;
    hasExpired = () => false;
    on = () => undefined;
    off = () => undefined;
    getTokensSync = () => ({ ...this.tokens });
    setTokens = (tokens: Tokens) => (this.tokens = tokens);
    clear = () => {
      this.cleared();
      this.tokens = {};
    };
  }

  afterEach(() => {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(clientId)) localStorage.removeItem(key);
    }
  });

  it('does not keep a stored unbound (Bearer) session as signed in while DPoP is required', async () => {
    clientId = `dpop-hardening-${++number}-${Date.now()}`;
    const tokenManager = new StoredTokens();
    // Written by the app before OKTA_DPOP was turned on: Bearer tokens, no key pair.
    tokenManager.tokens = testSession({ clientId });
    new SessionGenerations(clientId).current();
    const oktaAuth = {
      tokenManager,
      authStateManager: { subscribe: () => undefined, unsubscribe: () => undefined },
      token: { renewTokens: jasmine.createSpy('renewTokens') },
      options: { dpop: true },
      revokeAccessToken: jasmine.createSpy('revokeAccessToken').and.resolveTo(),
      revokeRefreshToken: jasmine.createSpy('revokeRefreshToken').and.resolveTo(),
      clearDPoPStorage: jasmine.createSpy('clearDPoPStorage').and.resolveTo(),
      signInWithRedirect: jasmine.createSpy('signInWithRedirect').and.resolveTo(),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        {
          provide: AUTH_CONFIG,
          useValue: testAuthConfig({
            clientId,
            tokenStorage: 'localStorage',
            dpop: true,
            dpopAllowBearer: false,
          }),
        },
      ],
    });
    const sync = TestBed.inject(SessionSync);
    TestBed.runInInjectionContext(() => sync.start());
    await sync.ready;

    expect(tokenManager.getTokensSync().accessToken?.tokenType).not.toBe('Bearer');
  });
});

describe('DPoP: the interceptor renews only when a new token can help', () => {
  const API = 'http://localhost:8000';
  const url = `${API}/api/messages`;
  let stored: Tokens;
  let renewAccessToken: jasmine.Spy<() => Promise<string | null>>;

  beforeEach(() => {
    stored = { accessToken: bound('access-token-1') };
    renewAccessToken = jasmine.createSpy('renewAccessToken').and.callFake(async () => {
      stored = { accessToken: bound('access-token-2') };
      return 'access-token-2';
    });
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        {
          provide: OKTA_AUTH,
          useValue: {
            tokenManager: { getTokensSync: () => ({ ...stored }) },
            getDPoPAuthorizationHeaders: async ({ accessToken }: DPoPRequest) => ({
              Authorization: `DPoP ${accessToken?.accessToken}`,
              Dpop: 'proof',
            }),
          },
        },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ apiOrigins: [API], dpop: true }) },
        {
          provide: SessionSync,
          useValue: { renewAccessToken, endUnusableSession: () => undefined },
        },
      ],
    });
  });

  it('does not spend a refresh on a 401 invalid_dpop_proof (a bad proof, e.g. a skewed clock, not a bad token)', async () => {
    let error: unknown;
    TestBed.inject(HttpClient)
      .get(url)
      .subscribe({ error: (e: unknown) => (error = e) });
    const settle = () => new Promise((resolve) => setTimeout(resolve));
    await settle();
    TestBed.inject(HttpTestingController)
      .expectOne(url)
      .flush(
        { error: 'invalid_dpop_proof' },
        {
          status: 401,
          statusText: 'Unauthorized',
          headers: {
            'WWW-Authenticate':
              'DPoP algs="ES256 RS256", error="invalid_dpop_proof", error_description="iat is not recent enough"',
          },
        },
      );
    await settle();
    TestBed.inject(HttpTestingController)
      .match(url)
      .forEach((request) => request.flush(null, { status: 401, statusText: 'Unauthorized' }));
    await settle();

    expect(renewAccessToken).not.toHaveBeenCalled();
    expect((error as HttpErrorResponse).status).toBe(401);
  });
});

describe('DPoP: what the user reads when the token endpoint mishandles the nonce', () => {
  it('does not show okta-auth-js\'s raw "No `dpop-nonce` header found when required"', () => {
    // Okta answered use_dpop_nonce, and the browser could not read its DPoP-Nonce (a proxy
    // stripped it, or Access-Control-Expose-Headers lacks it).
    const raw = 'No `dpop-nonce` header found when required';

    expect(describeSignInError({ errorSummary: raw })).not.toBe(raw);
  });
});

describe('DPoP: reading the API nonce challenge', () => {
  it('recognises a nonce challenge after an empty list element (RFC 9110 §5.6.1.2)', () => {
    // Two WWW-Authenticate fields, the first empty, reach the page joined as ", DPoP ...".
    const headers = new HttpHeaders({
      'WWW-Authenticate': ', DPoP error="use_dpop_nonce", algs="ES256"',
      'DPoP-Nonce': 'n-1',
    });

    expect(isNonceChallenge(headers)).toBeTrue();
  });
});
