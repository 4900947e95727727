import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  CanActivateFn,
  provideRouter,
  Router,
  RouterStateSnapshot,
  UrlTree,
} from '@angular/router';
import type { OktaAuth, Tokens } from '@okta/okta-auth-js/core';
import { ADMIN_AUTHENTICATION } from './admin/admin-authentication';
import { ADMIN_GROUP } from './admin/admin-group';
import { routes } from './app.routes';
import { authGuard, inOrder } from './auth';
import { OKTA_ACR } from './auth/acr';
import { LoginCallback } from './auth/login-callback';
import { OKTA_AUTH } from './auth/okta-auth-token';
import { SessionSync } from './auth/session-sync';
import { SignInAttempts } from './auth/sign-in-attempts';
import { SIGN_IN_REQUIRED } from './auth/sign-in-required';
import { testIdToken, testIdTokenClaims, provideOktaLoaded } from './auth/testing/auth-fixtures';

describe('routes', () => {
  const route = (path: string) => routes.find((candidate) => candidate.path === path);
  /** The guards of `path` in the order they run: those of its one inOrder guard, if it has one. */
  const guardsOf = (path: string): CanActivateFn[] => {
    const guards = (route(path)?.canActivate ?? []) as CanActivateFn[];
    return (guards[0] as Partial<ReturnType<typeof inOrder>> | undefined)?.guards ?? guards;
  };

  it('serves the sign-in callback without a guard, so the tokens can arrive', async () => {
    const callback = route('login/callback');

    expect(await TestBed.runInInjectionContext(() => callback?.loadComponent?.())).toBe(
      LoginCallback,
    );
    expect(callback?.canActivate ?? []).toEqual([]);
    expect(callback?.canMatch ?? []).toEqual([]);
  });

  for (const path of ['profile', 'messages', 'admin']) {
    it(`keeps anonymous visitors off /${path}: authGuard runs first`, () => {
      expect(guardsOf(path)[0]).toBe(authGuard);
    });

    it(`marks /${path} as requiring sign-in, so pages leave it when the session ends`, () => {
      expect(route(path)?.data?.[SIGN_IN_REQUIRED]).toBeTrue();
    });
  }

  for (const path of ['profile', 'messages']) {
    it(`needs nothing but sign-in for /${path}`, () => {
      expect(route(path)?.canActivate).toEqual([authGuard]);
    });
  }

  describe('/admin', () => {
    const TWO = OKTA_ACR.twoFactors;
    let tokens: Tokens;
    let oktaAuth: {
      readonly tokenManager: { readonly getTokensSync: () => Tokens };
      readonly isAuthenticated: jasmine.Spy<OktaAuth['isAuthenticated']>;
      readonly signInWithRedirect: jasmine.Spy<OktaAuth['signInWithRedirect']>;
    };
    const now = () => Math.floor(Date.now() / 1000);
    const signedIn = (claims: Record<string, unknown>) => ({
      idToken: testIdToken(testIdTokenClaims({ auth_time: now() - 60, ...claims })),
    });

    beforeEach(() => {
      tokens = {};
      oktaAuth = {
        tokenManager: { getTokensSync: () => tokens },
        isAuthenticated: jasmine.createSpy<OktaAuth['isAuthenticated']>('isAuthenticated'),
        signInWithRedirect: jasmine
          .createSpy<OktaAuth['signInWithRedirect']>('signInWithRedirect')
          .and.resolveTo(),
      };
      oktaAuth.isAuthenticated.and.callFake(async () => tokens.idToken !== undefined);
      TestBed.configureTestingModule({
        providers: [
          provideRouter([]),
          { provide: OKTA_AUTH, useValue: oktaAuth },
          provideOktaLoaded(),
          { provide: ADMIN_GROUP, useValue: 'Admins' },
          { provide: ADMIN_AUTHENTICATION, useValue: { acr: TWO, maxAgeSeconds: 900 } },
          {
            provide: SessionSync,
            useValue: { ready: Promise.resolve(), renewIfExpired: () => Promise.resolve() },
          },
        ],
      });
    });

    // The step-up and the loop breaker live in sessionStorage, which outlives the test.
    afterEach(() => {
      sessionStorage.removeItem('app.step-up');
      TestBed.inject(SignInAttempts).reset();
    });

    /** Runs `guard` of /admin as the router would for a navigation to /admin. */
    function run(guard: CanActivateFn): ReturnType<CanActivateFn> {
      return TestBed.runInInjectionContext(() =>
        guard({} as ActivatedRouteSnapshot, { url: '/admin' } as RouterStateSnapshot),
      );
    }

    /** The second guard of /admin, run as the router would after authGuard let the user in. */
    function runGroupCheck(): ReturnType<CanActivateFn> {
      const guards = guardsOf('admin');
      expect(guards.length).toBe(3);
      return run(guards[1]);
    }

    /** The third guard of /admin, run after the group check let the user in. */
    function runStepUpCheck(): ReturnType<CanActivateFn> {
      return run(guardsOf('admin')[2]);
    }

    it('runs its checks one after another, in a single guard', () => {
      expect(route('admin')?.canActivate?.length).toBe(1);
    });

    it('then lets members of the configured admin group in', () => {
      tokens = { idToken: testIdToken(testIdTokenClaims({ groups: ['Everyone', 'Admins'] })) };

      expect(runGroupCheck()).toBeTrue();
    });

    it('then sends signed-in non-members to the 403 page, naming the group', () => {
      tokens = { idToken: testIdToken(testIdTokenClaims({ groups: ['Everyone'] })) };

      const result = runGroupCheck();

      expect(result).toBeInstanceOf(UrlTree);
      expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe(
        '/forbidden?group=Admins',
      );
    });

    it('then lets in members whose sign-in meets the configured requirement', async () => {
      tokens = signedIn({ groups: ['Admins'], acr: TWO });

      expect(await runStepUpCheck()).toBeTrue();
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });

    it('then asks members with one factor for the configured second factor', async () => {
      tokens = signedIn({ groups: ['Admins'], acr: OKTA_ACR.oneFactor });

      expect(await runStepUpCheck()).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith(
        jasmine.objectContaining({ originalUri: '/admin', acrValues: TWO, maxAge: 900 }),
      );
    });

    it('sends a signed-in non-member to the 403 page without asking for a second factor', async () => {
      tokens = signedIn({ groups: ['Everyone'], acr: OKTA_ACR.oneFactor });

      const result = await run(route('admin')?.canActivate?.[0] as CanActivateFn);

      expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe(
        '/forbidden?group=Admins',
      );
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });
  });

  it('leaves the home page open to everyone', () => {
    expect(route('')?.canActivate ?? []).toEqual([]);
    expect(route('')?.data?.[SIGN_IN_REQUIRED]).toBeUndefined();
  });

  it('sends unknown addresses to the not-found page last', () => {
    expect(routes.at(-1)?.path).toBe('**');
  });
});
