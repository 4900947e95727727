// Test support (not a test file): the unmodified @okta/okta-auth-js SDK set up as the app sets it
// up, and its sign-in with the browser's redirects played by the scripted browser.
import assert from 'node:assert/strict';
import { buildAuthorizeParams, getOAuthUrls, OktaAuth } from '@okta/okta-auth-js';

import { createBrowser, formAction, navigate } from './oidc-client.mjs';

/**
 * An SDK instance configured as the app configures it (PKCE, refresh tokens, DPoP when `dpop`).
 * The storage keys, one pair a test file, keep the SDK from warning that memory storage in Node is
 * single-user.
 */
export function createOktaAuth({ issuer, clientId, redirectUri, dpop = false, storageKey }) {
  return new OktaAuth({
    issuer,
    clientId,
    redirectUri,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    pkce: true,
    dpop,
    tokenManager: { storageKey: `${storageKey}-tokens` },
    storageManager: { transaction: { storageKey: `${storageKey}-transaction` } },
  });
}

/**
 * What token.getWithRedirect() and the callback do, with the browser's redirects scripted: signs
 * `user` in on the provider's page and exchanges the code. Resolves to exchangeCodeForTokens's
 * answer.
 */
export async function signInWithSdk(auth, { user, browser = createBrowser() }) {
  const tokenParams = await auth.token.prepareTokenParams();
  const { authorizeUrl } = getOAuthUrls(auth, tokenParams);
  const signInPage = await navigate(browser, authorizeUrl + buildAuthorizeParams(tokenParams));
  const callback = await navigate(browser, formAction(signInPage.html, signInPage.url), {
    method: 'POST',
    form: { username: user.email, password: user.password },
    stopAt: auth.options.redirectUri,
  });
  const code = callback.location && new URL(callback.location).searchParams.get('code');
  assert.ok(code, `no code from ${auth.options.issuer}`);
  return auth.token.exchangeCodeForTokens({ ...tokenParams, authorizationCode: code });
}
