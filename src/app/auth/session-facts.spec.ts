import type { Tokens } from '@okta/okta-auth-js/core';
import { describeSession, SessionExpectations, SessionFact } from './session-facts';
import { testAccessToken, testIdToken, testRefreshToken } from './testing/auth-fixtures';

const NOW = 1_800_000_000;
const expected: SessionExpectations = {
  apiAudience: 'api://default',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  adminGroup: 'Admins',
  requireDpop: true,
};

/** A session as Okta issues it to a well-configured app, with the given changes. */
function session(
  change: {
    access?: Record<string, unknown>;
    id?: Record<string, unknown>;
    tokenType?: string;
    expiresAt?: number;
    refresh?: boolean;
  } = {},
): Tokens {
  const accessClaims = {
    aud: 'api://default',
    scp: ['openid', 'profile', 'email', 'offline_access'],
    iat: NOW,
    exp: NOW + 3600,
    ...change.access,
  };
  const idClaims = {
    sub: '00u1',
    groups: ['Everyone', 'Admins'],
    iat: NOW,
    exp: NOW + 3600,
    ...change.id,
  };
  return {
    accessToken: testAccessToken('secret-access-token', {
      claims: accessClaims as never,
      tokenType: change.tokenType ?? 'DPoP',
      expiresAt: change.expiresAt ?? NOW + 3600,
    }),
    idToken: testIdToken(idClaims),
    ...(change.refresh === false ? {} : { refreshToken: testRefreshToken('secret-refresh-token') }),
  };
}

const fact = (facts: SessionFact[], id: string) => facts.find((f) => f.id === id);

describe('describeSession', () => {
  it('passes a well-configured session on every count', () => {
    const facts = describeSession(session(), expected);

    expect(facts.map((f) => [f.id, f.status])).toEqual([
      ['audience', 'pass'],
      ['scopes', 'pass'],
      ['refresh', 'pass'],
      ['groups', 'pass'],
      ['lifetimes', 'info'],
      ['dpop', 'pass'],
      ['clock', 'pass'],
    ]);
    expect(fact(facts, 'groups')?.detail).toBe('2 groups; you are in Admins, so /admin will open.');
  });

  it('never puts a token value in what it says', () => {
    const text = JSON.stringify(describeSession(session({ refresh: true }), expected));

    expect(text).not.toContain('secret-access-token');
    expect(text).not.toContain('secret-refresh-token');
  });

  const misconfigured: [
    string,
    Parameters<typeof session>[0],
    string,
    SessionFact['status'],
    RegExp,
  ][] = [
    [
      'an access token for another audience (the org authorization server)',
      { access: { aud: 'https://dev-1.okta.com' } },
      'audience',
      'fail',
      /Set OKTA_AUDIENCE .*Authorization Servers/,
    ],
    [
      'a scope the access policy did not grant',
      { access: { scp: ['openid', 'profile', 'email'] } },
      'scopes',
      'warn',
      /Access Policies/,
    ],
    [
      'no refresh token (the grant is off)',
      { refresh: false },
      'refresh',
      'warn',
      /Refresh Token grant/,
    ],
    ['no groups claim', { id: { groups: undefined } }, 'groups', 'warn', /groups claim/],
    [
      'an access token that lives a day',
      { access: { exp: NOW + 86_400 } },
      'lifetimes',
      'warn',
      /Shorten the access token lifetime/,
    ],
    [
      'unbound tokens while DPoP is required',
      { tokenType: 'Bearer' },
      'dpop',
      'fail',
      /OKTA_DPOP=true/,
    ],
    [
      'a clock 90 s ahead of Okta',
      { expiresAt: NOW + 3600 + 90 },
      'clock',
      'warn',
      /automatic time/,
    ],
    [
      'a clock 10 minutes behind Okta',
      { expiresAt: NOW + 3600 - 600 },
      'clock',
      'fail',
      /automatic time/,
    ],
  ];
  for (const [what, change, id, status, fix] of misconfigured) {
    it(`names ${what}, with its fix`, () => {
      const found = fact(describeSession(session(change), expected), id);

      expect(found?.status).toBe(status);
      expect(found?.fix).toMatch(fix);
    });
  }

  it('says what /admin will do for a signed-in non-member', () => {
    const found = fact(
      describeSession(session({ id: { groups: ['Everyone'] } }), expected),
      'groups',
    );

    expect(found?.detail).toBe('1 group; you are not in Admins, so /admin will show the 403 page.');
  });

  it('names the clock difference in seconds', () => {
    expect(
      fact(describeSession(session({ expiresAt: NOW + 3600 - 45 }), expected), 'clock')?.detail,
    ).toBe("It is 45 s behind Okta's.");
  });

  it('fails at once without an access or ID token', () => {
    expect(describeSession({}, expected).map((f) => f.status)).toEqual(['fail']);
  });
});
