// Step-up authentication against a started provider, as an app drives it: Okta's acr_values and
// max_age at /v1/authorize, the TOTP code page they call for, and the acr, amr and auth_time the
// tokens then carry, through a refresh too. Unit tests of the codes themselves: totp.test.mjs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';

import { ACR } from './acr.mjs';
import { DEMO_USERS } from './accounts.mjs';
import {
  appAuthorizeUrl,
  createBrowser,
  exchangeCode,
  formAction,
  isCodePage,
  navigate,
  refresh,
  signIn,
} from './testing/oidc-client.mjs';
import { authenticatorApp, bearerProviderOptions, useDevProvider } from './testing/provider.mjs';
import { MAX_WRONG_CODES, totpCode } from './totp.mjs';

const APP = 'http://localhost:4200';
const CLIENT = { id: '0oastepupclient00001', redirectUri: `${APP}/login/callback` };
const PASSWORD = 'Step-Up-Passw0rd!';
const [ADA, GRACE] = DEMO_USERS;
const SCOPE = 'openid profile email offline_access';
const TWO_FACTORS = { acr_values: ACR.twoFactors };

function useProvider(options = {}) {
  return useDevProvider({ ...bearerProviderOptions(CLIENT, PASSWORD), ...options });
}

/**
 * Signs `user` in from `browser` with the authorization request's extra `params`, exchanges the
 * code, and decodes both tokens.
 */
async function signInForClaims(issuer, { browser = createBrowser(), user = ADA, params, otp }) {
  const callback = await signIn(browser, {
    issuer,
    client: CLIENT,
    user: { username: user.email, password: PASSWORD },
    scope: SCOPE,
    params,
    otp,
  });
  assert.equal(callback.error, undefined, callback.error_description);
  const { response, body } = await exchangeCode(issuer, {
    client: CLIENT,
    code: callback.code,
    verifier: callback.verifier,
  });
  assert.equal(response.status, 200, JSON.stringify(body));
  return {
    pages: callback.pages,
    tokens: body,
    id: decodeJwt(body.id_token),
    access: decodeJwt(body.access_token),
  };
}

/** The authorization request, up to the code page after a right password. */
async function openCodePage(issuer, { browser = createBrowser(), user = ADA } = {}) {
  const start = await navigate(
    browser,
    appAuthorizeUrl(issuer, { client: CLIENT, scope: SCOPE }, TWO_FACTORS),
  );
  const page = await navigate(browser, formAction(start.html, start.url), {
    method: 'POST',
    form: { username: user.email, password: PASSWORD },
  });
  assert.ok(isCodePage(page.html), page.html);
  return { browser, page };
}

function submitCode(browser, page, otp) {
  return navigate(browser, formAction(page.html, page.url), {
    method: 'POST',
    form: { otp },
    stopAt: CLIENT.redirectUri,
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A user's authenticator gives two codes per 30 seconds without waiting (authenticatorApp), so
// the tests spread theirs over the users and over providers, which each remember their own.
describe('acr_values and the second factor', { timeout: 30_000 }, () => {
  const ctx = useProvider();
  const ada = authenticatorApp(ADA.totpSecret);
  const grace = authenticatorApp(GRACE.totpSecret);

  test('without acr_values: the password only, auth_time in both tokens and acr in neither, as Okta', async () => {
    const { pages, id, access } = await signInForClaims(ctx.issuer, {});
    assert.deepEqual(pages, ['password']);
    assert.deepEqual(id.amr, ['pwd']);
    assert.equal(typeof id.auth_time, 'number');
    assert.equal(access.auth_time, id.auth_time);
    assert.equal('acr' in id, false);
    assert.equal('acr' in access, false);
  });

  for (const acr of [ACR.oneFactor, ACR.password]) {
    test(`${acr}: the password only, and both tokens carry that acr`, async () => {
      const { pages, id, access } = await signInForClaims(ctx.issuer, {
        params: { acr_values: acr },
      });
      assert.deepEqual(pages, ['password']);
      assert.equal(id.acr, acr);
      assert.deepEqual(id.amr, ['pwd']);
      assert.equal(access.acr, acr);
      assert.equal(access.auth_time, id.auth_time);
    });
  }

  for (const acr of [ACR.twoFactors, ACR.twoFactorsIfPossible]) {
    test(`${acr}: the code after the password; acr ${acr} and amr pwd, otp, mfa`, async () => {
      const { pages, id, access } = await signInForClaims(ctx.issuer, {
        params: { acr_values: acr },
        otp: ada,
      });
      assert.deepEqual(pages, ['password', 'code']);
      assert.equal(id.acr, acr);
      assert.deepEqual(id.amr, ['pwd', 'otp', 'mfa']);
      assert.equal(access.acr, acr);
      assert.equal(access.auth_time, id.auth_time);
      assert.ok(Math.abs(id.auth_time - Date.now() / 1000) < 5, 'authenticated just now');
    });
  }

  test('a session with the password only is asked for the code alone, then not at all', async () => {
    const browser = createBrowser();
    const first = await signInForClaims(ctx.issuer, { browser, user: GRACE });
    assert.deepEqual(first.pages, ['password']);

    const stepUp = await signInForClaims(ctx.issuer, {
      browser,
      user: GRACE,
      params: TWO_FACTORS,
      otp: grace,
    });
    assert.deepEqual(stepUp.pages, ['code']);
    assert.equal(stepUp.id.sub, GRACE.id);
    assert.equal(stepUp.id.acr, ACR.twoFactors);
    assert.deepEqual(stepUp.id.amr, ['pwd', 'otp', 'mfa']);

    const again = await signInForClaims(ctx.issuer, { browser, user: GRACE, params: TWO_FACTORS });
    assert.deepEqual(again.pages, [], 'single sign-on: the session has both factors');
    assert.equal(again.id.acr, ACR.twoFactors);

    // Each authorization carries the acr it asked for, not the session's strongest.
    const oneFactor = await signInForClaims(ctx.issuer, {
      browser,
      user: GRACE,
      params: { acr_values: ACR.oneFactor },
    });
    assert.deepEqual(oneFactor.pages, []);
    assert.equal(oneFactor.id.acr, ACR.oneFactor);
    assert.deepEqual(oneFactor.id.amr, ['pwd', 'otp', 'mfa']);
    const none = await signInForClaims(ctx.issuer, { browser, user: GRACE });
    assert.equal('acr' in none.id, false);
  });

  test('the first value the provider can meet is chosen, and values Okta does not define are ignored', async () => {
    const chosen = await signInForClaims(ctx.issuer, {
      params: { acr_values: `urn:example:gold ${ACR.phishingResistant} ${ACR.twoFactors}` },
      user: GRACE,
      otp: grace,
    });
    assert.deepEqual(chosen.pages, ['password', 'code']);
    assert.equal(chosen.id.acr, ACR.twoFactors);

    const unknown = await signInForClaims(ctx.issuer, {
      params: { acr_values: 'urn:example:gold' },
    });
    assert.deepEqual(unknown.pages, ['password']);
    assert.equal('acr' in unknown.id, false);
  });
});

describe('refresh', { timeout: 30_000 }, () => {
  const ctx = useProvider();
  const ada = authenticatorApp(ADA.totpSecret);

  test('a refreshed access token and ID token keep the acr, amr and auth_time of the sign-in', async () => {
    const { tokens, id, access } = await signInForClaims(ctx.issuer, {
      params: TWO_FACTORS,
      otp: ada,
    });
    await sleep(1100);
    const { response, body } = await refresh(ctx.issuer, {
      client: CLIENT,
      refreshToken: tokens.refresh_token,
      scope: SCOPE,
    });
    assert.equal(response.status, 200, JSON.stringify(body));
    const refreshedId = decodeJwt(body.id_token);
    const refreshedAccess = decodeJwt(body.access_token);
    assert.ok(refreshedAccess.iat > access.iat, 'a new access token');
    assert.equal(refreshedId.acr, ACR.twoFactors);
    assert.deepEqual(refreshedId.amr, id.amr);
    assert.equal(refreshedId.auth_time, id.auth_time);
    assert.equal(refreshedAccess.acr, ACR.twoFactors);
    assert.equal(refreshedAccess.auth_time, access.auth_time);
  });
});

describe('max_age', { timeout: 30_000 }, () => {
  const ctx = useProvider();
  const ada = authenticatorApp(ADA.totpSecret);

  test('an authentication older than max_age asks for the password again, and the code too when two factors are asked', async () => {
    const browser = createBrowser();
    const first = await signInForClaims(ctx.issuer, { browser, params: TWO_FACTORS, otp: ada });
    assert.deepEqual(first.pages, ['password', 'code']);

    const fresh = await signInForClaims(ctx.issuer, {
      browser,
      params: { ...TWO_FACTORS, max_age: '300' },
    });
    assert.deepEqual(fresh.pages, [], 'authenticated within max_age');
    assert.equal(fresh.id.auth_time, first.id.auth_time);

    // oidc-provider counts whole seconds: max_age=0 needs the clock to have moved on.
    await sleep(1100);
    const stale = await signInForClaims(ctx.issuer, {
      browser,
      params: { ...TWO_FACTORS, max_age: '0' },
      otp: ada,
    });
    assert.deepEqual(stale.pages, ['password', 'code']);
    assert.ok(stale.id.auth_time > first.id.auth_time);
    assert.equal(stale.access.auth_time, stale.id.auth_time);
    assert.deepEqual(stale.id.amr, ['pwd', 'otp', 'mfa']);

    await sleep(1100);
    const oneFactor = await signInForClaims(ctx.issuer, { browser, params: { max_age: '0' } });
    assert.deepEqual(oneFactor.pages, ['password']);
    assert.deepEqual(oneFactor.id.amr, ['pwd']);
    assert.ok(oneFactor.id.auth_time > stale.id.auth_time);
  });
});

describe('requirements the provider cannot meet', { timeout: 30_000 }, () => {
  const ctx = useProvider();

  for (const acr of [ACR.phishingResistant, ACR.phishingResistantHardware]) {
    test(`${acr} is answered at the redirect URI with unmet_authentication_requirements and state, without a sign-in page`, async () => {
      const answer = await navigate(
        createBrowser(),
        appAuthorizeUrl(ctx.issuer, { client: CLIENT, scope: SCOPE }, { acr_values: acr }),
        { stopAt: CLIENT.redirectUri },
      );
      assert.ok(answer.location, answer.html);
      const params = new URL(answer.location).searchParams;
      assert.equal(params.get('error'), 'unmet_authentication_requirements');
      assert.match(params.get('error_description'), new RegExp(`\\(${acr}\\)`));
      assert.equal(params.get('state'), 'st4te');
      assert.equal(params.get('iss'), ctx.issuer);
      assert.equal(params.get('code'), null);
    });
  }

  test('a signed-in session gets the same answer, not a sign-in page', async () => {
    const browser = createBrowser();
    await signInForClaims(ctx.issuer, { browser });
    const answer = await navigate(
      browser,
      appAuthorizeUrl(ctx.issuer, { client: CLIENT, scope: SCOPE }, { acr_values: 'phr' }),
      { stopAt: CLIENT.redirectUri },
    );
    assert.equal(
      new URL(answer.location).searchParams.get('error'),
      'unmet_authentication_requirements',
    );
  });

  test('prompt=none cannot step up: login_required at the redirect URI', async () => {
    const browser = createBrowser();
    await signInForClaims(ctx.issuer, { browser });
    const answer = await navigate(
      browser,
      appAuthorizeUrl(
        ctx.issuer,
        { client: CLIENT, scope: SCOPE },
        {
          ...TWO_FACTORS,
          prompt: 'none',
        },
      ),
      { stopAt: CLIENT.redirectUri },
    );
    const params = new URL(answer.location).searchParams;
    assert.equal(params.get('error'), 'login_required');
    assert.equal(params.get('state'), 'st4te');
  });
});

describe('wrong codes', { timeout: 30_000 }, () => {
  const ctx = useProvider({ lockoutSeconds: 2 });

  test('the code page is labelled for assistive technology and for one-time-code autofill', async () => {
    const { page } = await openCodePage(ctx.issuer);
    assert.match(page.html, /<title>Enter a code<\/title>/);
    assert.match(page.html, /<label for="otp">Code<\/label>/);
    assert.match(
      page.html,
      /<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code"/,
    );
    assert.match(page.html, /for ada@example\.com\./);
    assert.doesNotMatch(page.html, /role="alert"/);
  });

  test('a wrong code shows the page again with an alert and the tries left; the right code then signs in', async () => {
    const { browser, page } = await openCodePage(ctx.issuer, { user: GRACE });
    const wrong = await submitCode(browser, page, '000000');
    assert.equal(wrong.status, 200);
    assert.ok(isCodePage(wrong.html));
    assert.match(
      wrong.html,
      /<p class="error" role="alert" id="code-error">That code is not right\. [^<]*\(4 tries left before it is locked\)\.<\/p>/,
    );
    assert.match(wrong.html, /aria-describedby="code-hint code-error"/);

    const right = await submitCode(browser, wrong, totpCode(GRACE.totpSecret));
    assert.ok(right.location?.startsWith(CLIENT.redirectUri), right.html);
    assert.ok(new URL(right.location).searchParams.get('code'));
  });

  test(`${MAX_WRONG_CODES} wrong codes lock the authenticator: even the right code is refused until the lockout passes`, async () => {
    const { browser, page } = await openCodePage(ctx.issuer);
    let answer = { ...page };
    for (let attempt = 1; attempt <= MAX_WRONG_CODES; attempt += 1) {
      answer = await submitCode(browser, answer, '123 456');
    }
    assert.match(
      answer.html,
      /role="alert" id="code-error">Too many wrong codes: your authenticator is locked for 2 seconds\./,
    );

    const right = await submitCode(browser, answer, totpCode(ADA.totpSecret));
    assert.ok(isCodePage(right.html), 'still locked');
    assert.match(right.html, /is locked for \d seconds?\./);
    const reloaded = await navigate(browser, answer.url);
    assert.match(reloaded.html, /is locked for/);

    await sleep(2100);
    const unlocked = await submitCode(browser, right, totpCode(ADA.totpSecret));
    assert.ok(unlocked.location?.startsWith(CLIENT.redirectUri), unlocked.html);
  });

  test('"Back to the application" ends the sign-in with access_denied at the redirect URI', async () => {
    const { browser, page } = await openCodePage(ctx.issuer, { user: GRACE });
    const back = await navigate(browser, formAction(page.html, page.url), {
      method: 'POST',
      form: { cancel: 'yes' },
      stopAt: CLIENT.redirectUri,
    });
    const params = new URL(back.location).searchParams;
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('error_description'), 'The user did not finish signing in.');
    assert.equal(params.get('state'), 'st4te');
    assert.equal(browser.jar.names().includes('dev_provider_session'), false);
  });

  test('a code is accepted once: the same code is then refused, in another browser too', async () => {
    // The next step's code: accepted already (one step of drift either way), and unlike the
    // current one, not used by the tests above.
    const code = totpCode(GRACE.totpSecret, { time: Date.now() + 30_000 });
    const first = await openCodePage(ctx.issuer, { user: GRACE });
    const accepted = await submitCode(first.browser, first.page, code);
    assert.ok(accepted.location?.startsWith(CLIENT.redirectUri), accepted.html);

    const second = await openCodePage(ctx.issuer, { user: GRACE });
    const reused = await submitCode(second.browser, second.page, code);
    assert.ok(isCodePage(reused.html));
    assert.match(
      reused.html,
      /role="alert" id="code-error">That code has already been used\. Wait for the next code and enter it\.<\/p>/,
    );
  });
});

describe('DEV_PROVIDER_TOTP_SECRET', { timeout: 30_000 }, () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const ctx = useProvider({ totpSecret: secret });

  test("replaces every demo user's own secret", async () => {
    const { browser, page } = await openCodePage(ctx.issuer);
    const own = await submitCode(browser, page, totpCode(ADA.totpSecret));
    assert.match(own.html, /That code is not right/);
    const set = await submitCode(browser, own, totpCode(secret));
    assert.ok(set.location?.startsWith(CLIENT.redirectUri), set.html);
  });
});

describe('the fault switch reset', { timeout: 30_000 }, () => {
  const ctx = useProvider({ faults: true, lockoutSeconds: 300 });

  test('forgets used codes and lockouts, so each e2e test can sign in with the current code', async () => {
    const code = totpCode(GRACE.totpSecret);
    const first = await openCodePage(ctx.issuer, { user: GRACE });
    const accepted = await submitCode(first.browser, first.page, code);
    assert.ok(accepted.location?.startsWith(CLIENT.redirectUri), accepted.html);
    const locked = await openCodePage(ctx.issuer);
    let answer = { ...locked.page };
    for (let attempt = 1; attempt <= MAX_WRONG_CODES; attempt += 1) {
      answer = await submitCode(locked.browser, answer, '000000');
    }
    assert.match(answer.html, /your authenticator is locked for/);

    const reset = await fetch(`${ctx.provider.testApiUrl}/faults`, { method: 'DELETE' });
    assert.equal(reset.status, 200);

    const again = await openCodePage(ctx.issuer, { user: GRACE });
    const reused = await submitCode(again.browser, again.page, code);
    assert.ok(reused.location?.startsWith(CLIENT.redirectUri), reused.html);
    const unlocked = await submitCode(locked.browser, answer, totpCode(ADA.totpSecret));
    assert.ok(unlocked.location?.startsWith(CLIENT.redirectUri), unlocked.html);
  });
});
