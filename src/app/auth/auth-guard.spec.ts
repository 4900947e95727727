import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, RouterStateSnapshot } from '@angular/router';
import { OKTA_AUTH } from '@okta/okta-angular';
import type { OktaAuth } from '@okta/okta-auth-js';
import { authGuard } from './auth-guard';

describe('authGuard', () => {
  let oktaAuth: jasmine.SpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>;

  beforeEach(() => {
    oktaAuth = jasmine.createSpyObj<Pick<OktaAuth, 'isAuthenticated' | 'signInWithRedirect'>>(
      'OktaAuth',
      ['isAuthenticated', 'signInWithRedirect'],
    );
    oktaAuth.signInWithRedirect.and.resolveTo();
    TestBed.configureTestingModule({ providers: [{ provide: OKTA_AUTH, useValue: oktaAuth }] });
  });

  /** Runs the guard for a navigation to `url`; it reads only `state.url`, hence the casts. */
  function runGuard(url: string) {
    const route = {} as ActivatedRouteSnapshot;
    const state = { url } as RouterStateSnapshot;
    return TestBed.runInInjectionContext(() => authGuard(route, state));
  }

  it('lets a signed-in user through', async () => {
    oktaAuth.isAuthenticated.and.resolveTo(true);

    expect(await runGuard('/profile')).toBeTrue();
    expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
  });

  it('redirects an anonymous visitor to Okta and back to the page they asked for', async () => {
    oktaAuth.isAuthenticated.and.resolveTo(false);

    await runGuard('/messages?page=2#latest');

    expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
      originalUri: '/messages?page=2#latest',
    });
  });

  it('keeps an anonymous visitor off the page', async () => {
    oktaAuth.isAuthenticated.and.resolveTo(false);

    expect(await runGuard('/profile')).toBeFalse();
  });
});
