import {
  base64UrlJson,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_NOW_SECONDS,
  testIdTokenClaims,
  unsignedJwt,
} from './testing/auth-fixtures';
import {
  decodeJwtPayload,
  findIdTokenClaimsProblem,
  findIdTokenHeaderProblem,
  findRenewedIdTokenClaimsProblem,
  IdTokenExpectations,
  RenewedIdTokenExpectations,
} from './token-checks';

const ISSUER = TEST_ISSUER;
const CLIENT_ID = TEST_CLIENT_ID;
const NONCE = 'n-0S6_WzA2Mj';
const NOW = TEST_NOW_SECONDS;
const SKEW = 300;
const base64Url = base64UrlJson;

/** A compact JWT with `header`; the payload and signature do not matter to the header check. */
function jwtWithHeader(header: unknown): string {
  return unsignedJwt({ sub: '00u1abcd' }, header);
}

describe('findIdTokenHeaderProblem', () => {
  it('accepts an RS256 token that names its signing key', () => {
    expect(findIdTokenHeaderProblem(jwtWithHeader({ alg: 'RS256', kid: 'key-1' }))).toBeNull();
  });

  it('decodes a base64url header that uses - and _', () => {
    // "???" and ">>>" make base64 emit "/" and "+", which base64url writes as "_" and "-".
    const token = jwtWithHeader({ alg: 'RS256', kid: '???>>>', typ: 'JWT' });
    expect(token.split('.')[0]).toMatch(/[-_]/);

    expect(findIdTokenHeaderProblem(token)).toBeNull();
  });

  const cases: [string, string, string][] = [
    [
      'an unsigned token (alg: none)',
      jwtWithHeader({ alg: 'none', kid: 'key-1' }),
      'the ID token is signed with none, not RS256',
    ],
    [
      'an HS256 token (the public key used as an HMAC secret)',
      jwtWithHeader({ alg: 'HS256', kid: 'key-1' }),
      'the ID token is signed with HS256, not RS256',
    ],
    [
      'an algorithm in the wrong letter case',
      jwtWithHeader({ alg: 'rs256', kid: 'key-1' }),
      'the ID token is signed with rs256, not RS256',
    ],
    [
      'a header without alg',
      jwtWithHeader({ kid: 'key-1' }),
      'the ID token is signed with undefined, not RS256',
    ],
    [
      'an alg that is not a string',
      jwtWithHeader({ alg: 256, kid: 'key-1' }),
      'the ID token is signed with 256, not RS256',
    ],
    ['a token without kid', jwtWithHeader({ alg: 'RS256' }), 'the ID token names no signing key'],
    [
      'a token with an empty kid',
      jwtWithHeader({ alg: 'RS256', kid: '' }),
      'the ID token names no signing key',
    ],
    [
      'a kid that is not a string',
      jwtWithHeader({ alg: 'RS256', kid: 1 }),
      'the ID token names no signing key',
    ],
    ['an empty string', '', 'the ID token is not a well-formed JWT'],
    ['text that is not a JWT', 'not a token', 'the ID token is not a well-formed JWT'],
    [
      'a JWT with an empty header',
      '.eyJzdWIiOiJ4In0.c2ln',
      'the ID token is not a well-formed JWT',
    ],
    [
      'a header that is not JSON',
      `${btoa('{alg:RS256}')}.e30.c2ln`,
      'the ID token is not a well-formed JWT',
    ],
    [
      'a header that is JSON null',
      `${base64Url(null)}.e30.c2ln`,
      'the ID token is not a well-formed JWT',
    ],
    [
      'a header that is a JSON string',
      `${base64Url('RS256')}.e30.c2ln`,
      'the ID token is not a well-formed JWT',
    ],
  ];
  for (const [what, token, problem] of cases) {
    it(`refuses ${what}`, () => {
      expect(findIdTokenHeaderProblem(token)).toBe(problem);
    });
  }
});

describe('findIdTokenClaimsProblem', () => {
  const expected: IdTokenExpectations = {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    nonce: NONCE,
    nowSeconds: NOW,
    maxClockSkewSeconds: SKEW,
  };

  /** The claims Okta puts in a valid ID token for this sign-in, with `overrides` on top. */
  function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      iss: ISSUER,
      aud: CLIENT_ID,
      sub: '00u1abcd',
      iat: NOW - 10,
      exp: NOW + 3600,
      nonce: NONCE,
      ...overrides,
    };
  }

  /** `claims` without `name`, to model a claim that is absent rather than undefined. */
  function claimsWithout(name: string): Record<string, unknown> {
    const rest = claims();
    delete rest[name];
    return rest;
  }

  const ANOTHER_ISSUER = 'the ID token comes from another issuer';
  const ANOTHER_APP = 'the ID token was issued to another application';
  const NOT_AUTHORIZED =
    'the ID token has several audiences and is not authorized for this application';
  const NO_USER = 'the ID token names no user';
  const NOT_THIS_SIGN_IN = 'the ID token does not belong to this sign-in';

  const valid: [string, Record<string, unknown>][] = [
    ['a valid token', claims()],
    ['an audience list holding only this app', claims({ aud: [CLIENT_ID] })],
    [
      'several audiences with this app as the authorized party (azp)',
      claims({ aud: [CLIENT_ID, 'api://default'], azp: CLIENT_ID }),
    ],
    ['a token that expired less than the clock skew ago', claims({ exp: NOW - SKEW + 1 })],
    ['a token that expired exactly the clock skew ago', claims({ exp: NOW - SKEW })],
    ['a token issued less than the clock skew in the future', claims({ iat: NOW + SKEW - 1 })],
    ['a token issued exactly the clock skew in the future', claims({ iat: NOW + SKEW })],
  ];
  for (const [what, tokenClaims] of valid) {
    it(`finds no problem with ${what}`, () => {
      expect(findIdTokenClaimsProblem(tokenClaims, expected)).toBeNull();
    });
  }

  const invalid: [string, Record<string, unknown>, string][] = [
    ['another issuer', claims({ iss: 'https://evil.example/oauth2/default' }), ANOTHER_ISSUER],
    ['the issuer with a trailing slash', claims({ iss: `${ISSUER}/` }), ANOTHER_ISSUER],
    [
      'the org issuer instead of the custom one',
      claims({ iss: 'https://dev-123456.okta.com' }),
      ANOTHER_ISSUER,
    ],
    ['a missing issuer', claimsWithout('iss'), ANOTHER_ISSUER],
    ['another audience', claims({ aud: '0oaOTHERCLIENT' }), ANOTHER_APP],
    [
      'an audience list without this app',
      claims({ aud: ['0oaOTHERCLIENT', 'api://default'] }),
      ANOTHER_APP,
    ],
    [
      'an audience that merely contains the client id',
      claims({ aud: `${CLIENT_ID}x` }),
      ANOTHER_APP,
    ],
    ['a missing audience', claimsWithout('aud'), ANOTHER_APP],
    ['an empty audience list', claims({ aud: [] }), ANOTHER_APP],
    [
      'several audiences without azp',
      claims({ aud: [CLIENT_ID, 'api://default'] }),
      NOT_AUTHORIZED,
    ],
    [
      'several audiences with another authorized party',
      claims({ aud: [CLIENT_ID, '0oaOTHERCLIENT'], azp: '0oaOTHERCLIENT' }),
      NOT_AUTHORIZED,
    ],
    ['a missing subject', claimsWithout('sub'), NO_USER],
    ['an empty subject', claims({ sub: '' }), NO_USER],
    ['a subject that is not a string', claims({ sub: 42 }), NO_USER],
    ['a missing expiry', claimsWithout('exp'), 'the ID token has no expiry'],
    [
      'an expiry given as a string',
      claims({ exp: String(NOW + 3600) }),
      'the ID token has no expiry',
    ],
    ['a missing issue time', claimsWithout('iat'), 'the ID token has no issue time'],
    [
      'an issue time given as a string',
      claims({ iat: String(NOW) }),
      'the ID token has no issue time',
    ],
    [
      'a token that expired more than the clock skew ago',
      claims({ exp: NOW - SKEW - 1 }),
      'the ID token has expired',
    ],
    [
      'a token issued more than the clock skew in the future',
      claims({ iat: NOW + SKEW + 1 }),
      'the ID token was issued in the future',
    ],
    ['another nonce', claims({ nonce: 'nonce-of-another-sign-in' }), NOT_THIS_SIGN_IN],
    ['a missing nonce', claimsWithout('nonce'), NOT_THIS_SIGN_IN],
    ['an empty nonce', claims({ nonce: '' }), NOT_THIS_SIGN_IN],
  ];
  for (const [what, tokenClaims, problem] of invalid) {
    it(`refuses ${what}: "${problem}"`, () => {
      expect(findIdTokenClaimsProblem(tokenClaims, expected)).toBe(problem);
    });
  }

  it('refuses every token when this sign-in sent no nonce', () => {
    expect(findIdTokenClaimsProblem(claims(), { ...expected, nonce: undefined })).toBe(
      NOT_THIS_SIGN_IN,
    );
  });

  it('refuses a token without a nonce when this sign-in sent none either', () => {
    expect(
      findIdTokenClaimsProblem(claimsWithout('nonce'), { ...expected, nonce: undefined }),
    ).toBe(NOT_THIS_SIGN_IN);
  });

  it('measures the clock skew with the tolerance it is given', () => {
    const lateToken = claims({ exp: NOW - 60 });

    expect(
      findIdTokenClaimsProblem(lateToken, { ...expected, maxClockSkewSeconds: 120 }),
    ).toBeNull();
    expect(findIdTokenClaimsProblem(lateToken, { ...expected, maxClockSkewSeconds: 30 })).toBe(
      'the ID token has expired',
    );
  });
});

describe('findRenewedIdTokenClaimsProblem', () => {
  /** The session's current ID token: the one a renewed token replaces. */
  const previous = testIdTokenClaims({ nonce: NONCE });
  const expected: RenewedIdTokenExpectations = {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    previous,
    nowSeconds: NOW,
    maxClockSkewSeconds: SKEW,
  };

  /** A refreshed ID token: issued now, no nonce (a refresh need not carry one). */
  function renewed(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const claims: Record<string, unknown> = {
      ...previous,
      iat: NOW,
      exp: NOW + 3600,
      ...overrides,
    };
    delete claims['nonce'];
    for (const [name, value] of Object.entries(overrides)) {
      if (value === undefined) delete claims[name];
    }
    return claims;
  }

  const valid: [string, Record<string, unknown>][] = [
    ['a refreshed token without a nonce', renewed()],
    ['a refreshed token that still carries the nonce', { ...renewed(), nonce: NONCE }],
    ['a refreshed token without auth_time', renewed({ auth_time: undefined })],
    ['new profile claims (name, groups)', renewed({ name: 'Ada', groups: ['Admins'] })],
  ];
  for (const [what, claims] of valid) {
    it(`finds no problem with ${what}`, () => {
      expect(findRenewedIdTokenClaimsProblem(claims, expected)).toBeNull();
    });
  }

  const invalid: [string, Record<string, unknown>, string][] = [
    // The sign-in rules, except the nonce.
    [
      'another issuer',
      renewed({ iss: 'https://evil.example' }),
      'the ID token comes from another issuer',
    ],
    [
      'another application',
      renewed({ aud: 'other' }),
      'the ID token was issued to another application',
    ],
    ['no exp', renewed({ exp: undefined }), 'the ID token has no expiry'],
    ['an exp that is not a number', renewed({ exp: 'soon' }), 'the ID token has no expiry'],
    ['no iat', renewed({ iat: undefined }), 'the ID token has no issue time'],
    ['an expired token', renewed({ exp: NOW - SKEW - 1 }), 'the ID token has expired'],
    ['no sub', renewed({ sub: undefined }), 'the ID token names no user'],
    // OpenID Connect Core §12.2.
    ['another user', renewed({ sub: '00u-someone-else' }), 'the new ID token names another user'],
    [
      'another audience list',
      renewed({ aud: [CLIENT_ID, 'api://default'], azp: CLIENT_ID }),
      'the new ID token has another audience',
    ],
    [
      'a new auth_time',
      renewed({ auth_time: NOW }),
      'the new ID token claims another sign-in (auth_time changed)',
    ],
  ];
  for (const [what, claims, problem] of invalid) {
    it(`refuses ${what}: "${problem}"`, () => {
      expect(findRenewedIdTokenClaimsProblem(claims, expected)).toBe(problem);
    });
  }

  it('refuses a token from another issuer than the current one, even when it is the configured one', () => {
    const fromElsewhere = { ...previous, iss: 'https://other.example/oauth2/default' };

    expect(
      findRenewedIdTokenClaimsProblem(renewed(), { ...expected, previous: fromElsewhere }),
    ).toBe('the new ID token comes from another issuer');
  });

  it('refuses an auth_time where the current token had none', () => {
    const withoutAuthTime = { ...previous };
    delete withoutAuthTime['auth_time'];

    expect(
      findRenewedIdTokenClaimsProblem(renewed(), { ...expected, previous: withoutAuthTime }),
    ).toBe('the new ID token claims another sign-in (auth_time changed)');
  });
});

describe('decodeJwtPayload', () => {
  it('decodes UTF-8 claims', () => {
    expect(decodeJwtPayload(unsignedJwt({ name: 'Zoë Ærø 山田' }))).toEqual({
      name: 'Zoë Ærø 山田',
    });
  });

  it('returns null for text that is not a JWT', () => {
    expect(decodeJwtPayload('not a token')).toBeNull();
  });
});
