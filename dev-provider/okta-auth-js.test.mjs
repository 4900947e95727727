// The unmodified @okta/okta-auth-js SDK (the app's own dependency) against the dev provider. Node
// has no browser redirects, so the scripted browser plays that part; every token call, the ID token
// verification (discovery, /v1/keys, WebCrypto) and the URLs are the SDK's own.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildAuthorizeParams, getOAuthUrls, OktaAuth } from '@okta/okta-auth-js';

import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import { createBrowser, formAction, hiddenInputs, navigate } from './testing/oidc-client.mjs';

const APP = 'http://localhost:4200';
const REDIRECT_URI = `${APP}/login/callback`;
const CLIENT_ID = '0oasdkclient00000001';
const [, GRACE] = DEMO_USERS;

let provider;

before(async () => {
  // okta-auth-js keeps its DPoP key pair in IndexedDB, which Node lacks: the SDK runs without
  // DPoP here, against an app where DPoP is optional. dpop.test.mjs covers DPoP.
  provider = await startDevProvider({
    port: 0,
    clientId: CLIENT_ID,
    appOrigins: [APP],
    dpop: 'optional',
  });
});

after(() => provider?.close());

describe('@okta/okta-auth-js 7.14 against the dev provider', { timeout: 20_000 }, () => {
  test('signs in, verifies the ID token, reads userinfo, renews, revokes and signs out', async () => {
    const auth = new OktaAuth({
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'profile', 'email', 'offline_access'],
      pkce: true,
      // Storage keys keep the SDK from warning that memory storage in Node is single-user.
      tokenManager: { storageKey: 'dev-provider-test-tokens' },
      storageManager: { transaction: { storageKey: 'dev-provider-test-transaction' } },
    });
    const browser = createBrowser();

    // What token.getWithRedirect() does, with the browser's redirects played by the test.
    const tokenParams = await auth.token.prepareTokenParams();
    const { authorizeUrl } = getOAuthUrls(auth, tokenParams);
    const signInPage = await navigate(browser, authorizeUrl + buildAuthorizeParams(tokenParams));
    const callback = await navigate(browser, formAction(signInPage.html, signInPage.url), {
      method: 'POST',
      form: { username: GRACE.email, password: GRACE.password },
      stopAt: REDIRECT_URI,
    });
    const code = new URL(callback.location).searchParams.get('code');

    const { tokens } = await auth.token.exchangeCodeForTokens({
      ...tokenParams,
      authorizationCode: code,
    });
    assert.equal(tokens.idToken.claims.sub, GRACE.id);
    assert.equal(tokens.idToken.claims.name, 'Grace Hopper');
    assert.deepEqual(tokens.accessToken.claims.scp, [
      'openid',
      'profile',
      'email',
      'offline_access',
    ]);
    assert.equal(tokens.accessToken.userinfoUrl, `${provider.issuer}/v1/userinfo`);
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
    assert.ok(logoutUrl.startsWith(`${provider.issuer}/v1/logout?`));
    const logoutPage = await navigate(browser, logoutUrl);
    const done = await navigate(browser, formAction(logoutPage.html, logoutPage.url), {
      method: 'POST',
      form: hiddenInputs(logoutPage.html),
      stopAt: APP,
    });
    assert.equal(done.location, `${APP}/?state=bye`);
  });
});
