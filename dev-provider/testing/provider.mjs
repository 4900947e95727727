// Test support (not a test file): the provider started for the tests of one describe block, and the
// sign-in and code exchange most of them begin with. `app` is { client, user, scope }: the client
// of oidc-client.mjs, the account that signs in and the scopes asked for.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startDevProvider } from '../create-server.mjs';
import { PERIOD_SECONDS, timeStep, totpCode } from '../totp.mjs';
import { createBrowser, exchangeCode, signIn } from './oidc-client.mjs';

/**
 * Signs `app.user` in from `app.browser`, a fresh browser unless given, with the authorization
 * request's extra `app.params` and the TOTP code `app.otp` if the provider asks for one (see
 * signIn): the callback's parameters, the PKCE verifier and the pages passed through.
 */
export function signInFresh(
  issuer,
  { client, user, scope, params, otp, browser = createBrowser() },
) {
  return signIn(browser, { issuer, client, user, scope, params, otp });
}

/**
 * A user's authenticator app, for the `otp` option of signIn: each call resolves to a code of the
 * base32 `secret` that the provider has not seen used. The provider accepts the codes of the
 * current 30-second step and of the steps either side, but never a step at or before one already
 * used, so this hands out the current step's code, then the next one's, and only then waits for
 * the clock. One per user and provider: the provider remembers what it accepted.
 */
export function authenticatorApp(secret) {
  let lastStep = -Infinity;
  return async function nextCode() {
    for (;;) {
      const now = Date.now();
      const step = Math.max(timeStep(now), lastStep + 1);
      if (step <= timeStep(now) + 1) {
        lastStep = step;
        return totpCode(secret, { step });
      }
      const nextStepAt = (timeStep(now) + 1) * PERIOD_SECONDS * 1000;
      await new Promise((resolve) => setTimeout(resolve, nextStepAt - now + 10));
    }
  };
}

/**
 * Signs in and exchanges the code, with proofs of `dpop` (a key of createDpopKey) if given.
 * Asserts a 200 and resolves to the token response.
 */
export async function signInForTokens(issuer, app, dpop) {
  const { code, verifier } = await signInFresh(issuer, app);
  const { response, body } = await exchangeCode(issuer, {
    client: app.client,
    code,
    verifier,
    dpop,
  });
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

/**
 * Options of a provider for `client` (its app served from the redirect URI's origin) whose users
 * sign in with `password`, issuing Bearer tokens unless a proof is sent, so that token requests
 * need no proofs.
 */
export function bearerProviderOptions(client, password) {
  return {
    port: 0,
    clientId: client.id,
    appOrigins: [new URL(client.redirectUri).origin],
    password,
    dpop: 'optional',
  };
}

/**
 * A provider started with `options` before the tests of the enclosing describe block (or file) and
 * closed after them: `issuer`, `provider`, and, given an `app`, `signIn()` and `tokens(dpop)` for it.
 */
export function useDevProvider(options, app) {
  const context = {
    signIn: () => signInFresh(context.issuer, app),
    tokens: (dpop) => signInForTokens(context.issuer, app, dpop),
  };
  before(async () => {
    context.provider = await startDevProvider(options);
    context.issuer = context.provider.issuer;
  });
  after(() => context.provider?.close());
  return context;
}
