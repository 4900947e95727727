import { AuthApiError, AuthSdkError } from '@okta/okta-auth-js/core';
import type { IDToken, OktaAuth, TokenResponse, Tokens, UserClaims } from '@okta/okta-auth-js/core';
import type { AuthConfig } from './auth-config';
import { completeSignIn, SignInOutcome } from './complete-sign-in';
import { MAX_CLOCK_SKEW_SECONDS } from './token-checks';
import { describeSignInError } from './sign-in-error';
import { OKTA_ACR } from './acr';
import { UNMET_REQUIREMENTS_MESSAGE } from './step-up';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const ORIGIN = 'http://localhost:4200';
const CALLBACK = `${ORIGIN}/login/callback`;
const STATE = 'state-4f9a';
const NONCE = 'nonce-7c21';
const NOW = 1_900_000_000;

const ANOTHER_TAB = 'This sign-in was started in another tab or has expired. Please try again.';
const FOREIGN_LINK =
  'This sign-in link did not come from this browser, so nothing was changed. If you were signing in, finish in the tab where you started, or use Try again.';
const NO_SIGN_IN = 'There is no sign-in to finish here. Start again from the Sign in button.';
const GENERATION_KEY = `${CLIENT_ID}-session-generation`;
const securityCheck = (problem: string) =>
  `Okta's answer failed a security check (${problem}), so you were not signed in. Please try again.`;

const config: AuthConfig = {
  issuer: ISSUER,
  clientId: CLIENT_ID,
  scopes: ['openid', 'profile'],
  apiOrigins: [],
  tokenStorage: 'sessionStorage',
  requestTimeoutSeconds: 15,
  dpop: false,
  dpopAllowBearer: false,
  idleTimeoutMinutes: 0,
};

type CallbackAuth = Parameters<typeof completeSignIn>[0];
type TransactionMeta = NonNullable<ReturnType<OktaAuth['transactionManager']['load']>>;
type HttpCache = ReturnType<OktaAuth['storageManager']['getHttpCache']>;

/** The slice of OktaAuth that completeSignIn uses, with a spy for each method. */
interface FakeOktaAuth {
  readonly token: {
    readonly parseFromUrl: jasmine.Spy<(options: { url: string }) => Promise<TokenResponse>>;
  };
  readonly transactionManager: jasmine.SpyObj<
    Pick<OktaAuth['transactionManager'], 'load' | 'clear'>
  >;
  readonly tokenManager: jasmine.SpyObj<Pick<OktaAuth['tokenManager'], 'clear' | 'getTokensSync'>>;
  readonly revokeAccessToken: jasmine.Spy<OktaAuth['revokeAccessToken']>;
  readonly revokeRefreshToken: jasmine.Spy<OktaAuth['revokeRefreshToken']>;
  /** okta-auth-js's cache of discovery documents and signing keys. */
  readonly httpCache: jasmine.SpyObj<Pick<HttpCache, 'clearStorage'>>;
  readonly storageManager: { readonly getHttpCache: () => Pick<HttpCache, 'clearStorage'> };
  readonly getOriginalUri: jasmine.Spy<OktaAuth['getOriginalUri']>;
  readonly handleLoginRedirect: jasmine.Spy<OktaAuth['handleLoginRedirect']>;
}

function base64Url(json: unknown): string {
  return btoa(JSON.stringify(json)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An ID token as okta-auth-js returns it from the exchange: the JWT text and its claims. */
function idToken(
  claims: Partial<UserClaims> = {},
  header: Record<string, unknown> = { alg: 'RS256', kid: 'key-1' },
): IDToken {
  const allClaims = {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: '00u1abcd',
    iat: NOW - 5,
    exp: NOW + 3600,
    nonce: NONCE,
    ...claims,
  } as UserClaims;
  return {
    idToken: `${base64Url(header)}.${base64Url(allClaims)}.c2lnbmF0dXJl`,
    claims: allClaims,
    issuer: ISSUER,
    clientId: CLIENT_ID,
    expiresAt: NOW + 3600,
    authorizeUrl: `${ISSUER}/v1/authorize`,
    scopes: ['openid', 'profile'],
  };
}

describe('completeSignIn', () => {
  let oktaAuth: FakeOktaAuth;
  let transaction: TransactionMeta;
  let tokens: Tokens;
  /** SessionSync.endSession(), as the callback page passes it. */
  let endSession: jasmine.Spy<() => Promise<void>>;

  beforeEach(() => {
    transaction = {
      issuer: ISSUER,
      clientId: CLIENT_ID,
      redirectUri: CALLBACK,
      responseType: 'code',
      scopes: ['openid', 'profile'],
      state: STATE,
      nonce: NONCE,
      pkce: true,
      codeVerifier: 'verifier',
      urls: {},
    };
    tokens = { idToken: idToken() };
    const httpCache = jasmine.createSpyObj<Pick<HttpCache, 'clearStorage'>>('HttpCache', [
      'clearStorage',
    ]);
    oktaAuth = {
      httpCache,
      storageManager: { getHttpCache: () => httpCache },
      token: { parseFromUrl: jasmine.createSpy('parseFromUrl') },
      transactionManager: jasmine.createSpyObj<
        Pick<OktaAuth['transactionManager'], 'load' | 'clear'>
      >('TransactionManager', ['load', 'clear']),
      tokenManager: jasmine.createSpyObj<Pick<OktaAuth['tokenManager'], 'clear' | 'getTokensSync'>>(
        'TokenManager',
        ['clear', 'getTokensSync'],
      ),
      revokeAccessToken: jasmine.createSpy<OktaAuth['revokeAccessToken']>('revokeAccessToken'),
      revokeRefreshToken: jasmine.createSpy<OktaAuth['revokeRefreshToken']>('revokeRefreshToken'),
      getOriginalUri: jasmine.createSpy<OktaAuth['getOriginalUri']>('getOriginalUri'),
      handleLoginRedirect:
        jasmine.createSpy<OktaAuth['handleLoginRedirect']>('handleLoginRedirect'),
    };
    oktaAuth.transactionManager.load.and.callFake(() => transaction);
    oktaAuth.token.parseFromUrl.and.callFake(() => Promise.resolve({ tokens, state: STATE }));
    oktaAuth.getOriginalUri.and.returnValue('/profile?tab=claims');
    oktaAuth.handleLoginRedirect.and.resolveTo();
    oktaAuth.tokenManager.getTokensSync.and.returnValue({});
    oktaAuth.revokeAccessToken.and.resolveTo({});
    oktaAuth.revokeRefreshToken.and.resolveTo({});
    endSession = jasmine.createSpy('endSession').and.resolveTo();
  });

  afterEach(() => localStorage.removeItem(GENERATION_KEY));

  /** Runs completeSignIn on the callback URL with `search`, at the fixed time NOW. */
  function finish(search: string, authConfig: AuthConfig = config): Promise<SignInOutcome> {
    // The fake implements only what completeSignIn calls; OktaAuth's real types (parseFromUrl
    // carries _getHistory & co., the managers have dozens of members) are too big to fake in full.
    const auth = oktaAuth as unknown as CallbackAuth;
    return completeSignIn(auth, authConfig, `${CALLBACK}${search}`, {
      nowSeconds: () => NOW,
      endSession,
    });
  }

  const RESPONSE = `?code=abc123&state=${STATE}`;

  /** Expects the outcome to be a failure with `message`. */
  async function expectFailure(outcome: Promise<SignInOutcome>, message: string): Promise<void> {
    expect(await outcome).toEqual(jasmine.objectContaining({ ok: false, message }));
  }

  describe('when Okta sends back an error', () => {
    const search = `?error=access_denied&error_description=User%20is%20not%20assigned%20to%20the%20client%20application.&state=${STATE}`;

    it('fails with the description Okta gave', async () => {
      await expectFailure(finish(search), 'User is not assigned to the client application.');
    });

    it('describes the error code when Okta gave no description', async () => {
      await expectFailure(
        finish(`?error=access_denied&state=${STATE}`),
        'Okta denied access to this app. You may not be assigned to it; ask your administrator.',
      );
    });

    it('explains that Okta could not give the assurance a step-up asked for', async () => {
      await expectFailure(
        finish(
          `?error=unmet_authentication_requirements&error_description=Unmet%20requirements&state=${STATE}`,
        ),
        UNMET_REQUIREMENTS_MESSAGE,
      );
      await expectFailure(
        finish(`?error=unmet_authentication_requirements&state=${STATE}`),
        UNMET_REQUIREMENTS_MESSAGE,
      );
    });

    it('fails even when a code came along with the error', async () => {
      await expectFailure(
        finish(`?error=server_error&code=abc123&state=${STATE}`),
        'Okta could not complete the sign-in right now. Please try again in a moment.',
      );
    });

    it('exchanges nothing', async () => {
      await finish(search);

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('clears the transaction', async () => {
      await finish(search);

      expect(oktaAuth.transactionManager.clear).toHaveBeenCalled();
    });

    // Other tabs share the token storage: clearing it here would sign them all out.
    it('leaves an existing session alone', async () => {
      await finish(search);

      expect(oktaAuth.tokenManager.clear).not.toHaveBeenCalled();
    });

    it('clears the discovery documents and keys okta-auth-js cached', async () => {
      await finish(search);

      expect(oktaAuth.httpCache.clearStorage).toHaveBeenCalled();
    });

    it('counts as a failed sign-in (it answers this tab’s own sign-in)', async () => {
      expect(await finish(search)).not.toEqual(jasmine.objectContaining({ foreign: true }));
    });
  });

  // Anyone can link to /login/callback?error=…: only an answer to this tab's own sign-in (its
  // state) is Okta's. Anything else must change nothing and show none of the link's words.
  describe('when an error arrives that no sign-in of this tab asked for', () => {
    const attackerText = 'Your account is locked. Call +1 555 0100 to unlock it.';
    const forged: [string, string, () => void][] = [
      [
        'the state of another sign-in',
        `?error=access_denied&error_description=${encodeURIComponent(attackerText)}&state=state-of-an-attacker`,
        () => undefined,
      ],
      [
        'no state',
        `?error=access_denied&error_description=${encodeURIComponent(attackerText)}`,
        () => undefined,
      ],
      [
        'an empty state',
        `?error=access_denied&error_description=${encodeURIComponent(attackerText)}&state=`,
        () => undefined,
      ],
      [
        'this tab holding no transaction',
        `?error=access_denied&error_description=${encodeURIComponent(attackerText)}&state=${STATE}`,
        () => oktaAuth.transactionManager.load.and.returnValue(null),
      ],
    ];
    for (const [what, search, arrange] of forged) {
      describe(`(${what})`, () => {
        beforeEach(arrange);

        it('says the link did not come from this browser, in words of its own', async () => {
          await expectFailure(finish(search), FOREIGN_LINK);
        });

        it('reports the answer as foreign, so that it is not counted as a failed sign-in', async () => {
          expect(await finish(search)).toEqual(jasmine.objectContaining({ foreign: true }));
        });

        it('leaves the sign-in in progress alone', async () => {
          await finish(search);

          expect(oktaAuth.transactionManager.clear).not.toHaveBeenCalled();
        });

        it('keeps the discovery documents and keys okta-auth-js cached', async () => {
          await finish(search);

          expect(oktaAuth.httpCache.clearStorage).not.toHaveBeenCalled();
        });

        it('exchanges nothing and stores nothing', async () => {
          await finish(search);

          expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
          expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
          expect(oktaAuth.tokenManager.clear).not.toHaveBeenCalled();
        });
      });
    }

    it('never shows the description or the code from the link', async () => {
      const outcome = await finish(
        `?error=${encodeURIComponent(attackerText)}&error_description=${encodeURIComponent(attackerText)}&state=state-of-an-attacker`,
      );

      expect(outcome).toEqual(jasmine.objectContaining({ message: FOREIGN_LINK }));
    });
  });

  describe('when there is no code', () => {
    for (const [what, search] of [
      ['no query at all', ''],
      ['only a state', `?state=${STATE}`],
      ['an empty code', `?code=&state=${STATE}`],
    ]) {
      it(`says there is no sign-in to finish (${what})`, async () => {
        await expectFailure(
          finish(search),
          'There is no sign-in to finish here. Start again from the Sign in button.',
        );
      });
    }

    it('exchanges nothing', async () => {
      await finish(`?state=${STATE}`);

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
    });
  });

  describe('when this tab holds no sign-in transaction', () => {
    beforeEach(() => oktaAuth.transactionManager.load.and.returnValue(null));

    it('says the sign-in was started in another tab or has expired', async () => {
      await expectFailure(finish(RESPONSE), ANOTHER_TAB);
    });

    it('exchanges nothing', async () => {
      await finish(RESPONSE);

      expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
    });
  });

  it('looks the transaction up by the state in the URL', async () => {
    await finish(RESPONSE);

    expect(oktaAuth.transactionManager.load).toHaveBeenCalledOnceWith({ state: STATE });
  });

  describe('when the state does not match the transaction', () => {
    for (const [what, search] of [
      ['another state', '?code=abc123&state=state-of-an-attacker'],
      ['no state', '?code=abc123'],
      ['an empty state', '?code=abc123&state='],
    ]) {
      // A tampered state from the provider and a forged link look the same: neither is this
      // tab's sign-in, so neither may cancel it or count as its failure.
      it(`refuses it as a link from elsewhere, before any exchange (${what})`, async () => {
        expect(await finish(search)).toEqual(
          jasmine.objectContaining({ ok: false, message: FOREIGN_LINK, foreign: true }),
        );
        expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      });

      it(`leaves the sign-in in progress and the cache alone (${what})`, async () => {
        await finish(search);

        expect(oktaAuth.transactionManager.clear).not.toHaveBeenCalled();
        expect(oktaAuth.httpCache.clearStorage).not.toHaveBeenCalled();
      });
    }
  });

  describe('when a link without an error answers no sign-in of this tab', () => {
    for (const [what, search, message] of [
      ['a bare callback', '', NO_SIGN_IN],
      ['an unknown parameter', '?foo=1', NO_SIGN_IN],
      ['a code without a state', '?code=x', FOREIGN_LINK],
      ['a code with a forged state', '?code=x&state=forged', FOREIGN_LINK],
    ]) {
      it(`changes nothing and reports it as foreign (${what})`, async () => {
        expect(await finish(search)).toEqual(
          jasmine.objectContaining({ ok: false, message, foreign: true }),
        );
        expect(oktaAuth.transactionManager.clear).not.toHaveBeenCalled();
        expect(oktaAuth.httpCache.clearStorage).not.toHaveBeenCalled();
        expect(oktaAuth.token.parseFromUrl).not.toHaveBeenCalled();
      });
    }

    it('reports a code for a sign-in this tab no longer holds as foreign, in its own words', async () => {
      oktaAuth.transactionManager.load.and.returnValue(null);

      expect(await finish(RESPONSE)).toEqual(
        jasmine.objectContaining({ ok: false, message: ANOTHER_TAB, foreign: true }),
      );
      expect(oktaAuth.httpCache.clearStorage).not.toHaveBeenCalled();
    });
  });

  describe('when the session ends in another tab while the code is exchanged', () => {
    beforeEach(() => {
      tokens = {
        idToken: idToken(),
        accessToken: {
          accessToken: 'pre-sign-out-access',
          claims: { sub: '00u1abcd' },
          expiresAt: NOW + 3600,
          tokenType: 'Bearer',
          scopes: ['openid'],
          authorizeUrl: `${ISSUER}/v1/authorize`,
          userinfoUrl: `${ISSUER}/v1/userinfo`,
        },
        refreshToken: {
          refreshToken: 'pre-sign-out-refresh',
          expiresAt: NOW + 3600,
          scopes: ['openid'],
          tokenUrl: `${ISSUER}/v1/token`,
          authorizeUrl: `${ISSUER}/v1/authorize`,
          issuer: ISSUER,
        },
      };
      oktaAuth.token.parseFromUrl.and.callFake(() => {
        localStorage.setItem(GENERATION_KEY, '1'); // The user signed out in another tab.
        return Promise.resolve({ tokens, state: STATE });
      });
    });

    it('stores nothing, revokes what the exchange brought, and says why', async () => {
      const outcome = await finish(RESPONSE);

      expect(outcome).toEqual(jasmine.objectContaining({ ok: false }));
      expect((outcome as { message: string }).message).toMatch(/signed out in another tab/);
      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(tokens.refreshToken);
      expect(oktaAuth.revokeAccessToken).toHaveBeenCalledWith(tokens.accessToken);
    });
  });

  describe('the exchange', () => {
    it('is asked of okta-auth-js with the callback URL, once', async () => {
      await finish(RESPONSE);

      expect(oktaAuth.token.parseFromUrl).toHaveBeenCalledOnceWith({
        url: `${CALLBACK}${RESPONSE}`,
      });
    });

    it('fails with the sentence describeSignInError makes of an OAuth error', async () => {
      const error = { errorCode: 'invalid_grant', errorSummary: 'PKCE verification failed.' };
      oktaAuth.token.parseFromUrl.and.rejectWith(error);

      await expectFailure(finish(RESPONSE), describeSignInError(error));
    });

    it('fails with the message of an error such as a timeout', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new Error('Okta did not answer within 15 seconds.'),
      );

      await expectFailure(finish(RESPONSE), 'Okta did not answer within 15 seconds.');
    });

    it('explains a lost PKCE verifier as a sign-in from another tab', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new Error('Could not load PKCE codeVerifier from storage.'),
      );

      await expectFailure(finish(RESPONSE), ANOTHER_TAB);
    });

    it('fails with a security-check message when okta-auth-js refuses what Okta sent', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new AuthSdkError("OAuth flow response nonce doesn't match request nonce"),
      );

      await expectFailure(
        finish(RESPONSE),
        securityCheck("OAuth flow response nonce doesn't match request nonce"),
      );
    });

    it('drops the final period of okta-auth-js’s message inside the security-check sentence', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new AuthSdkError('The token signature is invalid.'),
      );

      await expectFailure(finish(RESPONSE), securityCheck('The token signature is invalid'));
    });

    it('explains a lost PKCE verifier from okta-auth-js as another tab, not as a security problem', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new AuthSdkError(
          'Could not load PKCE codeVerifier from storage. This may indicate the auth flow has already completed or multiple auth flows are executing concurrently.',
        ),
      );

      await expectFailure(finish(RESPONSE), ANOTHER_TAB);
    });

    it('does not call an unanswered request (AuthApiError) a security problem', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(
        new AuthApiError({ errorSummary: 'Okta did not answer within 15 seconds.' }),
      );

      await expectFailure(finish(RESPONSE), 'Okta did not answer within 15 seconds.');
    });

    it('stores no tokens when it fails', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(new Error('Failed to fetch'));

      await finish(RESPONSE);

      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('clears the transaction when it fails, so the code is never tried again', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(new Error('Failed to fetch'));

      await finish(RESPONSE);

      expect(oktaAuth.transactionManager.clear).toHaveBeenCalled();
    });
  });

  describe('the ID token checks', () => {
    it('fail when Okta sent no ID token', async () => {
      tokens = {};

      await expectFailure(finish(RESPONSE), securityCheck('Okta sent no ID token'));
    });

    const badTokens: [string, () => IDToken, string][] = [
      [
        'an unsigned token (alg: none)',
        () => idToken({}, { alg: 'none', kid: 'key-1' }),
        'the ID token is signed with none, not RS256',
      ],
      [
        'an HS256 token',
        () => idToken({}, { alg: 'HS256', kid: 'key-1' }),
        'the ID token is signed with HS256, not RS256',
      ],
      [
        'a nonce from another sign-in',
        () => idToken({ nonce: 'nonce-of-another-sign-in' }),
        'the ID token does not belong to this sign-in',
      ],
      [
        'a token from another issuer than the configured one',
        () => idToken({ iss: 'https://evil.example/oauth2/default' }),
        'the ID token comes from another issuer',
      ],
      [
        'a token for another application',
        () => idToken({ aud: '0oaOTHERCLIENT' }),
        'the ID token was issued to another application',
      ],
      [
        'a token that expired beyond the clock skew',
        () => idToken({ exp: NOW - MAX_CLOCK_SKEW_SECONDS - 1 }),
        'the ID token has expired',
      ],
    ];
    for (const [what, makeToken, problem] of badTokens) {
      describe(`with ${what}`, () => {
        beforeEach(() => (tokens = { idToken: makeToken() }));

        it('fail with a security-check message', async () => {
          await expectFailure(finish(RESPONSE), securityCheck(problem));
        });

        it('store no tokens', async () => {
          await finish(RESPONSE);

          expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
        });

        it('leave the session other tabs share alone', async () => {
          await finish(RESPONSE);

          expect(oktaAuth.tokenManager.clear).not.toHaveBeenCalled();
        });

        it('forget the discovery documents and keys that okta-auth-js cached', async () => {
          await finish(RESPONSE);

          expect(oktaAuth.httpCache.clearStorage).toHaveBeenCalled();
        });
      });
    }

    it('expect the nonce of the stored transaction', async () => {
      transaction = { ...transaction, nonce: 'nonce-of-this-tab' };
      tokens = { idToken: idToken({ nonce: 'nonce-of-this-tab' }) };

      expect(await finish(RESPONSE)).toEqual({ ok: true });
    });

    it('expect the configured client id', async () => {
      tokens = { idToken: idToken({ aud: '0oaOTHERCLIENT' }) };

      expect(await finish(RESPONSE, { ...config, clientId: '0oaOTHERCLIENT' })).toEqual({
        ok: true,
      });
    });

    it('tolerate okta-auth-js’s clock skew of 300 seconds', async () => {
      tokens = { idToken: idToken({ exp: NOW - 299 }) };

      expect(MAX_CLOCK_SKEW_SECONDS).toBe(300);
      expect(await finish(RESPONSE)).toEqual({ ok: true });
    });
  });

  describe('after a step-up sign-in', () => {
    const { oneFactor: ONE, twoFactors: TWO } = OKTA_ACR;
    /** Where the step-up guard keeps the step-up this tab started (step-up.ts). */
    const STEP_UP_KEY = 'app.step-up';
    const stepUp = () => JSON.parse(sessionStorage.getItem(STEP_UP_KEY) ?? 'null') as unknown;

    beforeEach(() =>
      sessionStorage.setItem(
        STEP_UP_KEY,
        JSON.stringify({ state: STATE, acrValues: TWO, maxAge: 900 }),
      ),
    );
    afterEach(() => sessionStorage.removeItem(STEP_UP_KEY));

    it('fails with a security-check message, storing no tokens, when the acr is weaker than asked', async () => {
      tokens = { idToken: idToken({ acr: ONE, auth_time: NOW - 10 }) };

      await expectFailure(
        finish(RESPONSE),
        securityCheck(`its acr "${ONE}" does not meet "${TWO}"`),
      );
      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('revokes the tokens of a refused step-up answer: nothing it brought stays usable', async () => {
      tokens = {
        idToken: idToken({ acr: ONE, auth_time: NOW - 10 }),
        accessToken: { accessToken: 'weak-access' } as Tokens['accessToken'],
        refreshToken: { refreshToken: 'weak-refresh' } as Tokens['refreshToken'],
      };

      await finish(RESPONSE);

      expect(oktaAuth.revokeRefreshToken).toHaveBeenCalledWith(tokens.refreshToken);
      expect(oktaAuth.revokeAccessToken).toHaveBeenCalledWith(tokens.accessToken);
    });

    it('fails when max_age was sent and the ID token has no auth_time', async () => {
      tokens = { idToken: idToken({ acr: TWO }) };

      await expectFailure(
        finish(RESPONSE),
        securityCheck('it has no auth_time although max_age was sent'),
      );
      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('signs in, and records the step-up as completed, when the ID token meets it', async () => {
      tokens = { idToken: idToken({ acr: TWO, auth_time: NOW - 10 }) };

      expect(await finish(RESPONSE)).toEqual({ ok: true });
      expect(stepUp()).toEqual(jasmine.objectContaining({ state: STATE, completedAt: NOW }));
    });

    // Storing the tokens navigates back to the page (restoreOriginalUri), whose step-up guard then
    // judges the new tokens: it must know this step-up completed, or it would start it again.
    it('records the step-up as completed before the tokens are stored and the page reopens', async () => {
      tokens = { idToken: idToken({ acr: TWO, auth_time: NOW - 10 }) };
      let seenByThePage: unknown;
      oktaAuth.handleLoginRedirect.and.callFake(async () => {
        seenByThePage = stepUp();
      });

      await finish(RESPONSE);

      expect(seenByThePage).toEqual(jasmine.objectContaining({ state: STATE, completedAt: NOW }));
    });

    it('forgets the step-up when storing the tokens fails, so that it is no loop to repeat it', async () => {
      tokens = { idToken: idToken({ acr: TWO, auth_time: NOW - 10 }) };
      oktaAuth.handleLoginRedirect.and.rejectWith(new Error('Storage is full.'));

      await finish(RESPONSE);

      expect(stepUp()).toBeNull();
    });

    it('does not hold the answer to another sign-in to it', async () => {
      sessionStorage.setItem(
        STEP_UP_KEY,
        JSON.stringify({ state: 'state-of-another-sign-in', acrValues: TWO, maxAge: 900 }),
      );
      tokens = { idToken: idToken({ acr: ONE }) };

      expect(await finish(RESPONSE)).toEqual({ ok: true });
      expect(stepUp()).toEqual({ state: 'state-of-another-sign-in', acrValues: TWO, maxAge: 900 });
    });
  });

  describe('on success', () => {
    it('stores the tokens and returns to the page the user asked for', async () => {
      await finish(RESPONSE);

      expect(oktaAuth.handleLoginRedirect).toHaveBeenCalledOnceWith(tokens, '/profile?tab=claims');
    });

    it('asks for the page stored under the state of this sign-in', async () => {
      await finish(RESPONSE);

      expect(oktaAuth.getOriginalUri).toHaveBeenCalledWith(STATE);
    });

    it('reports success', async () => {
      expect(await finish(RESPONSE)).toEqual({ ok: true });
    });

    it('clears neither the tokens, the transaction nor the cache', async () => {
      await finish(RESPONSE);

      expect(oktaAuth.tokenManager.clear).not.toHaveBeenCalled();
      expect(oktaAuth.transactionManager.clear).not.toHaveBeenCalled();
      expect(oktaAuth.httpCache.clearStorage).not.toHaveBeenCalled();
    });

    const returnPaths: [string, string | undefined, string][] = [
      ['a protocol-relative URL', '//evil.example', '/'],
      ['an absolute URL on another origin', 'https://evil.example/profile', '/'],
      ['a backslash trick', '/\\evil.example', '/'],
      ['nothing stored', undefined, '/'],
      ['an absolute URL on the callback’s origin', `${ORIGIN}/messages?page=2`, '/messages?page=2'],
    ];
    for (const [what, originalUri, expected] of returnPaths) {
      it(`returns to ${expected} when the stored page is ${what}`, async () => {
        oktaAuth.getOriginalUri.and.returnValue(originalUri);

        await finish(RESPONSE);

        expect(oktaAuth.handleLoginRedirect).toHaveBeenCalledOnceWith(tokens, expected);
      });
    }

    it('fails, keeping no tokens, when storing them fails', async () => {
      oktaAuth.handleLoginRedirect.and.rejectWith(new Error('Storage is full.'));

      await expectFailure(finish(RESPONSE), 'Storage is full.');
      expect(oktaAuth.tokenManager.clear).toHaveBeenCalled();
      expect(endSession).not.toHaveBeenCalled(); // Nothing was stored, so nothing was shared.
    });

    it('ends the session everywhere when the tokens were stored but the way back failed', async () => {
      oktaAuth.handleLoginRedirect.and.callFake(async () => {
        oktaAuth.tokenManager.getTokensSync.and.returnValue(tokens); // Stored, maybe shared.
        throw new Error('Navigation failed.');
      });

      await expectFailure(finish(RESPONSE), 'Navigation failed.');
      expect(endSession).toHaveBeenCalled();
    });
  });

  describe('the page to return to after a failure', () => {
    it('is the page the user asked for', async () => {
      oktaAuth.token.parseFromUrl.and.rejectWith(new Error('Failed to fetch'));

      expect(await finish(RESPONSE)).toEqual(
        jasmine.objectContaining({ ok: false, returnTo: '/profile?tab=claims' }),
      );
    });

    it('is that page too when Okta sent back an error', async () => {
      expect(await finish(`?error=access_denied&state=${STATE}`)).toEqual(
        jasmine.objectContaining({ ok: false, returnTo: '/profile?tab=claims' }),
      );
    });

    it('is the home page when the stored page is on another site', async () => {
      oktaAuth.getOriginalUri.and.returnValue('//evil.example');

      expect(await finish(`?error=access_denied&state=${STATE}`)).toEqual(
        jasmine.objectContaining({ ok: false, returnTo: '/' }),
      );
    });

    it('is this tab’s last requested page when the answer carries no state', async () => {
      oktaAuth.getOriginalUri.and.callFake((state) => (state ? '/profile' : '/messages'));

      expect(await finish('?error=access_denied')).toEqual(
        jasmine.objectContaining({ ok: false, returnTo: '/messages' }),
      );
    });

    it('is the home page when nothing was stored', async () => {
      oktaAuth.getOriginalUri.and.returnValue(undefined);

      expect(await finish(`?error=access_denied&state=${STATE}`)).toEqual(
        jasmine.objectContaining({ ok: false, returnTo: '/' }),
      );
    });
  });
});
