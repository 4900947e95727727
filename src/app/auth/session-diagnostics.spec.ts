import { TestBed } from '@angular/core/testing';
import type { Tokens } from '@okta/okta-auth-js/core';
import { AUTH_CONFIG } from './auth-config-token';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionDiagnostics } from './session-diagnostics';
import { SessionSync } from './session-sync';
import {
  testAccessToken,
  testAuthConfig,
  testIdToken,
  testRefreshToken,
  provideOktaLoaded,
} from './testing/auth-fixtures';

describe('SessionDiagnostics', () => {
  let stored: Tokens;
  let renew: jasmine.Spy<() => Promise<string | null>>;

  beforeEach(() => {
    stored = {
      idToken: testIdToken(),
      accessToken: testAccessToken(),
      refreshToken: testRefreshToken(),
    };
    renew = jasmine.createSpy('renewAccessToken');
    TestBed.configureTestingModule({
      providers: [
        { provide: OKTA_AUTH, useValue: { tokenManager: { getTokensSync: () => stored } } },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ scopes: ['openid'], dpop: true }) },
        { provide: SessionSync, useValue: { renewAccessToken: renew } },
      ],
    });
  });

  it("describes this tab's tokens against the configured scopes and DPoP requirement", () => {
    const facts = TestBed.inject(SessionDiagnostics).describe({
      apiAudience: 'api://default',
      adminGroup: 'Admins',
    });

    expect(facts.find((fact) => fact.id === 'dpop')?.status).toBe('fail');
  });

  describe('renewNow', () => {
    it('says the refresh token rotated when the renewal brought a new one', async () => {
      renew.and.callFake(async () => {
        stored = { ...stored, refreshToken: testRefreshToken('rotated') };
        return 'new-access-token';
      });

      expect(await TestBed.inject(SessionDiagnostics).renewNow()).toBe('rotated');
    });

    it('says it was kept when the renewal left the same refresh token', async () => {
      renew.and.resolveTo('new-access-token');

      expect(await TestBed.inject(SessionDiagnostics).renewNow()).toBe('kept');
    });

    it('says renewal failed when it fails, or without a refresh token', async () => {
      renew.and.resolveTo(null);
      expect(await TestBed.inject(SessionDiagnostics).renewNow()).toBe('failed');

      stored = { idToken: stored.idToken, accessToken: stored.accessToken };
      expect(await TestBed.inject(SessionDiagnostics).renewNow()).toBe('failed');
    });
  });
});
