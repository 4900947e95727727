// The unmodified @okta/okta-auth-js SDK (the app's own dependency) against the dev provider. Node
// has no browser redirects, so the scripted browser plays that part; every token call, the ID token
// verification (discovery, /v1/keys, WebCrypto) and the URLs are the SDK's own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEMO_USERS } from './accounts.mjs';
import { createOktaAuth, signInWithSdk } from './testing/okta-auth-js.mjs';
import { createBrowser, formAction, hiddenInputs, navigate } from './testing/oidc-client.mjs';
import { useDevProvider } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const REDIRECT_URI = `${APP}/login/callback`;
const CLIENT_ID = '0oasdkclient00000001';
const [, GRACE] = DEMO_USERS;

// okta-auth-js keeps its DPoP key pair in IndexedDB, which Node lacks: the SDK runs without DPoP
// here, against an app where DPoP is optional. dpop.test.mjs covers DPoP.
const ctx = useDevProvider({ port: 0, clientId: CLIENT_ID, appOrigins: [APP], dpop: 'optional' });

describe('@okta/okta-auth-js 7.14 against the dev provider', { timeout: 20_000 }, () => {
  test('signs in, verifies the ID token, reads userinfo, renews, revokes and signs out', async () => {
    const auth = createOktaAuth({
      issuer: ctx.issuer,
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      storageKey: 'dev-provider-test',
    });
    // One browser for the sign-in and, at the end, the sign-out.
    const browser = createBrowser();

    const { tokens } = await signInWithSdk(auth, { user: GRACE, browser });
    assert.equal(tokens.idToken.claims.sub, GRACE.id);
    assert.equal(tokens.idToken.claims.name, 'Grace Hopper');
    assert.deepEqual(tokens.accessToken.claims.scp, [
      'openid',
      'profile',
      'email',
      'offline_access',
    ]);
    assert.equal(tokens.accessToken.userinfoUrl, `${ctx.issuer}/v1/userinfo`);
    assert.ok(tokens.refreshToken.refreshToken);

    const userinfo = await auth.token.getUserInfo(tokens.accessToken, tokens.idToken);
    assert.equal(userinfo.sub, GRACE.id);
    assert.equal(userinfo.email, GRACE.email);

    const renewed = await auth.token.renewTokensWithRefresh({}, tokens.refreshToken);
    assert.notEqual(renewed.refreshToken.refreshToken, tokens.refreshToken.refreshToken);
    assert.equal(renewed.idToken.claims.sub, GRACE.id);

    // signOut() revokes both tokens first; the revoked refresh token no longer renews.
    await auth.revokeAccessToken(renewed.accessToken);
    await auth.revokeRefreshToken(renewed.refreshToken);
    await assert.rejects(auth.token.renewTokensWithRefresh({}, renewed.refreshToken), {
      errorCode: 'invalid_grant',
    });

    const logoutUrl = await auth.getSignOutRedirectUrl({
      idToken: tokens.idToken,
      postLogoutRedirectUri: APP,
      state: 'bye',
    });
    assert.ok(logoutUrl.startsWith(`${ctx.issuer}/v1/logout?`));
    const logoutPage = await navigate(browser, logoutUrl);
    const done = await navigate(browser, formAction(logoutPage.html, logoutPage.url), {
      method: 'POST',
      form: hiddenInputs(logoutPage.html),
      stopAt: APP,
    });
    assert.equal(done.location, `${APP}/?state=bye`);
  });
});
