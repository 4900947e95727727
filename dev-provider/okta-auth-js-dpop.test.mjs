// The unmodified @okta/okta-auth-js SDK with `dpop: true` against the dev provider: its own key pair,
// proofs, nonce retry, DPoP userinfo call and bound refresh, so that the provider is checked
// against the proofs the app really sends. The SDK keeps its key pair in IndexedDB, which Node
// lacks: this file (its own process under node --test) gives it an in-memory stand-in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calculateJwkThumbprint, decodeJwt } from 'jose';

import { DEMO_USERS } from './accounts.mjs';
import { createOktaAuth, signInWithSdk } from './testing/okta-auth-js.mjs';
import { useDevProvider } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const REDIRECT_URI = `${APP}/login/callback`;
const CLIENT_ID = '0oasdkdpopclient0001';
const [ADA] = DEMO_USERS;

// Only what okta-auth-js's oidc/dpop.js uses: open, one object store, add/get/delete/clear. No
// `document` is defined, so the SDK still does not take Node for a browser.
globalThis.window = { indexedDB: memoryIndexedDb() };

function memoryIndexedDb() {
  const entries = new Map();
  const request = (operation) => {
    const req = {};
    queueMicrotask(() => {
      try {
        req.result = operation();
        req.onsuccess?.();
      } catch (err) {
        req.error = err;
        req.onerror?.();
      }
    });
    return req;
  };
  const store = {
    add: (value, key) =>
      request(() => {
        if (entries.has(key)) throw new Error(`Key ${key} already exists.`);
        entries.set(key, value);
        return key;
      }),
    get: (key) => request(() => entries.get(key)),
    delete: (key) => request(() => void entries.delete(key)),
    clear: () => request(() => void entries.clear()),
  };
  const db = {
    createObjectStore: () => store,
    transaction: () => ({ objectStore: () => store }),
    close() {},
  };
  return { open: () => request(() => db), entries };
}

/** An SDK instance configured as the app configures it (PKCE, refresh tokens, DPoP). */
const createAuth = (issuer, { dpop = true } = {}) =>
  createOktaAuth({
    issuer,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    dpop,
    storageKey: 'dev-provider-dpop-test',
  });

const signInWith = (auth) => signInWithSdk(auth, { user: ADA });

describe('@okta/okta-auth-js 7.14 with DPoP against the dev provider', { timeout: 30_000 }, () => {
  const ctx = useDevProvider({ port: 0, clientId: CLIENT_ID, appOrigins: [APP], faults: true });

  const setDpopMode = async (dpopMode) => {
    const response = await fetch(`${ctx.provider.testApiUrl}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dpopMode }),
    });
    assert.equal(response.status, 200);
  };

  test('signs in through the nonce challenge, reads userinfo and renews, all bound to its key', async () => {
    // No faults, fresh counters: the provider's own setting, required.
    assert.equal(
      (await fetch(`${ctx.provider.testApiUrl}/faults`, { method: 'DELETE' })).status,
      200,
    );
    const auth = createAuth(ctx.issuer);
    const { tokens } = await signInWith(auth);
    assert.equal(tokens.accessToken.tokenType, 'DPoP');
    const { cnf } = decodeJwt(tokens.accessToken.accessToken);
    assert.ok(cnf?.jkt, 'the access token is bound');
    assert.equal(tokens.refreshToken.dpopPairId, tokens.accessToken.dpopPairId);

    // The SDK's own proof for a request names the key the token is bound to.
    const { Dpop: proof } = await auth.getDPoPAuthorizationHeaders({
      url: `${ctx.issuer}/v1/userinfo`,
      method: 'GET',
      accessToken: tokens.accessToken,
    });
    const { jwk } = JSON.parse(Buffer.from(proof.split('.')[0], 'base64url').toString());
    assert.equal(await calculateJwkThumbprint(jwk), cnf.jkt);

    const userinfo = await auth.token.getUserInfo(tokens.accessToken, tokens.idToken);
    assert.equal(userinfo.sub, ADA.id);

    const renewed = await auth.token.renewTokensWithRefresh({}, tokens.refreshToken);
    assert.equal(renewed.accessToken.tokenType, 'DPoP');
    assert.deepEqual(decodeJwt(renewed.accessToken.accessToken).cnf, cnf);

    // Each token request was challenged once, then retried with the nonce.
    const stats = await (await fetch(`${ctx.provider.testApiUrl}/stats`)).json();
    assert.equal(stats.dpopNonceChallenges, 2);
    assert.deepEqual(stats.tokenGrants, { authorization_code: 1, refresh_token: 1 });
    assert.equal(stats.userinfo, 1);
  });

  test('fails closed against an app without DPoP instead of taking Bearer tokens', async () => {
    await setDpopMode('off');
    await assert.rejects(signInWith(createAuth(ctx.issuer)), {
      message: /token_type" was not DPoP/,
    });
  });

  test('without DPoP, the SDK is refused by an app that requires it', async () => {
    await setDpopMode('required');
    await assert.rejects(signInWith(createAuth(ctx.issuer, { dpop: false })), {
      errorCode: 'invalid_dpop_proof',
      errorSummary: 'The DPoP proof JWT header is missing.',
    });
  });
});
