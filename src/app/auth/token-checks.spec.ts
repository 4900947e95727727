import {
  findIdTokenClaimsProblem,
  findIdTokenHeaderProblem,
  IdTokenExpectations,
} from './token-checks';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = 1_900_000_000;
const SKEW = 300;

/** Base64url without padding, as in a JWT. */
function base64Url(json: unknown): string {
  return btoa(JSON.stringify(json)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A compact JWT with `header`; the payload and signature do not matter to the header check. */
function jwtWithHeader(header: unknown): string {
  return `${base64Url(header)}.${base64Url({ sub: '00u1abcd' })}.c2lnbmF0dXJl`;
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
