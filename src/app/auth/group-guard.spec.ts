import { InjectionToken } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  ActivatedRouteSnapshot,
  provideRouter,
  Router,
  RouterStateSnapshot,
  UrlTree,
} from '@angular/router';
import type { OktaAuth, Tokens, UserClaims } from '@okta/okta-auth-js/core';
import { FORBIDDEN_PATH, groupGuard, isInGroup } from './group-guard';
import { OKTA_AUTH } from './okta-auth-token';
import { TEST_SUB, testIdToken, provideOktaLoaded } from './testing/auth-fixtures';

const REQUIRED_GROUP = new InjectionToken<string>('REQUIRED_GROUP');

describe('groupGuard', () => {
  let tokens: Tokens;

  beforeEach(() => {
    tokens = {};
    const tokenManager: Pick<OktaAuth['tokenManager'], 'getTokensSync'> = {
      getTokensSync: () => tokens,
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: OKTA_AUTH, useValue: { tokenManager } },
        provideOktaLoaded(),
        { provide: REQUIRED_GROUP, useValue: 'Admins' },
      ],
    });
  });

  function signInWith(claims: UserClaims): void {
    tokens = { idToken: testIdToken(claims as Record<string, unknown>) };
  }

  /** Runs the guard; it reads neither the route nor the state. */
  function runGuard(group: string | InjectionToken<string>) {
    return TestBed.runInInjectionContext(() =>
      groupGuard(group)({} as ActivatedRouteSnapshot, {} as RouterStateSnapshot),
    );
  }

  function urlOf(result: unknown): string {
    expect(result).toBeInstanceOf(UrlTree);
    return TestBed.inject(Router).serializeUrl(result as UrlTree);
  }

  it('lets a member of the group through', () => {
    signInWith({ sub: TEST_SUB, groups: ['Everyone', 'Admins'] });

    expect(runGuard('Admins')).toBeTrue();
  });

  it('sends a signed-in non-member to the 403 page, naming the group', () => {
    signInWith({ sub: TEST_SUB, groups: ['Everyone'] });

    expect(urlOf(runGuard('Admins'))).toBe(`${FORBIDDEN_PATH}?group=Admins`);
  });

  it('sends a user whose token has no groups claim to the 403 page', () => {
    signInWith({ sub: TEST_SUB });

    expect(urlOf(runGuard('Admins'))).toBe('/forbidden?group=Admins');
  });

  it('does not treat a groups claim that is a plain string as membership', () => {
    signInWith({ sub: TEST_SUB, groups: 'Admins' });

    expect(urlOf(runGuard('Admins'))).toBe('/forbidden?group=Admins');
  });

  it('sends a visitor without an ID token to the 403 page', () => {
    expect(urlOf(runGuard('Admins'))).toBe('/forbidden?group=Admins');
  });

  it('compares group names case-sensitively, as Okta does', () => {
    signInWith({ sub: TEST_SUB, groups: ['admins', 'ADMINS'] });

    expect(urlOf(runGuard('Admins'))).toBe('/forbidden?group=Admins');
  });

  it('encodes a group name with spaces and symbols in the 403 URL', () => {
    signInWith({ sub: TEST_SUB, groups: [] });

    expect(urlOf(runGuard('Ops & Admins'))).toBe('/forbidden?group=Ops%20%26%20Admins');
  });

  describe('with the group from an injection token', () => {
    it('lets a member of the provided group through', () => {
      signInWith({ sub: TEST_SUB, groups: ['Admins'] });

      expect(runGuard(REQUIRED_GROUP)).toBeTrue();
    });

    it('names the provided group on the 403 page', () => {
      TestBed.overrideProvider(REQUIRED_GROUP, { useValue: 'Auditors' });
      signInWith({ sub: TEST_SUB, groups: ['Admins'] });

      expect(urlOf(runGuard(REQUIRED_GROUP))).toBe('/forbidden?group=Auditors');
    });
  });
});

describe('isInGroup', () => {
  const cases: [string, Readonly<Record<string, unknown>> | undefined, boolean][] = [
    ['true when the groups claim holds the name', { groups: ['Everyone', 'Admins'] }, true],
    ['false when it does not', { groups: ['Everyone'] }, false],
    ['false for another case of the name', { groups: ['admins'] }, false],
    ['false for a prefix of the name', { groups: ['Admin'] }, false],
    ['false without a groups claim', { sub: TEST_SUB }, false],
    ['false for a string claim that equals the name', { groups: 'Admins' }, false],
    ['false for a string claim that contains the name', { groups: 'Everyone,Admins' }, false],
    ['false without claims', undefined, false],
  ];
  for (const [what, claims, expected] of cases) {
    it(`is ${what}`, () => {
      expect(isInGroup(claims, 'Admins')).toBe(expected);
    });
  }
});
