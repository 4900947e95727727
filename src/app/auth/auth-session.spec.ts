import { TestBed } from '@angular/core/testing';
import type { AuthState, OktaAuth, UserClaims } from '@okta/okta-auth-js/core';
import { provideRouter, Router } from '@angular/router';
import { BehaviorSubject } from 'rxjs';
import { AuthSession } from './auth-session';
import { OKTA_AUTH, OKTA_AUTH_STATE } from './okta-auth-token';
import { OKTA_LOADING, OktaLoading, OktaRuntime } from './okta-loader';
import * as oktaRuntime from './okta-runtime';
import { SessionSync } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';
import { AUTH_CONFIG } from './auth-config-token';
import {
  testAccessToken,
  testAuthConfig,
  testIdToken,
  testRefreshToken,
  provideOktaLoaded,
} from './testing/auth-fixtures';

type TokenManager = Pick<OktaAuth['tokenManager'], 'getTokensSync'>;
type AuthStateManager = Pick<OktaAuth['authStateManager'], 'getAuthState' | 'updateAuthState'>;

/** The slice of OktaAuth that AuthSession uses, with spies for each method. */
interface FakeOktaAuth extends jasmine.SpyObj<
  Pick<
    OktaAuth,
    'signInWithRedirect' | 'signOut' | 'revokeAccessToken' | 'revokeRefreshToken' | 'getUser'
  >
> {
  readonly authStateManager: jasmine.SpyObj<AuthStateManager>;
  readonly tokenManager: jasmine.SpyObj<TokenManager>;
  readonly options: { dpop: boolean };
}

const idToken = testIdToken();
const accessToken = testAccessToken();
const refreshToken = testRefreshToken();

function signedIn(claims: UserClaims = { sub: '00u1abcd', name: 'Ada Lovelace' }): AuthState {
  return { isAuthenticated: true, idToken: { ...idToken, claims }, accessToken };
}
const signedOut: AuthState = { isAuthenticated: false };

describe('AuthSession', () => {
  let oktaAuth: FakeOktaAuth;
  /** What okta-auth-js's AuthStateManager currently holds: null until it has read storage. */
  let managerState: AuthState | null;
  /** Stands in for OktaAuthStateService.authState$, which starts with a `{ isAuthenticated: false }` placeholder. */
  let authState$: BehaviorSubject<AuthState>;
  let sessionSync: jasmine.SpyObj<Pick<SessionSync, 'endSession' | 'endUnusableSession'>>;

  beforeEach(() => {
    managerState = null;
    authState$ = new BehaviorSubject<AuthState>(signedOut);
    oktaAuth = {
      ...jasmine.createSpyObj<
        Pick<
          OktaAuth,
          'signInWithRedirect' | 'signOut' | 'revokeAccessToken' | 'revokeRefreshToken' | 'getUser'
        >
      >('OktaAuth', [
        'signInWithRedirect',
        'signOut',
        'revokeAccessToken',
        'revokeRefreshToken',
        'getUser',
      ]),
      authStateManager: jasmine.createSpyObj<AuthStateManager>('AuthStateManager', [
        'getAuthState',
        'updateAuthState',
      ]),
      tokenManager: jasmine.createSpyObj<TokenManager>('TokenManager', ['getTokensSync']),
      options: { dpop: false },
    };
    oktaAuth.authStateManager.getAuthState.and.callFake(() => managerState);
    oktaAuth.signInWithRedirect.and.resolveTo();
    oktaAuth.signOut.and.resolveTo(true);
    oktaAuth.revokeAccessToken.and.resolveTo({});
    oktaAuth.revokeRefreshToken.and.resolveTo({});
    oktaAuth.tokenManager.getTokensSync.and.returnValue({ idToken, accessToken, refreshToken });

    oktaAuth.authStateManager.updateAuthState.and.resolveTo({ isAuthenticated: false });
    sessionSync = jasmine.createSpyObj<Pick<SessionSync, 'endSession' | 'endUnusableSession'>>(
      'SessionSync',
      ['endSession', 'endUnusableSession'],
    );
    sessionSync.endSession.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        // Every URL matches a component-less route, so navigations in signIn() succeed.
        provideRouter([{ path: '**', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: OKTA_AUTH_STATE, useValue: authState$ },
        { provide: SessionSync, useValue: sessionSync },
        { provide: AUTH_CONFIG, useValue: testAuthConfig() },
      ],
    });
  });

  /** Makes okta-auth-js report `state`, as its AuthStateManager does after an update. */
  function report(state: AuthState): void {
    managerState = state;
    authState$.next(state);
  }

  describe('status', () => {
    it('is pending while okta-auth-js has not read its storage, despite the signed-out placeholder', () => {
      const session = TestBed.inject(AuthSession);

      expect(session.status()).toBe('pending');
      expect(session.isSignedIn()).toBeFalse();
      expect(session.displayName()).toBeNull();
    });

    it('is signed-in once okta-auth-js reports an authenticated state', () => {
      const session = TestBed.inject(AuthSession);

      report(signedIn());

      expect(session.status()).toBe('signed-in');
      expect(session.isSignedIn()).toBeTrue();
    });

    it('is signed-out once okta-auth-js reports an unauthenticated state', () => {
      const session = TestBed.inject(AuthSession);

      report(signedOut);

      expect(session.status()).toBe('signed-out');
      expect(session.isSignedIn()).toBeFalse();
    });

    it('uses the state okta-auth-js already had when the session is created', () => {
      managerState = signedIn();
      authState$.next(managerState);

      expect(TestBed.inject(AuthSession).status()).toBe('signed-in');
    });

    it('follows a later sign-out', () => {
      const session = TestBed.inject(AuthSession);
      report(signedIn());

      report(signedOut);

      expect(session.status()).toBe('signed-out');
      expect(session.claims()).toBeNull();
    });
  });

  describe('claims', () => {
    it('are the ID token claims while signed in', () => {
      const session = TestBed.inject(AuthSession);
      const claims: UserClaims = { sub: '00u1abcd', email: 'ada@example.com', groups: ['admins'] };

      report(signedIn(claims));

      expect(session.claims()).toEqual(claims);
    });

    it('are null when a state carries an ID token but is not authenticated', () => {
      const session = TestBed.inject(AuthSession);

      report({ isAuthenticated: false, idToken });

      expect(session.claims()).toBeNull();
    });
  });

  describe('groups', () => {
    const cases: [string, AuthState, readonly string[]][] = [
      [
        'the groups claim while signed in',
        signedIn({ sub: '00u1abcd', groups: ['Everyone', 'Admins'] }),
        ['Everyone', 'Admins'],
      ],
      ['empty without a groups claim', signedIn({ sub: '00u1abcd' }), []],
      [
        'empty when the groups claim is not a list',
        signedIn({ sub: '00u1abcd', groups: 'Admins' }),
        [],
      ],
      [
        'only the names that are strings',
        signedIn({ sub: '00u1abcd', groups: ['Admins', 7, true] }),
        ['Admins'],
      ],
      [
        'empty when signed out, even with an ID token in the state',
        {
          isAuthenticated: false,
          idToken: { ...idToken, claims: { sub: 'x', groups: ['Admins'] } },
        },
        [],
      ],
    ];
    for (const [what, state, expected] of cases) {
      it(`are ${what}`, () => {
        const session = TestBed.inject(AuthSession);

        report(state);

        expect(session.groups()).toEqual(expected);
      });
    }
  });

  describe('displayName', () => {
    const full: UserClaims = {
      sub: '00u1abcd',
      name: 'Ada Lovelace',
      preferred_username: 'ada@example.com',
      email: 'ada.l@example.com',
    };
    const cases: [string, UserClaims, string][] = [
      ['the name', full, 'Ada Lovelace'],
      [
        'the preferred username without a name',
        { sub: '00u1abcd', preferred_username: 'ada@example.com', email: 'ada.l@example.com' },
        'ada@example.com',
      ],
      [
        'the email without a name or username',
        { sub: '00u1abcd', email: 'ada.l@example.com' },
        'ada.l@example.com',
      ],
      ['the subject when nothing else is there', { sub: '00u1abcd' }, '00u1abcd'],
    ];
    for (const [what, claims, expected] of cases) {
      it(`is ${what}`, () => {
        const session = TestBed.inject(AuthSession);

        report(signedIn(claims));

        expect(session.displayName()).toBe(expected);
      });
    }

    it('is null while signed out', () => {
      const session = TestBed.inject(AuthSession);

      report(signedOut);

      expect(session.displayName()).toBeNull();
    });
  });

  describe('signIn', () => {
    it('redirects to Okta and asks to come back to the given page', async () => {
      await TestBed.inject(AuthSession).signIn('/messages?page=2');

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/messages?page=2',
      });
    });

    it('comes back to the home page when no page is given', async () => {
      await TestBed.inject(AuthSession).signIn();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
    });

    for (const elsewhere of [
      '//evil.example/profile',
      'https://evil.example/',
      'javascript:alert(1)',
    ]) {
      it(`stores no way back to another site (${elsewhere}): the home page instead`, async () => {
        await TestBed.inject(AuthSession).signIn(elsewhere);

        expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
      });
    }

    it('loads the Okta chunk when the click comes before it is in, and leaves once it is', async () => {
      let arrive: (okta: OktaRuntime) => void = () => undefined;
      const load = jasmine
        .createSpy('load')
        .and.returnValue(new Promise<OktaRuntime>((resolve) => (arrive = resolve)));
      TestBed.overrideProvider(OKTA_LOADING, { useValue: new OktaLoading(load) });

      const signedIn = TestBed.inject(AuthSession).signIn('/profile');
      await new Promise((resolve) => setTimeout(resolve));

      expect(load).toHaveBeenCalledTimes(1);
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
      arrive(oktaRuntime);
      await signedIn;
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/profile' });
    });

    describe('when the redirect to Okta cannot start (e.g. discovery is unreachable)', () => {
      beforeEach(() =>
        oktaAuth.signInWithRedirect.and.rejectWith(
          new Error('Okta could not be reached. Check your connection and try again.'),
        ),
      );
      afterEach(() => TestBed.inject(SignInAttempts).reset());

      it('records the failure with a readable message', async () => {
        await TestBed.inject(AuthSession).signIn('/profile');

        expect(TestBed.inject(SignInAttempts).lastError()).toBe(
          'Okta could not be reached. Check your connection and try again.',
        );
      });

      it('shows the callback page, which explains the failure', async () => {
        await TestBed.inject(AuthSession).signIn('/profile');

        expect(TestBed.inject(Router).url).toBe('/login/callback');
      });
    });

    describe('after the loop breaker stopped automatic sign-ins', () => {
      afterEach(() => TestBed.inject(SignInAttempts).reset());

      it('forgets the failed attempts before redirecting, so the user gets a fresh start', async () => {
        const attempts = TestBed.inject(SignInAttempts);
        attempts.recordFailure('The token endpoint could not be reached.');
        attempts.recordFailure('The token endpoint could not be reached.');
        let stoppedWhenRedirecting: boolean | undefined;
        oktaAuth.signInWithRedirect.and.callFake(async () => {
          stoppedWhenRedirecting = attempts.mustStop();
        });

        await TestBed.inject(AuthSession).signIn('/profile');

        expect(stoppedWhenRedirecting).toBeFalse();
        expect(attempts.lastError()).toBeNull();
      });
    });
  });

  describe('signOut', () => {
    it('ends the session here and in every tab (SessionSync) before revoking the tokens', async () => {
      await TestBed.inject(AuthSession).signOut();

      expect(sessionSync.endSession).toHaveBeenCalledTimes(1);
      expect(sessionSync.endSession).toHaveBeenCalledBefore(oktaAuth.revokeAccessToken);
      expect(sessionSync.endSession).toHaveBeenCalledBefore(oktaAuth.revokeRefreshToken);
    });

    it('revokes the access and refresh tokens it had before ending the session', async () => {
      await TestBed.inject(AuthSession).signOut();

      expect(oktaAuth.revokeAccessToken).toHaveBeenCalledOnceWith(accessToken);
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledOnceWith(refreshToken);
    });

    it('redirects to Okta only after revocation has settled', async () => {
      await TestBed.inject(AuthSession).signOut();

      expect(oktaAuth.revokeAccessToken).toHaveBeenCalledBefore(oktaAuth.signOut);
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledBefore(oktaAuth.signOut);
    });

    it('waits for a renewal under way to be dropped and revoked before leaving for Okta', async () => {
      let settleRenewal: () => void = () => undefined;
      sessionSync.endSession.and.returnValue(new Promise((resolve) => (settleRenewal = resolve)));

      const signingOut = TestBed.inject(AuthSession).signOut();
      await new Promise((resolve) => setTimeout(resolve));
      const leftEarly = oktaAuth.signOut.calls.any();
      settleRenewal();
      await signingOut;

      expect(leftEarly).toBeFalse();
      expect(oktaAuth.signOut).toHaveBeenCalledTimes(1);
    });

    it('still redirects to Okta when revocation fails', async () => {
      oktaAuth.revokeAccessToken.and.rejectWith(new Error('Failed to fetch'));
      oktaAuth.revokeRefreshToken.and.rejectWith(new Error('Failed to fetch'));

      await expectAsync(TestBed.inject(AuthSession).signOut()).toBeResolved();

      expect(oktaAuth.signOut).toHaveBeenCalledTimes(1);
    });

    it('passes the ID token to Okta and turns its own revocation off', async () => {
      await TestBed.inject(AuthSession).signOut();

      expect(oktaAuth.signOut).toHaveBeenCalledOnceWith({
        idToken,
        revokeAccessToken: false,
        revokeRefreshToken: false,
      });
    });

    it('revokes only the access token when there is no refresh token', async () => {
      oktaAuth.tokenManager.getTokensSync.and.returnValue({ idToken, accessToken });

      await TestBed.inject(AuthSession).signOut();

      expect(oktaAuth.revokeRefreshToken).not.toHaveBeenCalled();
      expect(oktaAuth.revokeAccessToken).toHaveBeenCalledOnceWith(accessToken);
      expect(oktaAuth.signOut).toHaveBeenCalledTimes(1);
    });

    describe('with no ID token (nothing to name the Okta session with)', () => {
      beforeEach(() =>
        oktaAuth.tokenManager.getTokensSync.and.returnValue({ accessToken, refreshToken }),
      );

      it('still ends the session and revokes the tokens it has', async () => {
        await TestBed.inject(AuthSession).signOut();

        expect(sessionSync.endSession).toHaveBeenCalledTimes(1);
        expect(oktaAuth.revokeAccessToken).toHaveBeenCalledOnceWith(accessToken);
        expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledOnceWith(refreshToken);
      });

      it('does not go to /v1/logout without an id_token_hint, and updates the signed-out state', async () => {
        await TestBed.inject(AuthSession).signOut();

        expect(oktaAuth.signOut).not.toHaveBeenCalled();
        expect(oktaAuth.authStateManager.updateAuthState).toHaveBeenCalledTimes(1);
      });
    });
  });
  describe('fetchUserInfo', () => {
    const differentUser =
      "Okta's user information was for a different user than your sign-in, so you were signed out here. Please sign in again.";

    it("returns the claims from Okta's userinfo endpoint", async () => {
      const claims: UserClaims = { sub: '00u1abcd', name: 'Ada Lovelace', locale: 'en-GB' };
      oktaAuth.getUser.and.resolveTo(claims);

      expect(await TestBed.inject(AuthSession).fetchUserInfo()).toEqual(claims);
    });

    it('leaves out the response headers okta-auth-js adds to the answer, which are not claims', async () => {
      oktaAuth.getUser.and.resolveTo({
        sub: '00u1abcd',
        headers: { 'content-type': 'application/json' },
      } as UserClaims);

      expect(await TestBed.inject(AuthSession).fetchUserInfo()).toEqual({ sub: '00u1abcd' });
    });

    it('leaves the session alone when userinfo answers', async () => {
      oktaAuth.getUser.and.resolveTo({ sub: '00u1abcd' });

      await TestBed.inject(AuthSession).fetchUserInfo();

      expect(sessionSync.endSession).not.toHaveBeenCalled();
    });

    describe("when userinfo is for another user than the ID token's (okta-auth-js: token mismatch)", () => {
      beforeEach(() =>
        oktaAuth.getUser.and.rejectWith(
          new Error('getUserInfo request was rejected due to token mismatch'),
        ),
      );

      it('rejects, saying the user was signed out because of a different user', async () => {
        await expectAsync(TestBed.inject(AuthSession).fetchUserInfo()).toBeRejectedWithError(
          differentUser,
        );
      });

      it('ends the session, here and in every tab', async () => {
        await TestBed.inject(AuthSession)
          .fetchUserInfo()
          .catch(() => undefined);

        expect(sessionSync.endSession).toHaveBeenCalledTimes(1);
      });
    });

    describe('with DPoP on and an unbound token (the dpopAllowBearer fallback)', () => {
      const bearerAnswer = (body: unknown, status = 200) =>
        spyOn(window, 'fetch').and.resolveTo(
          new Response(JSON.stringify(body), {
            status,
            headers: { 'Content-Type': 'application/json' },
          }),
        );
      beforeEach(() => (oktaAuth.options.dpop = true));

      it('asks userinfo with the Bearer scheme, not with a DPoP proof for an unbound token', async () => {
        const fetchSpy = bearerAnswer({ sub: idToken.claims.sub, name: 'Ada' });

        expect(await TestBed.inject(AuthSession).fetchUserInfo()).toEqual({
          sub: idToken.claims.sub,
          name: 'Ada',
        });
        expect(oktaAuth.getUser).not.toHaveBeenCalled();
        const [url, init] = fetchSpy.calls.mostRecent().args;
        expect(url).toBe(accessToken.userinfoUrl);
        expect(new Headers(init?.headers).get('Authorization')).toBe(
          `Bearer ${accessToken.accessToken}`,
        );
      });

      it('ends the session when the answer is for another user, as getUser() does', async () => {
        bearerAnswer({ sub: '00uSOMEONEELSE' });

        await expectAsync(TestBed.inject(AuthSession).fetchUserInfo()).toBeRejectedWithError(
          differentUser,
        );
        expect(sessionSync.endSession).toHaveBeenCalledTimes(1);
      });

      it('rejects with the status of a refused request', async () => {
        bearerAnswer({ error: 'invalid_token' }, 401);

        await expectAsync(TestBed.inject(AuthSession).fetchUserInfo()).toBeRejectedWithError(
          "Okta's userinfo endpoint did not answer (401).",
        );
      });

      it('leaves a DPoP-bound token to okta-auth-js, which signs a proof', async () => {
        oktaAuth.tokenManager.getTokensSync.and.returnValue({
          idToken,
          accessToken: { ...accessToken, tokenType: 'DPoP', dpopPairId: 'a1b2' },
        });
        oktaAuth.getUser.and.resolveTo({ sub: '00u1abcd' });
        const fetchSpy = spyOn(window, 'fetch');

        await TestBed.inject(AuthSession).fetchUserInfo();

        expect(oktaAuth.getUser).toHaveBeenCalledTimes(1);
        expect(fetchSpy).not.toHaveBeenCalled();
      });
    });

    describe('when userinfo fails for another reason', () => {
      it("rejects with Okta's summary of the error", async () => {
        oktaAuth.getUser.and.rejectWith(
          Object.assign(new Error('401'), {
            errorCode: 'invalid_token',
            errorSummary: 'The access token is invalid.',
          }),
        );

        await expectAsync(TestBed.inject(AuthSession).fetchUserInfo()).toBeRejectedWithError(
          'The access token is invalid.',
        );
      });

      it('rejects with a readable message for an error without one', async () => {
        oktaAuth.getUser.and.rejectWith({});

        await expectAsync(TestBed.inject(AuthSession).fetchUserInfo()).toBeRejectedWithError(
          'Sign-in failed for an unknown reason. Please try again.',
        );
      });

      it('keeps the session', async () => {
        oktaAuth.getUser.and.rejectWith(new TypeError('Failed to fetch'));

        await TestBed.inject(AuthSession)
          .fetchUserInfo()
          .catch(() => undefined);

        expect(sessionSync.endSession).not.toHaveBeenCalled();
      });
    });
  });
});
