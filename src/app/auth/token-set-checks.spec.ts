import type { Tokens } from '@okta/okta-auth-js/core';
import {
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_NOW_SECONDS,
  testAccessToken,
  testSession,
  unsignedJwt,
} from './testing/auth-fixtures';
import {
  canUseBinding,
  checkTokenSet,
  EXPIRE_EARLY_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  oauthUrlsOf,
  sameJson,
  TokenSetExpectations,
} from './token-set-checks';

type Change = (tokens: Tokens) => Tokens;

describe('checkTokenSet', () => {
  const base: Omit<TokenSetExpectations, 'source'> = {
    issuer: TEST_ISSUER,
    clientId: TEST_CLIENT_ID,
    current: testSession(),
    nowSeconds: TEST_NOW_SECONDS,
    maxClockSkewSeconds: 300,
    requireDpop: false,
  };
  const renewal: TokenSetExpectations = { ...base, source: 'renewal' };
  const anotherTab: TokenSetExpectations = { ...base, source: 'another tab' };
  const renewed = () => testSession({ accessToken: 'renewed', refreshToken: 'rotated' });

  /** `renewed()` with one token's fields changed. */
  const withField =
    (key: keyof Tokens, change: Record<string, unknown>): Change =>
    (tokens) =>
      ({ ...tokens, [key]: { ...tokens[key], ...change } }) as Tokens;
  /** `renewed()` with an ID token whose JWT and claims are `claims`. */
  const withClaims =
    (change: Record<string, unknown>): Change =>
    (tokens) => {
      const claims = JSON.parse(
        JSON.stringify({ ...(tokens.idToken?.claims as object), ...change }),
      ) as Record<string, unknown>;
      return withField('idToken', { idToken: unsignedJwt(claims), claims })(tokens);
    };
  const without =
    (key: keyof Tokens): Change =>
    (tokens) => {
      const rest = { ...tokens };
      delete rest[key];
      return rest;
    };

  type Refusal = [string, Change | unknown, string];
  /**
   * Refusals of `renewed()` with `key`'s fields changed, each row [what, change, problem]:
   * "refuses `an` `noun` what", for "the `noun` problem".
   */
  const fieldRefusals = (
    key: keyof Tokens,
    [an, noun]: [string, string],
    rows: [string, Record<string, unknown>, string][],
  ): Refusal[] =>
    rows.map(([what, change, problem]) => [
      `${an} ${noun} ${what}`,
      withField(key, change),
      `the ${noun} ${problem}`,
    ]);
  const EVIL = 'https://evil.example';
  const ID = ['an', 'ID token'] as [string, string];
  const idTokenRefusals: Refusal[] = [
    ...fieldRefusals('idToken', ID, [
      ['that is not a string', { idToken: 42 }, 'is not a string'],
      ['without claims', { claims: null }, 'has no claims'],
    ]),
    [
      'claims that differ from the JWT (forged groups)',
      (tokens: Tokens) =>
        withField('idToken', {
          claims: { ...(tokens.idToken?.claims as object), groups: ['Admins'] },
        })(tokens),
      'the ID token claims differ from the token itself',
    ],
    ...fieldRefusals('idToken', ID, [
      [
        'expiry that is not a number (exp "soon" in okta-auth-js)',
        { expiresAt: NaN },
        'has no usable expiry time',
      ],
      ['without scopes', { scopes: 'openid' }, 'has no scopes'],
      [
        'with another authorize endpoint',
        { authorizeUrl: `${EVIL}/authorize` },
        'names another authorize endpoint',
      ],
      [
        'stored for another issuer',
        { issuer: `${EVIL}/oauth2/default` },
        'is stored for another issuer',
      ],
      [
        'stored for another application',
        { clientId: '0oaOTHER' },
        'is stored for another application',
      ],
    ]),
    [
      'an unsigned ID token',
      (tokens: Tokens) =>
        withField('idToken', {
          idToken: unsignedJwt(tokens.idToken?.claims, { alg: 'none' }),
        })(tokens),
      'the ID token is signed with none, not RS256',
    ],
    ...(
      [
        ['from another issuer', { iss: EVIL }, 'the ID token comes from another issuer'],
        [
          'for another application',
          { aud: '0oaOTHER' },
          'the ID token was issued to another application',
        ],
        ['without exp', { exp: undefined }, 'the ID token has no expiry'],
        ['for another user', { sub: '00u-other' }, 'the new ID token names another user'],
        [
          'of an earlier sign-in',
          { auth_time: TEST_NOW_SECONDS - 3600 },
          'the new ID token claims another sign-in (auth_time changed)',
        ],
      ] as const
    ).map(([what, claims, problem]): Refusal => [
      `an ID token ${what}`,
      withClaims(claims),
      problem,
    ]),
  ];
  const accessTokenRefusals = fieldRefusals(
    'accessToken',
    ['an', 'access token'],
    [
      ['that is not a string', { accessToken: null }, 'is not a string'],
      ['without claims', { claims: 'x' }, 'has no claims'],
      ['without an expiry', { expiresAt: undefined }, 'has no usable expiry time'],
      ['with an infinite expiry', { expiresAt: Infinity }, 'has no usable expiry time'],
      ['without a type', { tokenType: '' }, 'is neither a Bearer nor a DPoP token'],
      ['of an unknown type', { tokenType: 'MAC' }, 'is neither a Bearer nor a DPoP token'],
      ['without scopes', { scopes: [1] }, 'has no scopes'],
      [
        'with another authorize endpoint',
        { authorizeUrl: `${EVIL}/authorize` },
        'names another authorize endpoint',
      ],
      [
        'sent to another userinfo endpoint',
        { userinfoUrl: `${EVIL}/userinfo` },
        'names another userinfo endpoint',
      ],
    ],
  );
  const refreshTokenRefusals: Refusal[] = [
    [
      'a refresh token that is not an object',
      (tokens: Tokens) => ({ ...tokens, refreshToken: 'refresh' }) as unknown as Tokens,
      'the refresh token is not an object',
    ],
    ...fieldRefusals(
      'refreshToken',
      ['a', 'refresh token'],
      [
        ['that is not a string', { refreshToken: ['x'] }, 'is not a string'],
        ['without an expiry', { expiresAt: '1' }, 'has no usable expiry time'],
        ['without scopes', { scopes: undefined }, 'has no scopes'],
        [
          'sent to another token endpoint',
          { tokenUrl: `${EVIL}/v1/token` },
          'names another token endpoint',
        ],
        [
          'with another authorize endpoint',
          { authorizeUrl: `${EVIL}/v1/authorize` },
          'names another authorize endpoint',
        ],
        [
          'stored for another issuer',
          { issuer: `${EVIL}/oauth2/default` },
          'is stored for another issuer',
        ],
      ],
    ),
  ];

  for (const [name, expected] of [
    ['a renewal', renewal],
    ['another tab', anotherTab],
  ] as const) {
    describe(`for ${name}`, () => {
      it('accepts a set that continues the session, and returns a clean copy', () => {
        const verdict = checkTokenSet(renewed(), expected);

        expect(verdict).toEqual({ ok: true, tokens: renewed() });
      });

      it('accepts a set without a refresh token (a grant that did not rotate it)', () => {
        expect(checkTokenSet(without('refreshToken')(renewed()), expected).ok).toBeTrue();
      });

      it('leaves out fields okta-auth-js does not need', () => {
        const tokens = withField('accessToken', { pendingRemove: true, extra: 'x' })(renewed());

        expect(checkTokenSet(tokens, expected)).toEqual({ ok: true, tokens: renewed() });
      });

      it('accepts a first session when there is none to continue', () => {
        expect(checkTokenSet(renewed(), { ...expected, current: {} }).ok).toBeTrue();
      });

      const refused: [string, Change | unknown, string][] = [
        ['something that is not an object', 'tokens', 'the token set is not an object'],
        ['an empty set', {}, 'there is no ID token'],
        ['no ID token', without('idToken'), 'there is no ID token'],
        ['no access token', without('accessToken'), 'there is no access token'],
        ...idTokenRefusals,
        ...accessTokenRefusals,
        ...refreshTokenRefusals,
      ];
      for (const [what, input, problem] of refused) {
        it(`refuses ${what}: "${problem}"`, () => {
          const tokens = typeof input === 'function' ? (input as Change)(renewed()) : input;

          expect(checkTokenSet(tokens, expected)).toEqual({ ok: false, problem });
        });
      }
    });
  }

  describe("another tab's new sign-in of the same user (a step-up)", () => {
    const PAIR = 'a1b2c3d4';
    const bound = (tokens: Tokens, pair: string): Tokens =>
      ({
        ...tokens,
        accessToken: { ...tokens.accessToken, tokenType: 'DPoP', dpopPairId: pair },
        refreshToken: { ...tokens.refreshToken, dpopPairId: pair },
      }) as Tokens;
    const current = bound(testSession(), PAIR);
    const later = { auth_time: TEST_NOW_SECONDS, acr: 'urn:okta:loa:2fa:any' };

    it('replaces the session, bound to the new key pair of that sign-in', () => {
      const tokens = bound(withClaims(later)(renewed()), 'ffff0000');
      const verdict = checkTokenSet(tokens, { ...anotherTab, current, requireDpop: true });

      expect(verdict).toEqual({ ok: true, tokens });
    });

    it('replaces it too when the second factor kept the authentication time (more methods)', () => {
      const tokens = bound(
        withClaims({
          acr: 'urn:okta:loa:2fa:any',
          amr: ['pwd', 'otp', 'mfa'],
          iat: TEST_NOW_SECONDS,
        })(renewed()),
        'ffff0000',
      );

      expect(checkTokenSet(tokens, { ...anotherTab, current, requireDpop: true }).ok).toBeTrue();
    });

    it("is not undone by another tab's refresh of the old session (same auth_time, no more methods, its old key)", () => {
      const steppedUp = bound(
        withClaims({ acr: 'urn:okta:loa:2fa:any', amr: ['pwd', 'otp', 'mfa'] })(testSession()),
        'ffff0000',
      );
      const oldRefreshed = bound(
        withClaims({ amr: ['pwd'], iat: TEST_NOW_SECONDS })(renewed()),
        PAIR,
      );

      expect(
        checkTokenSet(oldRefreshed, { ...anotherTab, current: steppedUp, requireDpop: true }),
      ).toEqual({ ok: false, problem: 'the tokens are bound to another key than the session' });
    });

    it('does not take a sign-in from the future, which would shut out every real one after it', () => {
      const tokens = bound(
        withClaims({ auth_time: TEST_NOW_SECONDS + 3600 })(renewed()),
        'ffff0000',
      );

      expect(checkTokenSet(tokens, { ...anotherTab, current, requireDpop: true }).ok).toBeFalse();
    });

    it('is no renewal: a refresh answer with a later auth_time is still refused', () => {
      expect(checkTokenSet(withClaims(later)(renewed()), renewal)).toEqual({
        ok: false,
        problem: 'the new ID token claims another sign-in (auth_time changed)',
      });
    });

    const refused: [string, Record<string, unknown>, string][] = [
      [
        'of another user',
        { ...later, sub: '00u-other' },
        'the tokens are bound to another key than the session',
      ],
      [
        'for another application as well',
        { ...later, aud: [TEST_CLIENT_ID, '0oaOTHER'], azp: TEST_CLIENT_ID },
        'the tokens are bound to another key than the session',
      ],
    ];
    for (const [what, claims, problem] of refused) {
      it(`does not replace it with a sign-in ${what}`, () => {
        const tokens = bound(withClaims(claims)(renewed()), 'ffff0000');

        expect(checkTokenSet(tokens, { ...anotherTab, current, requireDpop: true })).toEqual({
          ok: false,
          problem,
        });
      });
    }
  });

  describe('how fresh the set must be', () => {
    const renewAt = TEST_NOW_SECONDS + EXPIRE_EARLY_SECONDS;

    it('refuses a renewed access token that is due for renewal at once (a renewal storm)', () => {
      const tokens = withField('accessToken', { expiresAt: renewAt })(renewed());

      expect(checkTokenSet(tokens, renewal)).toEqual({
        ok: false,
        problem: 'the new access token expires at once',
      });
    });

    it('refuses a renewed ID token that is due for renewal at once (exp in the past)', () => {
      const tokens = withField('idToken', { expiresAt: TEST_NOW_SECONDS - 60 })(renewed());

      expect(checkTokenSet(tokens, renewal)).toEqual({
        ok: false,
        problem: 'the new ID token expires at once',
      });
    });

    it('accepts renewed tokens that last past the next renewal time', () => {
      const tokens = withField('accessToken', { expiresAt: renewAt + 1 })(
        withField('idToken', { expiresAt: renewAt + 1 })(renewed()),
      );

      expect(checkTokenSet(tokens, renewal).ok).toBeTrue();
    });

    it('refuses a renewed ID token whose exp claim is due, though okta-auth-js computed a later expiresAt', () => {
      // okta-auth-js stores exp - iat + now: exp = now - 200 with iat = now - 3800 looks an hour away.
      const tokens = withClaims({ exp: TEST_NOW_SECONDS - 200, iat: TEST_NOW_SECONDS - 3800 })(
        renewed(),
      );

      expect(checkTokenSet(tokens, renewal)).toEqual({
        ok: false,
        problem: 'the new ID token expires at once',
      });
    });

    for (const [name, expected] of [
      ['a renewal', renewal],
      ['another tab', anotherTab],
    ] as const) {
      for (const key of ['idToken', 'accessToken', 'refreshToken'] as const) {
        it(`refuses, from ${name}, a ${key} that expires more than a day from now (its timer would fire at once)`, () => {
          const tokens = withField(key, {
            expiresAt: TEST_NOW_SECONDS + MAX_TOKEN_LIFETIME_SECONDS + 1,
          })(renewed());

          expect(checkTokenSet(tokens, expected).ok).toBeFalse();
        });
      }
    }

    it('accepts tokens that expire a day from now', () => {
      const day = { expiresAt: TEST_NOW_SECONDS + MAX_TOKEN_LIFETIME_SECONDS };
      const tokens = withField(
        'idToken',
        day,
      )(withField('accessToken', day)(withField('refreshToken', day)(renewed())));

      expect(checkTokenSet(tokens, renewal).ok).toBeTrue();
    });

    it("accepts another tab's set that is due for renewal (the renewing tab renews it)", () => {
      const tokens = { ...renewed(), accessToken: testAccessToken('due', { expiresAt: renewAt }) };

      expect(checkTokenSet(tokens, anotherTab).ok).toBeTrue();
    });
  });

  describe('with DPoP', () => {
    const PAIR = 'a1b2c3d4';
    /** A session whose access and refresh tokens are bound to the key pair `pair`. */
    const bound = (tokens: Tokens, pair: unknown = PAIR, tokenType = 'DPoP'): Tokens =>
      ({
        ...tokens,
        accessToken: { ...tokens.accessToken, tokenType, dpopPairId: pair },
        refreshToken: { ...tokens.refreshToken, dpopPairId: pair },
      }) as Tokens;
    const dpopRenewal: TokenSetExpectations = {
      ...renewal,
      current: bound(testSession()),
      requireDpop: true,
    };

    it('keeps the key pair id of both tokens, without which no proof could be made', () => {
      const verdict = checkTokenSet(bound(renewed()), dpopRenewal);

      expect(verdict).toEqual({ ok: true, tokens: bound(renewed()) });
    });

    it('accepts the token type in any case (RFC 6749 §7.1)', () => {
      expect(checkTokenSet(bound(renewed(), PAIR, 'dpop'), dpopRenewal).ok).toBeTrue();
    });

    it("accepts another tab's bound session when this tab has none", () => {
      const expected = { ...dpopRenewal, source: 'another tab' as const, current: {} };

      expect(checkTokenSet(bound(renewed(), 'ffff0000'), expected).ok).toBeTrue();
    });

    const refused: [string, Tokens, Partial<TokenSetExpectations>, string][] = [
      [
        'a renewal that came back as an unbound Bearer token',
        renewed(),
        {},
        "the access token is not bound to this browser's key (DPoP)",
      ],
      [
        'tokens bound to another key than the session',
        bound(renewed(), 'ffff0000'),
        {},
        'the tokens are bound to another key than the session',
      ],
      [
        'a bound set for a session whose tokens were unbound',
        bound(renewed()),
        { current: testSession(), requireDpop: false },
        'the tokens are bound to another key than the session',
      ],
      [
        'a DPoP access token without a key pair id',
        { ...renewed(), accessToken: { ...renewed().accessToken, tokenType: 'DPoP' } } as Tokens,
        {},
        'the DPoP access token names no key pair',
      ],
      [
        'a key pair id that is not what okta-auth-js writes',
        bound(renewed(), '../x'),
        {},
        'the access token names a malformed DPoP key pair',
      ],
      [
        'a refresh token bound to another key than the access token',
        {
          ...bound(renewed()),
          refreshToken: { ...bound(renewed()).refreshToken, dpopPairId: 'ffff0000' },
        } as Tokens,
        {},
        'the refresh token is bound to another key than the access token',
      ],
      [
        'an unbound refresh token beside a bound access token',
        { ...bound(renewed()), refreshToken: renewed().refreshToken } as Tokens,
        {},
        'the refresh token is bound to another key than the access token',
      ],
    ];
    for (const [what, tokens, change, problem] of refused) {
      it(`refuses ${what}`, () => {
        expect(checkTokenSet(tokens, { ...dpopRenewal, ...change })).toEqual({
          ok: false,
          problem,
        });
      });
    }

    it('accepts unbound Bearer tokens when DPoP may fall back to them', () => {
      const expected = { ...dpopRenewal, current: testSession(), requireDpop: false };

      expect(checkTokenSet(renewed(), expected).ok).toBeTrue();
    });
  });
});

describe('checkTokenSet with hostile nesting', () => {
  it('refuses, without throwing, an ID token whose claims nest 10,000 levels deep', () => {
    // Written as text: JSON.stringify itself overflows on such a value, JSON.parse does not.
    const depth = 10_000;
    const claimsJson = JSON.stringify(testSession().idToken?.claims).replace(
      /}$/,
      `,"deep":${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}}`,
    );
    const payload = btoa(claimsJson).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const session = testSession({ accessToken: 'renewed' });
    const [header, , signature] = (session.idToken?.idToken ?? '').split('.');
    const tokens = {
      ...session,
      idToken: {
        ...session.idToken,
        idToken: `${header}.${payload}.${signature}`,
        claims: JSON.parse(claimsJson) as unknown,
      },
    };
    const expected: TokenSetExpectations = {
      source: 'renewal',
      issuer: TEST_ISSUER,
      clientId: TEST_CLIENT_ID,
      current: testSession(),
      nowSeconds: TEST_NOW_SECONDS,
      maxClockSkewSeconds: 300,
      requireDpop: false,
    };

    expect(checkTokenSet(tokens, expected).ok).toBeFalse();
  });
});

describe('sameJson', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let level = 0; level < depth; level++) value = { a: value };
    return value;
  };

  it('compares JSON values whatever the key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBeTrue();
    expect(sameJson({ a: 1 }, { a: 2 })).toBeFalse();
  });

  it('calls values nested deeper than 32 levels different instead of overflowing the stack', () => {
    expect(() => sameJson(nested(10_000), nested(10_000))).not.toThrow();
    expect(sameJson(nested(10_000), nested(10_000))).toBeFalse();
    expect(sameJson(nested(30), nested(30))).toBeTrue();
  });
});

describe('oauthUrlsOf', () => {
  it('derives the endpoints of a custom authorization server from its issuer', () => {
    expect(oauthUrlsOf('https://dev-1.okta.com/oauth2/default')).toEqual({
      authorize: 'https://dev-1.okta.com/oauth2/default/v1/authorize',
      token: 'https://dev-1.okta.com/oauth2/default/v1/token',
      userinfo: 'https://dev-1.okta.com/oauth2/default/v1/userinfo',
    });
  });

  it("derives the org authorization server's endpoints from the org URL", () => {
    expect(oauthUrlsOf('https://dev-1.okta.com').token).toBe(
      'https://dev-1.okta.com/oauth2/v1/token',
    );
  });
});

describe('canUseBinding', () => {
  it('lets a DPoP token be used only with okta-auth-js able to sign its proofs', () => {
    expect(canUseBinding('DPoP', { oktaDpop: true, requireDpop: true })).toBeTrue();
    expect(canUseBinding('DPoP', { oktaDpop: false, requireDpop: false })).toBeFalse();
  });

  it('lets an unbound token be used only while DPoP is not required', () => {
    expect(canUseBinding('Bearer', { oktaDpop: true, requireDpop: false })).toBeTrue();
    expect(canUseBinding('Bearer', { oktaDpop: true, requireDpop: true })).toBeFalse();
  });
});
