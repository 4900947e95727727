import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  CanActivateFn,
  provideRouter,
  Router,
  RouterStateSnapshot,
  UrlTree,
} from '@angular/router';
import type { Tokens } from '@okta/okta-auth-js/core';
import { ADMIN_GROUP } from './admin/admin-group';
import { routes } from './app.routes';
import { authGuard } from './auth';
import { LoginCallback } from './auth/login-callback';
import { OKTA_AUTH } from './auth/okta-auth-token';
import { SIGN_IN_REQUIRED } from './auth/sign-in-required';
import { testIdToken, testIdTokenClaims } from './auth/testing/auth-fixtures';

describe('routes', () => {
  const route = (path: string) => routes.find((candidate) => candidate.path === path);

  it('serves the sign-in callback without a guard, so the tokens can arrive', async () => {
    const callback = route('login/callback');

    expect(await callback?.loadComponent?.()).toBe(LoginCallback);
    expect(callback?.canActivate ?? []).toEqual([]);
    expect(callback?.canMatch ?? []).toEqual([]);
  });

  for (const path of ['profile', 'messages', 'admin']) {
    it(`keeps anonymous visitors off /${path}: authGuard runs first`, () => {
      expect(route(path)?.canActivate?.[0]).toBe(authGuard);
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
    let tokens: Tokens;

    beforeEach(() => {
      tokens = {};
      TestBed.configureTestingModule({
        providers: [
          provideRouter([]),
          { provide: OKTA_AUTH, useValue: { tokenManager: { getTokensSync: () => tokens } } },
          { provide: ADMIN_GROUP, useValue: 'Admins' },
        ],
      });
    });

    /** The second guard of /admin, run as the router would after authGuard let the user in. */
    function runGroupCheck(): ReturnType<CanActivateFn> {
      const guards = route('admin')?.canActivate ?? [];
      expect(guards.length).toBe(2);
      const groupCheck = guards[1] as CanActivateFn;
      return TestBed.runInInjectionContext(() =>
        groupCheck({} as ActivatedRouteSnapshot, {} as RouterStateSnapshot),
      );
    }

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
  });

  it('leaves the home page open to everyone', () => {
    expect(route('')?.canActivate ?? []).toEqual([]);
    expect(route('')?.data?.[SIGN_IN_REQUIRED]).toBeUndefined();
  });

  it('sends unknown addresses to the not-found page last', () => {
    expect(routes.at(-1)?.path).toBe('**');
  });
});
