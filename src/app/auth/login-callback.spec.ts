import { Component } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { IDToken, OktaAuth, TokenResponse, UserClaims } from '@okta/okta-auth-js/core';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { authGuard } from './auth-guard';
import { LoginCallback } from './login-callback';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';
import { provideOktaLoaded } from './testing/auth-fixtures';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const STATE = 'state-4f9a';
const NONCE = 'nonce-7c21';
const RESPONSE = `?code=abc123&state=${STATE}`;

const config: AuthConfig = {
  issuer: ISSUER,
  clientId: CLIENT_ID,
  scopes: ['openid', 'profile'],
  apiOrigins: [],
  tokenStorage: 'sessionStorage',
  requestTimeoutSeconds: 15,
  dpop: false,
  dpopAllowBearer: false,
  idleTimeoutMinutes: 0,
};

type TransactionMeta = NonNullable<ReturnType<OktaAuth['transactionManager']['load']>>;

/** The slice of OktaAuth that LoginCallback (and completeSignIn under it) uses. */
interface FakeOktaAuth extends jasmine.SpyObj<
  Pick<
    OktaAuth,
    'getOriginalUri' | 'handleLoginRedirect' | 'signInWithRedirect' | 'isAuthenticated'
  >
> {
  readonly token: {
    readonly parseFromUrl: jasmine.Spy<(options: { url: string }) => Promise<TokenResponse>>;
  };
  readonly transactionManager: jasmine.SpyObj<
    Pick<OktaAuth['transactionManager'], 'load' | 'clear'>
  >;
  readonly tokenManager: jasmine.SpyObj<Pick<OktaAuth['tokenManager'], 'clear' | 'getTokensSync'>>;
  readonly storageManager: { readonly getHttpCache: () => { clearStorage(): void } };
}

function base64Url(json: unknown): string {
  return btoa(JSON.stringify(json)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A valid ID token for this sign-in, as okta-auth-js returns it from the exchange. */
function validIdToken(): IDToken {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: '00u1abcd',
    iat: now,
    exp: now + 3600,
    nonce: NONCE,
  } as UserClaims;
  return {
    idToken: `${base64Url({ alg: 'RS256', kid: 'key-1' })}.${base64Url(claims)}.c2lnbmF0dXJl`,
    claims,
    issuer: ISSUER,
    clientId: CLIENT_ID,
    expiresAt: now + 3600,
    authorizeUrl: `${ISSUER}/v1/authorize`,
    scopes: ['openid', 'profile'],
  };
}

describe('LoginCallback', () => {
  let oktaAuth: FakeOktaAuth;
  let attempts: SignInAttempts;
  let originalUrl: string;

  beforeEach(() => {
    // The component reads and rewrites the real address bar; restore the runner's URL afterwards.
    originalUrl = window.location.href;
    const transaction: TransactionMeta = {
      issuer: ISSUER,
      clientId: CLIENT_ID,
      redirectUri: 'http://localhost:4200/login/callback',
      responseType: 'code',
      scopes: ['openid', 'profile'],
      state: STATE,
      nonce: NONCE,
      pkce: true,
      codeVerifier: 'verifier',
      urls: {},
    };
    oktaAuth = {
      ...jasmine.createSpyObj<
        Pick<
          OktaAuth,
          'getOriginalUri' | 'handleLoginRedirect' | 'signInWithRedirect' | 'isAuthenticated'
        >
      >('OktaAuth', [
        'getOriginalUri',
        'handleLoginRedirect',
        'signInWithRedirect',
        'isAuthenticated',
      ]),
      token: { parseFromUrl: jasmine.createSpy('parseFromUrl') },
      transactionManager: jasmine.createSpyObj<
        Pick<OktaAuth['transactionManager'], 'load' | 'clear'>
      >('TransactionManager', ['load', 'clear']),
      tokenManager: jasmine.createSpyObj<Pick<OktaAuth['tokenManager'], 'clear' | 'getTokensSync'>>(
        'TokenManager',
        { clear: undefined, getTokensSync: {} },
      ),
      storageManager: { getHttpCache: () => ({ clearStorage: () => undefined }) },
    };
    oktaAuth.transactionManager.load.and.returnValue(transaction);
    oktaAuth.token.parseFromUrl.and.callFake(() =>
      Promise.resolve({ tokens: { idToken: validIdToken() }, state: STATE }),
    );
    oktaAuth.getOriginalUri.and.returnValue('/profile?tab=claims');
    oktaAuth.handleLoginRedirect.and.resolveTo();
    oktaAuth.signInWithRedirect.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: config },
      ],
    });
    attempts = TestBed.inject(SignInAttempts);
    attempts.reset();
  });

  afterEach(() => {
    window.history.replaceState(window.history.state, '', originalUrl);
    attempts.reset();
  });

  /** Puts `search` in the address bar, as Okta's redirect to /login/callback would. */
  function arriveWith(search: string): void {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
  }

  /**
   * Waits until the sign-in work started in ngOnInit has settled and the page has re-rendered.
   * That work is a plain promise chain, which whenStable() does not track: a macrotask lets it run.
   */
  async function settle(fixture: { whenStable(): Promise<unknown> }): Promise<void> {
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
  }

  async function render(): Promise<ComponentFixture<LoginCallback>> {
    const fixture = TestBed.createComponent(LoginCallback);
    await settle(fixture);
    return fixture;
  }

  /** Puts the loop breaker where it must stop: two failed sign-ins in a row. */
  function failTwice(message: string): void {
    attempts.recordFailure(message);
    attempts.recordFailure(message);
  }

  const FAILED_TWICE = 'Sign-in failed twice in a row, so the app stopped trying on its own.';
  const text = (fixture: ComponentFixture<LoginCallback>) =>
    ((fixture.nativeElement as HTMLElement).textContent ?? '').replace(/\s+/g, ' ');
  const alert = (fixture: ComponentFixture<LoginCallback>) =>
    (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('[role="alert"]');
  const heading = (fixture: ComponentFixture<LoginCallback>) =>
    (fixture.nativeElement as HTMLElement).querySelector('h1')?.textContent;
  const button = (fixture: ComponentFixture<LoginCallback>, name: string) =>
    Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find(
      (element) => element.textContent?.trim() === name,
    );
  const link = (fixture: ComponentFixture<LoginCallback>, name: string) =>
    Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('a')).find(
      (element) => element.textContent?.trim() === name,
    );

  describe('while the code exchange is in progress', () => {
    beforeEach(() => {
      arriveWith(RESPONSE);
      oktaAuth.token.parseFromUrl.and.returnValue(new Promise<TokenResponse>(() => undefined));
    });

    it('shows that the user is being signed in', async () => {
      const fixture = await render();

      expect(heading(fixture)).toBe('Signing you in…');
      expect(
        (fixture.nativeElement as HTMLElement).querySelector('[role="status"]')?.textContent,
      ).toContain('Finishing sign-in with Okta.');
    });

    it('shows no error and no Try again button', async () => {
      const fixture = await render();

      expect(alert(fixture)).toBeNull();
      expect(button(fixture, 'Try again')).toBeUndefined();
    });

    it('exchanges the code from the address bar it arrived with', async () => {
      await render();

      expect(oktaAuth.token.parseFromUrl).toHaveBeenCalledOnceWith({
        url: `${window.location.origin}${window.location.pathname}${RESPONSE}`,
      });
    });
  });

  describe('the single-use code and state', () => {
    it('are removed from the address bar before the exchange starts', async () => {
      arriveWith(RESPONSE);
      let searchDuringExchange: string | undefined;
      oktaAuth.token.parseFromUrl.and.callFake(() => {
        searchDuringExchange = window.location.search;
        return new Promise<TokenResponse>(() => undefined);
      });

      await render();

      expect(searchDuringExchange).toBe('');
    });

    it('are removed while the path stays', async () => {
      const path = window.location.pathname;
      arriveWith(RESPONSE);

      await render();

      expect(window.location.search).toBe('');
      expect(window.location.pathname).toBe(path);
    });
  });

  describe('when the sign-in completes', () => {
    beforeEach(() => arriveWith(RESPONSE));

    it('hands the tokens to okta-auth-js with the page the user asked for', async () => {
      await render();

      expect(oktaAuth.handleLoginRedirect).toHaveBeenCalledOnceWith(
        jasmine.objectContaining({ idToken: jasmine.anything() }),
        '/profile?tab=claims',
      );
    });

    it('shows no error', async () => {
      const fixture = await render();

      expect(alert(fixture)).toBeNull();
    });

    it('forgets earlier failures and their message', async () => {
      attempts.recordFailure('Okta did not answer within 15 seconds.');

      await render();

      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
    });

    it("explains why the page's own guard sent the user back here (a step-up that would loop)", async () => {
      attempts.recordFailure('Okta did not answer within 15 seconds.');
      // As a step-up guard of the page the user returns to does, while the tokens are stored.
      oktaAuth.handleLoginRedirect.and.callFake(async () => {
        attempts.recordFailure('This page needs a stronger or more recent sign-in than Okta gave.');
      });

      const fixture = await render();

      expect(alert(fixture)?.textContent).toContain(
        'This page needs a stronger or more recent sign-in than Okta gave.',
      );
    });

    it('keeps counting automatic starts, which only a guarded page that lets the user in ends', async () => {
      attempts.recordAutomaticStart();

      await render();
      attempts.recordAutomaticStart();

      expect(attempts.mustStop()).toBeTrue();
    });
  });

  describe('when the code exchange fails', () => {
    beforeEach(() => {
      arriveWith(RESPONSE);
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new Error('Okta could not be reached. Check your connection and try again.'),
      );
    });

    it('says that sign-in did not complete, with the reason in an alert', async () => {
      const fixture = await render();

      expect(heading(fixture)).toBe('Sign-in did not complete');
      expect(alert(fixture)?.textContent).toBe(
        'Okta could not be reached. Check your connection and try again.',
      );
    });

    it('records the failure and its message', async () => {
      await render();

      expect(attempts.failures()).toBe(1);
      expect(attempts.lastError()).toBe(
        'Okta could not be reached. Check your connection and try again.',
      );
    });

    it('does not claim that the app stopped trying after a first failure', async () => {
      const fixture = await render();

      expect(text(fixture)).not.toContain(FAILED_TWICE);
    });

    it('offers Try again, which starts a fresh sign-in back to the page the user asked for', async () => {
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/profile?tab=claims',
      });
    });

    it('forgets the failed attempts when the user clicks Try again', async () => {
      const fixture = await render();
      let failuresWhenRedirecting: number | undefined;
      oktaAuth.signInWithRedirect.and.callFake(async () => {
        failuresWhenRedirecting = attempts.failures();
      });

      button(fixture, 'Try again')?.click();

      expect(failuresWhenRedirecting).toBe(0);
    });

    it('explains, and records, a Try again that cannot reach Okta', async () => {
      const fixture = await render();
      oktaAuth.signInWithRedirect.and.rejectWith(
        new Error('Okta did not answer within 15 seconds.'),
      );

      button(fixture, 'Try again')?.click();
      await settle(fixture);

      expect(alert(fixture)?.textContent).toBe('Okta did not answer within 15 seconds.');
      expect(attempts.lastError()).toBe('Okta did not answer within 15 seconds.');
    });

    it('offers a way back to the home page', async () => {
      const fixture = await render();

      expect(link(fixture, 'Back to home')?.getAttribute('href')).toBe('/');
    });

    it('explains a lost PKCE verifier as a sign-in from another tab', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new Error('Could not load PKCE codeVerifier from storage.'),
      );

      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        'This sign-in was started in another tab or has expired. Please try again.',
      );
    });
  });

  it('counts a second failure to store the tokens in a row as failing twice, and stops trying', async () => {
    arriveWith(RESPONSE);
    attempts.recordFailure('The app could not store your session.');
    oktaAuth.handleLoginRedirect.and.rejectWith(new Error('QuotaExceededError'));

    const fixture = await render();

    expect(attempts.failures()).toBe(2);
    expect(text(fixture)).toContain(FAILED_TWICE);
  });

  describe('when the code exchange fails for the second time in a row', () => {
    beforeEach(() => {
      arriveWith(RESPONSE);
      attempts.recordFailure('Okta did not answer within 15 seconds.');
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new Error('Okta did not answer within 15 seconds.'),
      );
    });

    it('explains that the app stopped trying on its own', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain(FAILED_TWICE);
    });

    it('still shows the reason and offers Try again', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe('Okta did not answer within 15 seconds.');
      expect(button(fixture, 'Try again')).toBeDefined();
    });
  });

  describe('when the ID token fails a security check', () => {
    beforeEach(() => {
      arriveWith(RESPONSE);
      const token = validIdToken();
      oktaAuth.token.parseFromUrl.and.resolveTo({
        tokens: { idToken: { ...token, claims: { ...token.claims, nonce: 'another-nonce' } } },
        state: STATE,
      });
    });

    it('says so in the alert', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        "Okta's answer failed a security check (the ID token does not belong to this sign-in), so you were not signed in. Please try again.",
      );
    });

    it('stores no tokens', async () => {
      await render();

      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });
  });

  describe('when Okta sends back an error', () => {
    beforeEach(() => {
      arriveWith(
        `?error=access_denied&error_description=User%20is%20not%20assigned%20to%20the%20client%20application.&state=${STATE}`,
      );
    });

    it('shows the error description in an alert', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe('User is not assigned to the client application.');
    });

    it('does not try to exchange a code', async () => {
      await render();

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('removes the error and state from the address bar', async () => {
      await render();

      expect(window.location.search).toBe('');
    });

    it('clears the transaction', async () => {
      await render();

      expect(oktaAuth.transactionManager.clear).toHaveBeenCalled();
    });

    it('offers Try again, back to the page the user asked for', async () => {
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/profile?tab=claims',
      });
    });

    it('records the failure and its message', async () => {
      await render();

      expect(attempts.failures()).toBe(1);
      expect(attempts.lastError()).toBe('User is not assigned to the client application.');
    });
  });

  // Anyone can send a link to /login/callback?error=…; only this tab's state makes it Okta's.
  describe('when a link carries an error that no sign-in of this tab asked for', () => {
    const attackerText = 'Your account is locked. Call +1 555 0100 to unlock it.';
    const FORGED = `?error=access_denied&error_description=${encodeURIComponent(attackerText)}&state=state-of-an-attacker`;

    beforeEach(() => arriveWith(FORGED));

    it('says the link did not come from this browser, without the link’s words', async () => {
      const fixture = await render();

      expect(heading(fixture)).toBe('Sign-in did not complete');
      expect(alert(fixture)?.textContent).toBe(
        'This sign-in link did not come from this browser, so nothing was changed. If you were signing in, finish in the tab where you started, or use Try again.',
      );
      expect(text(fixture)).not.toContain(attackerText);
    });

    it('removes the error and state from the address bar', async () => {
      await render();

      expect(window.location.search).toBe('');
    });

    it('leaves the sign-in in progress alone', async () => {
      await render();

      expect(oktaAuth.transactionManager.clear).not.toHaveBeenCalled();
    });

    it('records no failure and keeps no message of its own', async () => {
      await render();

      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
    });

    it('does not stop sign-in however many such links are opened', async () => {
      await render();
      arriveWith(FORGED);
      await render();
      arriveWith(FORGED);
      await render();

      expect(attempts.mustStop()).toBeFalse();
    });

    it('keeps the failures counted before', async () => {
      attempts.recordFailure('Okta did not answer within 15 seconds.');

      await render();

      expect(attempts.failures()).toBe(1);
      expect(attempts.lastError()).toBe('Okta did not answer within 15 seconds.');
    });
  });

  it('describes a known error code when Okta sends no description', async () => {
    arriveWith(`?error=login_required&state=${STATE}`);

    const fixture = await render();

    expect(alert(fixture)?.textContent).toBe('Okta needs you to sign in again.');
  });

  it('shows markup in an error description as text, creating no element from it', async () => {
    const payload = '<img src=x onerror="window.hacked=1"><a href="https://evil.example">Help</a>';
    arriveWith(
      `?error=server_error&error_description=${encodeURIComponent(payload)}&state=${STATE}`,
    );

    const fixture = await render();

    expect(alert(fixture)?.textContent).toBe(payload);
    expect(alert(fixture)?.querySelector('img, a')).toBeNull();
  });

  describe('when opened without a sign-in response', () => {
    beforeEach(() => arriveWith(''));

    it('explains that there is nothing to finish', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        'There is no sign-in to finish here. Start again from the Sign in button.',
      );
    });

    it('does not try to exchange a code', async () => {
      await render();

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
    });

    it('offers Try again, which comes back to the page this tab last asked for', async () => {
      oktaAuth.getOriginalUri.and.returnValue('/messages');
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/messages' });
    });

    it('offers Try again, which comes back home when no page was asked for', async () => {
      oktaAuth.getOriginalUri.and.returnValue(undefined);
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
    });
  });

  describe('when opened without a response after a sign-in could not start (one failure)', () => {
    beforeEach(() => {
      arriveWith('');
      attempts.recordFailure('Okta could not be reached. Check your connection and try again.');
    });

    it('shows that error in an alert', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        'Okta could not be reached. Check your connection and try again.',
      );
    });

    it('does not claim that the app stopped trying', async () => {
      const fixture = await render();

      expect(text(fixture)).not.toContain(FAILED_TWICE);
    });

    it('exchanges nothing and records no further failure', async () => {
      await render();

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      expect(attempts.failures()).toBe(1);
    });

    it('offers Try again, back to the page the user asked for', async () => {
      oktaAuth.getOriginalUri.and.returnValue('/profile');
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/profile' });
    });

    it('offers Try again, back home when the stored page is on another site', async () => {
      oktaAuth.getOriginalUri.and.returnValue('https://evil.example/');
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
    });
  });

  describe('when opened without a response after sign-in kept failing (sent by the guard)', () => {
    beforeEach(() => {
      arriveWith('');
      failTwice('Okta did not answer within 15 seconds.');
    });

    it('shows the last error in an alert', async () => {
      const fixture = await render();

      expect(heading(fixture)).toBe('Sign-in did not complete');
      expect(alert(fixture)?.textContent).toBe('Okta did not answer within 15 seconds.');
    });

    it('explains that the app stopped trying on its own', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain(FAILED_TWICE);
    });

    it('exchanges nothing and clears nothing', async () => {
      await render();

      expect(oktaAuth.transactionManager.load).not.toHaveBeenCalled();
      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      expect(oktaAuth.tokenManager.clear).not.toHaveBeenCalled();
    });

    it('records no further failure', async () => {
      await render();

      expect(attempts.failures()).toBe(2);
    });

    it('offers Try again, which starts afresh with the attempts forgotten', async () => {
      const fixture = await render();
      let stoppedWhenRedirecting: boolean | undefined;
      oktaAuth.signInWithRedirect.and.callFake(async () => {
        stoppedWhenRedirecting = attempts.mustStop();
      });

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/profile?tab=claims',
      });
      expect(stoppedWhenRedirecting).toBeFalse();
    });
  });

  it('explains a session that could not be kept when automatic sign-ins stopped without an error', async () => {
    arriveWith('');
    attempts.recordAutomaticStart();
    attempts.recordAutomaticStart();

    const fixture = await render();

    expect(alert(fixture)?.textContent).toBe(
      'You signed in, but the app could not keep your session. Is browser storage blocked?',
    );
    expect(text(fixture)).toContain(FAILED_TWICE);
  });

  it('still finishes a fresh sign-in response while attempts must stop', async () => {
    arriveWith(RESPONSE);
    failTwice('Okta did not answer within 15 seconds.');

    await render();

    expect(oktaAuth.handleLoginRedirect).toHaveBeenCalledTimes(1);
  });

  // After a successful exchange, restoreOriginalUri navigates to the guarded page; when the guard
  // must stop, it redirects back to /login/callback and the router reuses this very LoginCallback
  // (same route, new query) without running ngOnInit again, so "Signing you in…" must not stay.
  it('explains the stop when the guard sends the user back here right after a sign-in', async () => {
    const sessionSyncWithNothingToDo: Pick<SessionSync, 'ready' | 'renewIfExpired'> = {
      ready: Promise.resolve(),
      renewIfExpired: () => Promise.resolve(),
    };
    @Component({ template: 'Profile page' })
    class ProfilePage {}
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'login/callback', component: LoginCallback },
          { path: 'profile', component: ProfilePage, canActivate: [authGuard] },
        ]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: config },
        // No other tab, nothing to renew.
        { provide: SessionSync, useValue: sessionSyncWithNothingToDo },
      ],
    });
    attempts = TestBed.inject(SignInAttempts);
    // The guard already sent the user to Okta twice; this is the second callback.
    attempts.recordAutomaticStart();
    attempts.recordAutomaticStart();
    // The tokens are stored, but okta-auth-js still reports the user as signed out.
    oktaAuth.isAuthenticated.and.resolveTo(false);
    oktaAuth.handleLoginRedirect.and.callFake(async (_tokens, originalUri) => {
      // What provideOktaAuth's restoreOriginalUri does.
      await TestBed.inject(Router).navigateByUrl(originalUri ?? '/', { replaceUrl: true });
    });
    oktaAuth.getOriginalUri.and.returnValue('/profile');
    arriveWith(RESPONSE);
    const harness = await RouterTestingHarness.create();

    await harness.navigateByUrl(`/login/callback${RESPONSE}`);
    await settle(harness.fixture);

    const page = harness.routeNativeElement as HTMLElement;
    expect(page.querySelector('[role="alert"]')?.textContent).toBe(
      'You signed in, but the app could not keep your session. Is browser storage blocked?',
    );
  });
});
