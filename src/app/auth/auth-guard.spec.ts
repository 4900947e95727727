import { inject, InjectionToken } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  CanActivateFn,
  GuardResult,
  provideRouter,
  Router,
  RouterStateSnapshot,
  Routes,
  UrlTree,
} from '@angular/router';
import type { OktaAuth, Tokens } from '@okta/okta-auth-js/core';
import { BehaviorSubject, of, Subject } from 'rxjs';
import { AuthenticationRequirement, OKTA_ACR } from './acr';
import { authGuard, inOrder, requireSignIn, stepUpGuard } from './auth-guard';
import { OKTA_AUTH } from './okta-auth-token';
import { OKTA_LOADING, OktaLoading, OktaRuntime } from './okta-loader';
import * as oktaRuntime from './okta-runtime';
import { SessionSync } from './session-sync';
import { isSignInRequired, SIGN_IN_REQUIRED } from './sign-in-required';
import { SignInAttempts } from './sign-in-attempts';
import { testIdToken, testIdTokenClaims, provideOktaLoaded } from './testing/auth-fixtures';

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
        provideOktaLoaded(),
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

  // Through the router, which runs the guards of a route side by side.
  describe('followed by checks, through requireSignIn', () => {
    let check: jasmine.Spy<CanActivateFn>;

    beforeEach(() => {
      check = jasmine.createSpy<CanActivateFn>('check').and.returnValue(true);
      TestBed.inject(Router).resetConfig([
        { path: 'admin', ...requireSignIn(check), children: [] },
        { path: 'forbidden', children: [] },
      ]);
    });

    it('starts the sign-in of an anonymous visitor and never runs the checks', async () => {
      oktaAuth.isAuthenticated.and.resolveTo(false);

      expect(await TestBed.inject(Router).navigateByUrl('/admin?tab=audit')).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: '/admin?tab=audit',
      });
      expect(check).not.toHaveBeenCalled();
    });

    it('runs the checks for a signed-in user, and follows their answer', async () => {
      oktaAuth.isAuthenticated.and.resolveTo(true);
      check.and.callFake(() => inject(Router).parseUrl('/forbidden'));

      await TestBed.inject(Router).navigateByUrl('/admin');

      expect(check).toHaveBeenCalledTimes(1);
      expect(TestBed.inject(Router).url).toBe('/forbidden');
    });
  });
});

describe('inOrder', () => {
  const route = {} as ActivatedRouteSnapshot;
  const state = { url: '/admin' } as RouterStateSnapshot;

  beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter([])] }));

  function run(...guards: CanActivateFn[]): Promise<GuardResult> {
    return TestBed.runInInjectionContext(() =>
      inOrder(...guards)(route, state),
    ) as Promise<GuardResult>;
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve));

  it('does not start a guard before the one before it has let the user through', async () => {
    let letThrough: (answer: boolean) => void = () => undefined;
    const first = () => new Promise<boolean>((resolve) => (letThrough = resolve));
    const second = jasmine.createSpy<CanActivateFn>('second').and.returnValue(true);

    const result = run(first, second);
    await tick();
    const startedEarly = second.calls.count();
    letThrough(true);

    expect(await result).toBeTrue();
    expect(startedEarly).toBe(0);
    expect(second).toHaveBeenCalledOnceWith(route, state);
  });

  it('waits for an Observable answer before the next guard', async () => {
    const answer = new Subject<boolean>();
    const second = jasmine.createSpy<CanActivateFn>('second').and.returnValue(true);

    const result = run(() => answer, second);
    await tick();
    const startedEarly = second.calls.count();
    answer.next(true);

    expect(await result).toBeTrue();
    expect(startedEarly).toBe(0);
    expect(second).toHaveBeenCalledTimes(1);
  });

  const refusals: [string, () => GuardResult][] = [
    ['false', () => false],
    ['a UrlTree', () => inject(Router).parseUrl('/forbidden')],
  ];
  for (const [what, refusal] of refusals) {
    it(`answers with the first ${what} and runs no guard after it`, async () => {
      const later = jasmine.createSpy<CanActivateFn>('later').and.returnValue(true);

      const result = await run(() => true, refusal, later);

      expect(result).toEqual(TestBed.runInInjectionContext(refusal));
      expect(later).not.toHaveBeenCalled();
    });
  }

  it('takes boolean, Promise and Observable answers, and the first value of an Observable', async () => {
    const tree = TestBed.inject(Router).parseUrl('/forbidden');
    const last = jasmine.createSpy<CanActivateFn>('last').and.returnValue(of(tree));

    const result = await run(
      () => true,
      () => Promise.resolve(true),
      () => of(true, false),
      () => new BehaviorSubject(true),
      last,
    );

    expect(last).toHaveBeenCalledTimes(1);
    expect(result).toBe(tree);
  });

  it('lets the user through when every guard does', async () => {
    expect(
      await run(
        () => true,
        () => of(true),
      ),
    ).toBeTrue();
  });

  it('runs every guard in an injection context, also after an earlier one awaited', async () => {
    const result = await run(
      async () => {
        await tick();
        return true;
      },
      () => inject(Router).parseUrl('/next'),
    );

    expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/next');
  });
});

describe('stepUpGuard', () => {
  const TWO = OKTA_ACR.twoFactors;
  const ADMIN_REQUIREMENT = new InjectionToken<AuthenticationRequirement>('ADMIN_REQUIREMENT');
  let claims: Record<string, unknown>;
  let oktaAuth: {
    readonly tokenManager: { readonly getTokensSync: () => Tokens };
    readonly signInWithRedirect: jasmine.Spy<OktaAuth['signInWithRedirect']>;
  };
  const now = () => Math.floor(Date.now() / 1000);

  beforeEach(() => {
    claims = testIdTokenClaims({ acr: OKTA_ACR.oneFactor, auth_time: now() - 60 });
    oktaAuth = {
      tokenManager: { getTokensSync: () => ({ idToken: testIdToken(claims) }) },
      signInWithRedirect: jasmine
        .createSpy<OktaAuth['signInWithRedirect']>('signInWithRedirect')
        .and.resolveTo(),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: ADMIN_REQUIREMENT, useValue: { acr: TWO, maxAgeSeconds: 600 } },
      ],
    });
  });

  // The step-up and the loop breaker live in sessionStorage, which outlives the test.
  afterEach(() => {
    sessionStorage.removeItem('app.step-up');
    TestBed.inject(SignInAttempts).reset();
  });

  function runGuard(guard: CanActivateFn, url = '/admin?tab=audit') {
    const state = { url } as RouterStateSnapshot;
    return TestBed.runInInjectionContext(() => guard({} as ActivatedRouteSnapshot, state));
  }

  it('lets through a user whose ID token meets the requirement', async () => {
    claims = testIdTokenClaims({ acr: TWO, auth_time: now() - 60 });

    expect(await runGuard(stepUpGuard({ acr: TWO, maxAgeSeconds: 600 }))).toBeTrue();
    expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
  });

  it('signs in again for the requirement, back to the URL asked for', async () => {
    expect(await runGuard(stepUpGuard({ acr: TWO, maxAgeSeconds: 600 }))).toBeFalse();
    expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith(
      jasmine.objectContaining({ originalUri: '/admin?tab=audit', acrValues: TWO, maxAge: 600 }),
    );
  });

  it('reads the requirement from an injection token', async () => {
    await runGuard(stepUpGuard(ADMIN_REQUIREMENT));

    expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith(
      jasmine.objectContaining({ acrValues: TWO, maxAge: 600 }),
    );
  });
});

describe('requireSignIn', () => {
  const groupCheck = () => true;
  const otherCheck = () => true;

  it('puts authGuard first, then the given checks, in order', () => {
    expect(requireSignIn().canActivate).toEqual([authGuard]);
    const [guard, ...others] = requireSignIn(groupCheck, otherCheck).canActivate ?? [];
    expect(others).toEqual([]);
    expect((guard as ReturnType<typeof inOrder>).guards).toEqual([
      authGuard,
      groupCheck,
      otherCheck,
    ]);
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

describe('authGuard while the Okta chunk is still loading (a guarded deep link)', () => {
  let arrive: (okta: OktaRuntime) => void;
  let load: jasmine.Spy<() => Promise<OktaRuntime>>;
  let oktaAuth: jasmine.SpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>;
  const turn = () => new Promise((resolve) => setTimeout(resolve));

  /** A signed-out user, the app's router with `routes`, and a chunk that arrives on `arrive()`. */
  function setUp(routes: Routes = []): void {
    load = jasmine
      .createSpy('load')
      .and.callFake(() => new Promise<OktaRuntime>((resolve) => (arrive = resolve)));
    oktaAuth = jasmine.createSpyObj('OktaAuth', ['isAuthenticated', 'signInWithRedirect']);
    oktaAuth.isAuthenticated.and.resolveTo(false);
    oktaAuth.signInWithRedirect.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(routes),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        { provide: OKTA_LOADING, useValue: new OktaLoading(load) },
        {
          provide: SessionSync,
          useValue: { ready: Promise.resolve(), renewIfExpired: () => Promise.resolve() },
        },
      ],
    });
  }

  // The attempts live in sessionStorage, which outlives the test.
  afterEach(() => TestBed.inject(SignInAttempts).reset());

  it('loads the chunk at once and decides only once it is in: one trip to Okta, to the same URL', async () => {
    setUp();
    const state = { url: '/profile?tab=claims#groups' } as RouterStateSnapshot;

    const decided = TestBed.runInInjectionContext(() =>
      authGuard({} as ActivatedRouteSnapshot, state),
    );
    await turn();

    expect(load).toHaveBeenCalledTimes(1);
    expect(oktaAuth.isAuthenticated).not.toHaveBeenCalled();
    arrive(oktaRuntime);
    expect(await decided).toBeFalse();
    expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
      originalUri: '/profile?tab=claims#groups',
    });
  });

  it('does not send the browser to Okta for a page the user left while the chunk loaded', async () => {
    setUp([
      { path: 'profile', canActivate: [authGuard], children: [] },
      { path: 'about', children: [] },
    ]);
    const router = TestBed.inject(Router);

    const toProfile = router.navigateByUrl('/profile');
    await turn();
    expect(load).toHaveBeenCalledTimes(1);
    await router.navigateByUrl('/about');
    arrive(oktaRuntime);
    await toProfile;
    await turn();

    expect(router.url).toBe('/about');
    expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    expect(TestBed.inject(SignInAttempts).mustStop()).toBeFalse();
  });
});
