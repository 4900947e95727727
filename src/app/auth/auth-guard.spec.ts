import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  provideRouter,
  Router,
  RouterStateSnapshot,
  UrlTree,
} from '@angular/router';
import type { OktaAuth } from '@okta/okta-auth-js/core';
import { authGuard, requireSignIn } from './auth-guard';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import { isSignInRequired, SIGN_IN_REQUIRED } from './sign-in-required';
import { SignInAttempts } from './sign-in-attempts';

describe('authGuard', () => {
  let oktaAuth: jasmine.SpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>;
  let attempts: SignInAttempts;
  /** Settles when the session from another open tab has arrived (or none answered). */
  let sessionReady: Promise<void>;
  let sessionSync: jasmine.SpyObj<Pick<SessionSync, 'renewIfExpired'>> & Pick<SessionSync, 'ready'>;

  beforeEach(() => {
    sessionReady = Promise.resolve();
    sessionSync = {
      ...jasmine.createSpyObj<Pick<SessionSync, 'renewIfExpired'>>('SessionSync', [
        'renewIfExpired',
      ]),
      get ready() {
        return sessionReady;
      },
    };
    sessionSync.renewIfExpired.and.resolveTo();
    oktaAuth = jasmine.createSpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>(
      'OktaAuth',
      ['isAuthenticated', 'signInWithRedirect'],
    );
    oktaAuth.signInWithRedirect.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        { provide: SessionSync, useValue: sessionSync },
      ],
    });
    attempts = TestBed.inject(SignInAttempts);
  });

  // The attempts live in sessionStorage, which outlives the test.
  afterEach(() => attempts.reset());

  /** Runs the guard for a navigation to `url`; it reads only `state.url`, hence the casts. */
  function runGuard(url: string) {
    const route = {} as ActivatedRouteSnapshot;
    const state = { url } as RouterStateSnapshot;
    return TestBed.runInInjectionContext(() => authGuard(route, state));
  }

  /** Puts the loop breaker in the state where it must stop (two failed sign-ins in a row). */
  function failTwice(): void {
    attempts.recordFailure('The token endpoint could not be reached.');
    attempts.recordFailure('The token endpoint could not be reached.');
  }

  describe('before judging whether the user is signed in', () => {
    beforeEach(() => oktaAuth.isAuthenticated.and.resolveTo(true));

    it('waits for the session another open tab may hand over', async () => {
      let handOver: () => void = () => undefined;
      sessionReady = new Promise((resolve) => (handOver = resolve));

      const result = runGuard('/profile');
      await new Promise((resolve) => setTimeout(resolve));
      const askedBeforeHandOver = oktaAuth.isAuthenticated.calls.count();
      handOver();

      expect(await result).toBeTrue();
      expect(askedBeforeHandOver).toBe(0);
    });

    it('renews expired tokens first', async () => {
      await runGuard('/profile');

      expect(sessionSync.renewIfExpired).toHaveBeenCalledBefore(oktaAuth.isAuthenticated);
    });
  });

  describe('for a signed-in user', () => {
    beforeEach(() => oktaAuth.isAuthenticated.and.resolveTo(true));

    it('lets the user through without redirecting to Okta', async () => {
      expect(await runGuard('/profile')).toBeTrue();
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });

    it('forgets earlier failed attempts, since sign-in has worked', async () => {
      failTwice();

      await runGuard('/profile');

      expect(attempts.mustStop()).toBeFalse();
      expect(attempts.lastError()).toBeNull();
    });
  });

  describe('for an anonymous visitor', () => {
    beforeEach(() => oktaAuth.isAuthenticated.and.resolveTo(false));

    it('redirects to Okta and back to the page they asked for', async () => {
      await runGuard('/messages?page=2#latest');

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/messages?page=2#latest',
      });
    });

    it('keeps the visitor off the page', async () => {
      expect(await runGuard('/profile')).toBeFalse();
    });

    it('redirects again on a second visit, after one automatic attempt', async () => {
      await runGuard('/profile');

      await runGuard('/profile');

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(2);
    });

    describe('when the redirect to Okta cannot start (e.g. discovery is unreachable)', () => {
      beforeEach(() =>
        oktaAuth.signInWithRedirect.and.rejectWith(
          new Error('Okta could not be reached. Check your connection and try again.'),
        ),
      );

      it('sends the visitor to the callback page, which explains', async () => {
        const result = await runGuard('/profile');

        expect(result).toBeInstanceOf(UrlTree);
        expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/login/callback');
      });

      it('records the failure with a readable message for that page', async () => {
        await runGuard('/profile');

        expect(attempts.failures()).toBe(1);
        expect(attempts.lastError()).toBe(
          'Okta could not be reached. Check your connection and try again.',
        );
      });
    });

    it('records the automatic attempt before leaving for Okta', async () => {
      await runGuard('/profile');
      let stopRecordedBeforeLeaving: boolean | undefined;
      oktaAuth.signInWithRedirect.and.callFake(async () => {
        stopRecordedBeforeLeaving = attempts.mustStop();
      });

      await runGuard('/profile');

      expect(stopRecordedBeforeLeaving).toBeTrue();
    });
  });

  describe('for an anonymous visitor once sign-in keeps failing', () => {
    beforeEach(() => {
      oktaAuth.isAuthenticated.and.resolveTo(false);
      failTwice();
    });

    it('sends the visitor to the callback page, which explains, instead of to Okta', async () => {
      const result = await runGuard('/profile');

      expect(result).toBeInstanceOf(UrlTree);
      expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/login/callback');
    });

    it('does not redirect to Okta again', async () => {
      await runGuard('/profile');

      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });
  });

  it('stops at the third visit, after two automatic attempts that did not let the user in', async () => {
    oktaAuth.isAuthenticated.and.resolveTo(false);
    await runGuard('/profile');
    await runGuard('/profile');
    oktaAuth.signInWithRedirect.calls.reset();

    const result = await runGuard('/profile');

    expect(result).toBeInstanceOf(UrlTree);
    expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
  });
});

describe('requireSignIn', () => {
  const groupCheck = () => true;

  it('puts authGuard first, then the given checks, in order', () => {
    expect(requireSignIn().canActivate).toEqual([authGuard]);
    expect(requireSignIn(groupCheck).canActivate).toEqual([authGuard, groupCheck]);
  });

  it('marks the route in its data, where SessionSync looks (not in canActivate)', () => {
    expect(requireSignIn().data).toEqual({ [SIGN_IN_REQUIRED]: true });
  });

  it('makes the route count as requiring sign-in, also as the parent of the page shown', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          {
            path: 'private',
            data: requireSignIn().data,
            children: [{ path: 'page', children: [] }],
          },
          { path: 'public', children: [] },
        ]),
      ],
    });
    const router = TestBed.inject(Router);

    await router.navigateByUrl('/private/page');
    const onPrivatePage = isSignInRequired(router.routerState.snapshot.root);
    await router.navigateByUrl('/public');

    expect(onPrivatePage).toBeTrue();
    expect(isSignInRequired(router.routerState.snapshot.root)).toBeFalse();
  });
});
