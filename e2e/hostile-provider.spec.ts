import {
  E2E,
  expect,
  expectRefusedSignIn,
  expectStableCount,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
  tryAgainAndSucceed,
} from './fixtures';
import { Faults } from './provider-faults';

/**
 * The hostile-provider matrix (SECURITY.md): the provider misbehaves in one way per case, and the
 * app must (1) say clearly what happened, (2) keep no token, (3) not loop back to Okta, and (4) let
 * the user try again successfully once the provider behaves.
 */

const RETURN_TO = '/profile?tab=claims';
const SECURITY_CHECK = /failed a security check/;

/** Cases where the provider's token response (or what validates it) is bad. */
const TOKEN_CASES: { name: string; faults: Faults; message: RegExp }[] = [
  { name: 'a bad RS256 signature', faults: { idTokenSignature: 'corrupt' }, message: /signature/i },
  {
    name: 'alg: none',
    faults: { idTokenSignature: 'alg-none' },
    message: /none|algorithm|signature|security/i,
  },
  {
    name: 'HS256 signed with the public key',
    faults: { idTokenSignature: 'hs256-public-key' },
    message: /HS256|algorithm|signature|security/i,
  },
  {
    name: 'a wrong aud',
    faults: { idToken: { set: { aud: 'someone-else' } } },
    message: /aud|another application|security/i,
  },
  {
    name: 'an aud array without our client id',
    faults: { idToken: { set: { aud: ['someone-else', 'another-one'] } } },
    message: /aud|another application|security/i,
  },
  {
    name: 'a wrong iss',
    faults: { idToken: { set: { iss: 'http://localhost:1/oauth2/default' } } },
    message: /iss|another issuer|security/i,
  },
  {
    name: 'a discovery issuer that differs from the configured one',
    faults: { discoveryIssuer: 'http://localhost:1/oauth2/default' },
    message: /iss|issuer|security/i,
  },
  {
    name: 'a wrong nonce',
    faults: { idToken: { set: { nonce: 'not-this-sign-in' } } },
    message: SECURITY_CHECK,
  },
  { name: 'a missing nonce', faults: { idToken: { remove: ['nonce'] } }, message: SECURITY_CHECK },
  {
    name: 'exp in the past beyond the allowed clock skew',
    faults: { idToken: { set: { exp: 'now-600', iat: 'now-4200' } } },
    message: /expired|security/i,
  },
  {
    name: 'iat in the future',
    faults: { idToken: { set: { iat: 'now+600', exp: 'now+4200' } } },
    message: /future|issued|security/i,
  },
  { name: 'a missing exp', faults: { idToken: { remove: ['exp'] } }, message: SECURITY_CHECK },
  { name: 'a missing iat', faults: { idToken: { remove: ['iat'] } }, message: SECURITY_CHECK },
  { name: 'a missing sub', faults: { idToken: { remove: ['sub'] } }, message: SECURITY_CHECK },
  {
    name: 'a wrong at_hash',
    faults: { idToken: { set: { at_hash: 'wrong' } } },
    message: /hash|security/i,
  },
  {
    name: 'a token response without an id_token',
    faults: { tokenResponse: 'omit-id-token' },
    message: /security check.*id_token/,
  },
  { name: 'a token endpoint that answers 500', faults: { tokenStatus: 500 }, message: /HTTP 500/ },
  {
    name: 'a token endpoint that stalls past the timeout',
    faults: { tokenStallMs: 20_000 },
    message: /did not answer within 3 seconds/,
  },
  { name: 'a JWKS that answers 500', faults: { keysStatus: 500 }, message: /HTTP 500/ },
];

test.describe('hostile provider', () => {
  for (const { name, faults: active, message } of TOKEN_CASES) {
    test(`refuses ${name}, explains, keeps no token and lets the user try again`, async ({
      page,
      faults,
    }) => {
      await faults.set(active);
      await page.goto(RETURN_TO);
      await signInAtProvider(page, TEST_USER);
      await expectRefusedSignIn(page, faults, message);
      await faults.clear();
      await tryAgainAndSucceed(page, RETURN_TO);
    });
  }

  test('explains a discovery document that answers 500 without leaving the app', async ({
    page,
    faults,
  }) => {
    await faults.set({ discoveryStatus: 500 });
    await page.goto(RETURN_TO);
    // okta-auth-js reads discovery before redirecting, so the sign-in never reaches Okta.
    await expectRefusedSignIn(page, faults, /HTTP 500/, { authorize: 0 });
    await faults.clear();
    await tryAgainAndSucceed(page, RETURN_TO);
  });

  test('refuses an unknown kid, then accepts the rotated key', async ({ page, faults }) => {
    await faults.set({ idTokenSignature: 'unknown-kid' });
    await page.goto(RETURN_TO);
    await signInAtProvider(page, TEST_USER);
    await expectRefusedSignIn(page, faults, /key|kid|security/i);
    await faults.clear();
    await faults.rotateKeys();
    await tryAgainAndSucceed(page, RETURN_TO);
  });

  test('shows the description of error=access_denied and lets the user try again', async ({
    page,
    faults,
  }) => {
    await faults.set({
      authorizeError: {
        error: 'access_denied',
        description: 'User is not assigned to the client application.',
      },
    });
    await page.goto(RETURN_TO);
    await expectRefusedSignIn(page, faults, /^User is not assigned to the client application\.$/);
    await faults.clear();
    await tryAgainAndSucceed(page, RETURN_TO);
  });

  test('explains error=access_denied without a description', async ({ page, faults }) => {
    await faults.set({ authorizeError: { error: 'access_denied' } });
    await page.goto(RETURN_TO);
    await expectRefusedSignIn(page, faults, /Okta denied access to this app/);
    await faults.clear();
    await tryAgainAndSucceed(page, RETURN_TO);
  });

  test('stops after two failed sign-ins in a row instead of looping', async ({ page, faults }) => {
    await faults.set({ authorizeError: { error: 'access_denied' } });
    await page.goto(RETURN_TO);
    await expectRefusedSignIn(page, faults, /Okta denied access/);
    await page.getByRole('link', { name: 'Messages' }).click();
    await expect(page.getByText('Sign-in failed twice in a row')).toBeVisible();
    // Another guarded page now explains instead of sending the browser to Okta a third time.
    await page.getByRole('link', { name: 'Profile' }).click();
    await expect(page.getByText('Sign-in failed twice in a row')).toBeVisible();
    await expectStableCount(faults, 'authorize', 2);
    expect(await storedTokens(page)).toEqual([]);
    await faults.clear();
    await tryAgainAndSucceed(page, '/messages');
  });

  for (const callbackState of ['tampered', 'missing']) {
    test(`refuses a ${callbackState} state without exchanging the code`, async ({
      page,
      faults,
    }) => {
      await faults.set({ callbackState });
      await page.goto(RETURN_TO);
      await signInAtProvider(page, TEST_USER);
      // A tampered state is indistinguishable from a forged link: refused as one, nothing exchanged.
      await expectRefusedSignIn(page, faults, /did not come from this browser/);
      expect((await faults.stats()).tokenGrants['authorization_code'] ?? 0).toBe(0);
      await faults.clear();
      await tryAgainAndSucceed(page, RETURN_TO);
    });
  }

  test('refuses userinfo for another sub and ends the local session', async ({
    signedIn: page,
    faults,
  }) => {
    await faults.set({ userinfo: { set: { sub: '00usomeoneelse0000001' } } });
    await page.getByRole('button', { name: 'Load userinfo' }).click();
    await expect(page.getByRole('alert')).toContainText('different user');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(await storedTokens(page)).toEqual([]);
    await faults.clear();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
  });

  test('signs out completely even when /v1/revoke answers 500', async ({
    signedIn: page,
    faults,
  }) => {
    await faults.set({ revokeStatus: 500 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${E2E.appOrigin}/`);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(await storedTokens(page)).toEqual([]);
    const stats = await faults.stats();
    expect(stats.revoke).toBeGreaterThan(0);
    expect(stats.logout).toBe(1);
  });
});
