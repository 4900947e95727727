// The fault switch (faults/): absent unless switched on, its test API, and every fault doing exactly
// what README.md promises, so that the app's security tests can trust what they inject.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createPublicKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from 'jose';

import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import { FAULT_KEYS } from './faults/fault-set.mjs';
import {
  appAuthorizeUrl,
  basicClientId,
  createBrowser,
  createDpopKey,
  exchangeCode,
  navigate,
  postForm,
  refresh,
  signIn,
} from './testing/oidc-client.mjs';
import { bearerProviderOptions } from './testing/provider.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const APP = 'http://localhost:4200';
const CLIENT = { id: '0oafaultclient000001', redirectUri: `${APP}/login/callback` };
const PASSWORD = 'Fault-Passw0rd!';
const [ADA] = DEMO_USERS;
const USER = { username: ADA.email, password: PASSWORD };
const SCOPE = 'openid profile email offline_access';
// Token requests without DPoP proofs, unless a test says otherwise (dpop.test.mjs covers DPoP).
const OPTIONS = bearerProviderOptions(CLIENT, PASSWORD);

/** A JSON call to the test API (as the Playwright process makes it: no Origin). */
async function callTestApi(baseUrl, method, path, { body, headers = {} } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text && JSON.parse(text) };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('fault switch off (the default)', () => {
  let provider;

  before(async () => {
    provider = await startDevProvider(OPTIONS);
  });
  after(() => provider?.close());

  test('has no test API: /__test__/ answers 404 exactly like any unknown path', async () => {
    assert.equal(provider.testApiUrl, undefined);
    const origin = `http://localhost:${provider.port}`;
    const unknown = await fetch(`${origin}/__nothing_here__`);
    const expected = {
      status: unknown.status,
      type: unknown.headers.get('content-type'),
      text: await unknown.text(),
    };
    assert.equal(expected.status, 404);

    for (const [method, path] of [
      ['GET', '/__test__'],
      ['GET', '/__test__/faults'],
      ['PUT', '/__test__/faults'],
      ['DELETE', '/__test__/faults'],
      ['GET', '/__test__/stats'],
      ['POST', '/__test__/rotate-keys'],
      ['POST', '/__test__/restore-keys'],
      ['POST', '/__test__/release'],
    ]) {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'PUT' ? JSON.stringify({ tokenStatus: 500 }) : undefined,
      });
      const actual = {
        status: response.status,
        type: response.headers.get('content-type'),
        text: await response.text(),
      };
      assert.deepEqual(actual, expected, `${method} ${path}`);
    }

    // And the PUT above changed nothing: the token endpoint still works.
    const { code, verifier } = await signIn(createBrowser(), {
      issuer: provider.issuer,
      client: CLIENT,
      user: USER,
      scope: SCOPE,
    });
    const { response } = await exchangeCode(provider.issuer, { client: CLIENT, code, verifier });
    assert.equal(response.status, 200);
  });
});

describe('fault switch on', { timeout: 30_000 }, () => {
  let provider;
  let issuer;
  // Signed in once: later authorizations go straight back to the app (SSO), which keeps this fast.
  const browser = createBrowser();

  before(async () => {
    provider = await startDevProvider({ ...OPTIONS, faults: true });
    ({ issuer } = provider);
  });
  afterEach(async () => {
    assert.equal((await api('DELETE', '/faults')).status, 200);
    // As the e2e fixture does: a test that rotated keys leaves the next one the start-up key.
    assert.equal((await api('POST', '/restore-keys')).status, 200);
  });
  after(() => provider?.close());

  const api = (method, path, options) => callTestApi(provider.testApiUrl, method, path, options);

  async function setFaults(faults) {
    const response = await api('PUT', '/faults', { body: faults });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, faults);
  }

  async function stats() {
    return (await api('GET', '/stats')).body;
  }

  async function publishedKeys() {
    return (await (await fetch(`${issuer}/v1/keys`)).json()).keys;
  }

  async function jwks() {
    return createLocalJWKSet({ keys: await publishedKeys() });
  }

  function authorizeRequest(params = {}) {
    return appAuthorizeUrl(issuer, { client: CLIENT, scope: SCOPE }, params);
  }

  const callback = (options = {}) =>
    signIn(options.browser ?? browser, { issuer, client: CLIENT, user: USER, scope: SCOPE });

  async function exchange({ origin } = {}) {
    const { code, verifier } = await callback();
    return exchangeCode(issuer, { client: CLIENT, code, verifier, origin });
  }

  async function signInForTokens() {
    const { response, body } = await exchange();
    assert.equal(response.status, 200, JSON.stringify(body));
    return body;
  }

  describe('test API', () => {
    test('refuses every request that carries an Origin header (403), changing nothing', async () => {
      const before = await stats();
      const { keys } = await (await fetch(`${issuer}/v1/keys`)).json();
      for (const origin of [APP, `http://localhost:${provider.port}`, 'null']) {
        const headers = { origin };
        for (const [method, path, body] of [
          ['PUT', '/faults', { tokenStatus: 500 }],
          ['GET', '/faults'],
          ['DELETE', '/faults'],
          ['GET', '/stats'],
          ['POST', '/rotate-keys'],
          ['POST', '/restore-keys'],
          ['POST', '/release'],
          ['OPTIONS', '/faults'],
        ]) {
          const response = await api(method, path, { body, headers });
          assert.equal(response.status, 403, `${method} ${path} from ${origin}`);
          assert.equal(response.headers.get('access-control-allow-origin'), null);
        }
      }
      assert.deepEqual((await api('GET', '/faults')).body, {});
      assert.deepEqual(await publishedKeys(), keys);
      assert.deepEqual(await stats(), { ...before, keys: before.keys + 2 });
    });

    test('PUT replaces the whole fault set, GET returns it, DELETE clears it', async () => {
      assert.deepEqual((await api('GET', '/faults')).body, {});
      await setFaults({ tokenStatus: 500, callbackState: 'missing' });
      await setFaults({ keysStatus: 503 });
      assert.deepEqual((await api('GET', '/faults')).body, { keysStatus: 503 });
      const cleared = await api('DELETE', '/faults');
      assert.equal(cleared.status, 200);
      assert.deepEqual(cleared.body, {});
      assert.deepEqual((await api('GET', '/faults')).body, {});
    });

    test('refuses unknown keys with 400 and a message listing the valid ones', async () => {
      await setFaults({ keysStatus: 500 });
      const response = await api('PUT', '/faults', {
        body: { tokenStatus: 500, tokenStatuss: 500, nonsense: true },
      });
      assert.equal(response.status, 400);
      assert.match(
        response.body.error,
        /^Unknown fault keys: tokenStatuss, nonsense\. Valid keys: /,
      );
      for (const key of FAULT_KEYS) assert.ok(response.body.error.includes(key), key);
      // A refused PUT leaves the active set as it was.
      assert.deepEqual((await api('GET', '/faults')).body, { keysStatus: 500 });
    });

    test('refuses malformed fault values and bodies with 400', async () => {
      for (const body of [
        [],
        'tokenStatus',
        { tokenStatus: 200 },
        { tokenStatus: '500' },
        { tokenStallMs: -1 },
        { tokenStallMs: 1.5 },
        { tokenError: 'nope' },
        { tokenResponse: 'omit' },
        { idTokenSignature: 'none' },
        { idToken: { sett: { aud: 'x' } } },
        { idToken: { remove: 'nonce' } },
        { userinfo: { set: [] } },
        { authorizeError: {} },
        { authorizeError: { error: 'access_denied', description: 42 } },
        { callbackState: 'wrong' },
        { discoveryIssuer: '' },
      ]) {
        const response = await api('PUT', '/faults', { body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(typeof response.body.error, 'string');
      }
      const notJson = await fetch(`${provider.testApiUrl}/faults`, { method: 'PUT', body: '{' });
      assert.equal(notJson.status, 400);
      assert.deepEqual(await notJson.json(), { error: 'The request body must be JSON.' });
    });

    test('answers unknown paths with 404 and wrong methods with 405', async () => {
      assert.equal((await api('GET', '/nothing')).status, 404);
      assert.equal((await api('GET', '')).status, 404);
      const wrong = await api('POST', '/stats');
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get('allow'), 'GET');
    });
  });

  test('stats count requests by endpoint, preflights apart, and token grants; DELETE resets them', async () => {
    await api('DELETE', '/faults');
    const preflight = (path, method) =>
      fetch(`${issuer}${path}`, {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': method },
      });

    await fetch(`${issuer}/.well-known/openid-configuration`);
    await fetch(`${issuer}/v1/keys`);
    await preflight('/v1/keys', 'GET');
    await preflight('/v1/token', 'POST');
    await preflight('/v1/token', 'POST');
    const tokens = await signInForTokens();
    await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
    await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token }); // reused: refused
    await fetch(`${issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const byClient = { headers: basicClientId(CLIENT.id) };
    await postForm(`${issuer}/v1/introspect`, { token: tokens.access_token }, byClient);
    await postForm(`${issuer}/v1/revoke`, { token: tokens.access_token }, byClient);
    await navigate(createBrowser(), `${issuer}/v1/logout?client_id=${CLIENT.id}`);

    assert.deepEqual(await stats(), {
      // One authorization request: its resumes after sign-in and consent are not counted.
      authorize: 1,
      token: 3,
      keys: 1,
      discovery: 1,
      userinfo: 1,
      revoke: 1,
      logout: 1,
      introspect: 1,
      authorizePreflight: 0,
      tokenPreflight: 2,
      keysPreflight: 1,
      discoveryPreflight: 0,
      userinfoPreflight: 0,
      revokePreflight: 0,
      logoutPreflight: 0,
      introspectPreflight: 0,
      tokenGrants: { authorization_code: 1, refresh_token: 2 },
      dpopNonceChallenges: 0,
      heldTokenAnswers: 0,
    });

    await api('DELETE', '/faults');
    const reset = await stats();
    assert.deepEqual(reset.tokenGrants, { authorization_code: 0, refresh_token: 0 });
    for (const [name, count] of Object.entries(reset)) {
      if (name !== 'tokenGrants') assert.equal(count, 0, name);
    }
  });

  test('rotate-keys signs new tokens with a new kid, published beside the old one', async () => {
    const before = await signInForTokens();
    const [oldKey] = await publishedKeys();
    assert.equal(decodeProtectedHeader(before.id_token).kid, oldKey.kid);

    const rotated = await api('POST', '/rotate-keys');
    assert.equal(rotated.status, 200);
    const { kid } = rotated.body;
    assert.equal(typeof kid, 'string');
    assert.notEqual(kid, oldKey.kid);
    const keys = await publishedKeys();
    assert.deepEqual(
      keys.map((key) => key.kid),
      [kid, oldKey.kid],
    );
    assert.deepEqual(keys[1], oldKey);
    assert.equal(keys[0].alg, 'RS256');

    const after = await signInForTokens();
    assert.equal(decodeProtectedHeader(after.id_token).kid, kid);
    assert.equal(decodeProtectedHeader(after.access_token).kid, kid);
    const keySet = await jwks();
    await jwtVerify(after.id_token, keySet, { issuer, audience: CLIENT.id });
    await jwtVerify(after.access_token, keySet, { issuer, audience: 'api://default' });
    await jwtVerify(before.id_token, keySet, { issuer, audience: CLIENT.id });

    // Tokens from before the rotation keep working, as with a real rotation.
    for (const accessToken of [before.access_token, after.access_token]) {
      const userinfo = await fetch(`${issuer}/v1/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.equal(userinfo.status, 200);
    }
    const logout = await navigate(
      createBrowser(),
      `${issuer}/v1/logout?id_token_hint=${before.id_token}&post_logout_redirect_uri=${APP}`,
    );
    assert.equal(logout.status, 200, logout.html);
  });

  test('restore-keys goes back to the start-up key alone, for new tokens and /v1/keys', async () => {
    const [startKey] = await publishedKeys();
    await api('POST', '/rotate-keys');
    const rotated = await signInForTokens();
    await api('POST', '/rotate-keys');

    const restored = await api('POST', '/restore-keys');
    assert.equal(restored.status, 200);
    assert.deepEqual(restored.body, { kid: startKey.kid });
    assert.deepEqual(await publishedKeys(), [startKey]);
    const after = await signInForTokens();
    assert.equal(decodeProtectedHeader(after.id_token).kid, startKey.kid);
    assert.equal(decodeProtectedHeader(after.access_token).kid, startKey.kid);
    await jwtVerify(after.id_token, await jwks(), { issuer, audience: CLIENT.id });
    // What a rotated key signed no longer verifies: nothing of the rotation is left.
    await assert.rejects(
      jwtVerify(rotated.id_token, await jwks(), { issuer, audience: CLIENT.id }),
      errors.JWKSNoMatchingKey,
    );
    // Restoring again changes nothing.
    assert.deepEqual((await api('POST', '/restore-keys')).body, { kid: startKey.kid });
    assert.deepEqual(await publishedKeys(), [startKey]);
  });

  test('DELETE /faults keeps a rotated key, so a test can clear its faults and go on', async () => {
    const { kid } = (await api('POST', '/rotate-keys')).body;
    assert.equal((await api('DELETE', '/faults')).status, 200);
    assert.equal((await publishedKeys())[0].kid, kid);
  });

  describe('authorize faults', () => {
    test('authorizeError sends the error, description and state to the redirect URI at once', async () => {
      await setFaults({
        authorizeError: { error: 'access_denied', description: 'Denied <b>x</b>' },
      });
      const fresh = createBrowser();
      const step = await navigate(fresh, authorizeRequest(), { stopAt: CLIENT.redirectUri });
      assert.ok(step.location, `expected a redirect to the app, got ${step.status}`);
      const back = new URL(step.location);
      assert.equal(`${back.origin}${back.pathname}`, CLIENT.redirectUri);
      assert.equal(back.searchParams.get('error'), 'access_denied');
      assert.equal(back.searchParams.get('error_description'), 'Denied <b>x</b>');
      assert.equal(back.searchParams.get('state'), 'st4te');
      assert.equal(back.searchParams.get('code'), null);
      // No sign-in page on the way: the browser never got an interaction cookie.
      assert.equal(fresh.jar.names().includes('dev_provider_interaction'), false);
      assert.equal((await stats()).authorize, 1);
    });

    test('authorizeError without a description sends no error_description, also when signed in', async () => {
      await callback();
      await setFaults({ authorizeError: { error: 'access_denied' } });
      const step = await navigate(browser, authorizeRequest(), { stopAt: CLIENT.redirectUri });
      const params = Object.fromEntries(new URL(step.location).searchParams);
      assert.deepEqual(Object.keys(params).sort(), ['error', 'iss', 'state']);
      assert.equal(params.error, 'access_denied');
      assert.equal(params.iss, issuer);
    });

    test('authorizeError leaves invalid requests to their real errors', async () => {
      await setFaults({ authorizeError: { error: 'access_denied' } });
      const elsewhere = await navigate(
        createBrowser(),
        authorizeRequest({ redirect_uri: `${APP}/elsewhere` }),
        { stopAt: APP },
      );
      assert.equal(elsewhere.status, 400);
      assert.match(elsewhere.html, /redirect_uri/);

      const noPkce = await navigate(createBrowser(), authorizeRequest({ code_challenge: '' }), {
        stopAt: CLIENT.redirectUri,
      });
      assert.equal(new URL(noPkce.location).searchParams.get('error'), 'invalid_request');
    });

    test("callbackState 'tampered' returns another state with a code that still works", async () => {
      await setFaults({ callbackState: 'tampered' });
      const fresh = createBrowser();
      const { state, code, verifier } = await callback({ browser: fresh });
      assert.ok(state);
      assert.notEqual(state, 'st4te');
      const { response } = await exchangeCode(issuer, { client: CLIENT, code, verifier });
      assert.equal(response.status, 200);
    });

    test("callbackState 'missing' returns no state, with a code that still works", async () => {
      await setFaults({ callbackState: 'missing' });
      const result = await callback();
      assert.equal('state' in result, false);
      assert.ok(result.code);
      const { response } = await exchangeCode(issuer, {
        client: CLIENT,
        code: result.code,
        verifier: result.verifier,
      });
      assert.equal(response.status, 200);
    });
  });

  describe('idToken: claims changed, signature still valid', () => {
    const genuine = () => ({ iss: issuer, aud: CLIENT.id, sub: ADA.id, nonce: 'n0nce' });

    for (const change of [
      { set: { aud: 'someone-else' } },
      { set: { aud: ['a', 'b'] } },
      { set: { iss: 'http://localhost:1/oauth2/default' } },
      { set: { nonce: 'wrong' } },
      { remove: ['nonce'] },
      { set: { exp: 'now-600' } },
      { set: { iat: 'now+600' } },
      { set: { exp: 'now' } },
      { remove: ['exp'] },
      { remove: ['iat'] },
      { remove: ['sub'] },
      { set: { at_hash: 'wrong' } },
      { set: { sub: 'someone-else', email: null }, remove: ['name', 'sub'] },
    ]) {
      test(JSON.stringify(change), async () => {
        await setFaults({ idToken: change });
        const tokens = await signInForTokens();
        const keySet = await jwks();
        const { payload: bytes, protectedHeader } = await compactVerify(tokens.id_token, keySet);
        const [current] = await publishedKeys();
        assert.deepEqual(protectedHeader, { alg: 'RS256', kid: current.kid });
        const claims = JSON.parse(Buffer.from(bytes).toString('utf8'));

        const now = nowSeconds();
        for (const [name, value] of Object.entries(change.set ?? {})) {
          const relative = /^now([+-]\d+)?$/.exec(value);
          if (relative) {
            const expected = now + Number(relative[1] ?? 0);
            assert.ok(Math.abs(claims[name] - expected) <= 2, `${name}: ${claims[name]}`);
          } else {
            assert.deepEqual(claims[name], value, name);
          }
        }
        for (const name of change.remove ?? []) {
          if (!(name in (change.set ?? {}))) assert.equal(name in claims, false, name);
        }
        const changed = new Set([...Object.keys(change.set ?? {}), ...(change.remove ?? [])]);
        for (const [name, value] of Object.entries(genuine())) {
          if (!changed.has(name)) assert.deepEqual(claims[name], value, name);
        }
        // The access token is left alone.
        await jwtVerify(tokens.access_token, keySet, { issuer, audience: 'api://default' });
      });
    }

    test('applies to the refresh token grant too', async () => {
      const tokens = await signInForTokens();
      await setFaults({ idToken: { set: { nonce: 'wrong' } } });
      const { response, body } = await refresh(issuer, {
        client: CLIENT,
        refreshToken: tokens.refresh_token,
      });
      assert.equal(response.status, 200);
      const { payload } = await compactVerify(body.id_token, await jwks());
      assert.equal(JSON.parse(Buffer.from(payload).toString('utf8')).nonce, 'wrong');
    });

    test('uses the current key after a rotation', async () => {
      const { kid } = (await api('POST', '/rotate-keys')).body;
      await setFaults({ idToken: { set: { aud: 'someone-else' } } });
      const tokens = await signInForTokens();
      const { protectedHeader } = await compactVerify(tokens.id_token, await jwks());
      assert.equal(protectedHeader.kid, kid);
    });
  });

  describe('idTokenSignature', () => {
    async function faultyIdToken(faults) {
      await setFaults(faults);
      const { id_token: idToken } = await signInForTokens();
      return idToken;
    }

    test("'corrupt' keeps header and claims but the signature no longer verifies", async () => {
      const idToken = await faultyIdToken({ idTokenSignature: 'corrupt' });
      const [current] = await publishedKeys();
      assert.deepEqual(decodeProtectedHeader(idToken), { alg: 'RS256', kid: current.kid });
      assert.equal(decodeJwt(idToken).sub, ADA.id);
      assert.equal(Buffer.from(idToken.split('.')[2], 'base64url').length, 256);
      await assert.rejects(
        compactVerify(idToken, await jwks()),
        errors.JWSSignatureVerificationFailed,
      );
    });

    test('\'alg-none\' sends an unsecured token: header {"alg":"none"} and no signature', async () => {
      const idToken = await faultyIdToken({ idTokenSignature: 'alg-none' });
      const [header, payload, signature] = idToken.split('.');
      assert.equal(Buffer.from(header, 'base64url').toString(), '{"alg":"none"}');
      assert.equal(signature, '');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      assert.equal(claims.sub, ADA.id);
      assert.equal(claims.aud, CLIENT.id);
    });

    test("'hs256-public-key' is an HS256 MAC keyed with the published key's PEM", async () => {
      const idToken = await faultyIdToken({ idTokenSignature: 'hs256-public-key' });
      const [current] = await publishedKeys();
      assert.deepEqual(decodeProtectedHeader(idToken), { alg: 'HS256', kid: current.kid });
      // What an attacker computes from /v1/keys alone.
      const pem = createPublicKey({ key: current, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      const { payload } = await jwtVerify(idToken, Buffer.from(pem), {
        algorithms: ['HS256'],
        issuer,
        audience: CLIENT.id,
      });
      assert.equal(payload.sub, ADA.id);
      await assert.rejects(compactVerify(idToken, await jwks()));
    });

    test("'unknown-kid' is signed by a key whose kid /v1/keys does not publish", async () => {
      const idToken = await faultyIdToken({ idTokenSignature: 'unknown-kid' });
      const { alg, kid } = decodeProtectedHeader(idToken);
      assert.equal(alg, 'RS256');
      const published = (await publishedKeys()).map((key) => key.kid);
      assert.equal(published.includes(kid), false);
      await assert.rejects(compactVerify(idToken, await jwks()), errors.JWKSNoMatchingKey);
    });

    test('combines with idToken: claims changed, then signed the faulty way', async () => {
      const idToken = await faultyIdToken({
        idToken: { set: { aud: 'someone-else' } },
        idTokenSignature: 'alg-none',
      });
      assert.equal(decodeProtectedHeader(idToken).alg, 'none');
      assert.equal(decodeJwt(idToken).aud, 'someone-else');
    });
  });

  describe('token endpoint answers', () => {
    test("tokenResponse 'omit-id-token' leaves id_token out, on both grants", async () => {
      await setFaults({ tokenResponse: 'omit-id-token' });
      const tokens = await signInForTokens();
      assert.equal('id_token' in tokens, false);
      assert.ok(tokens.access_token);
      const renewed = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
      assert.equal(renewed.response.status, 200);
      assert.equal('id_token' in renewed.body, false);
    });

    test('tokenStatus answers that status with an OAuth error, CORS intact, code unused', async () => {
      await setFaults({ tokenStatus: 500 });
      const { code, verifier } = await callback();
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const { response, body } = await exchangeCode(issuer, {
          client: CLIENT,
          code,
          verifier,
          origin: APP,
        });
        assert.equal(response.status, 500);
        assert.equal(body.error, 'server_error');
        assert.match(body.error_description, /tokenStatus/);
        assert.equal(response.headers.get('access-control-allow-origin'), APP);
        assert.equal(response.headers.get('cache-control'), 'no-store');
      }
      assert.deepEqual((await stats()).tokenGrants, { authorization_code: 2, refresh_token: 0 });

      await setFaults({ tokenStatus: 503 });
      const unavailable = await exchangeCode(issuer, { client: CLIENT, code, verifier });
      assert.equal(unavailable.response.status, 503);
      assert.equal(unavailable.body.error, 'temporarily_unavailable');

      await setFaults({});
      const { response } = await exchangeCode(issuer, { client: CLIENT, code, verifier });
      assert.equal(response.status, 200);
    });

    test("tokenError 'invalid_grant' refuses both grants with 400 { error }, consuming nothing", async () => {
      const tokens = await signInForTokens();
      await setFaults({ tokenError: 'invalid_grant' });
      const { code, verifier } = await callback();
      const exchanged = await exchangeCode(issuer, { client: CLIENT, code, verifier, origin: APP });
      assert.equal(exchanged.response.status, 400);
      assert.deepEqual(exchanged.body, { error: 'invalid_grant' });
      assert.equal(exchanged.response.headers.get('access-control-allow-origin'), APP);
      const renewed = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
      assert.equal(renewed.response.status, 400);
      assert.deepEqual(renewed.body, { error: 'invalid_grant' });

      await api('DELETE', '/faults');
      assert.equal(
        (await exchangeCode(issuer, { client: CLIENT, code, verifier })).response.status,
        200,
      );
      const again = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
      assert.equal(again.response.status, 200);
    });

    test('tokenStallMs holds the answer that long, then sends it', async () => {
      await setFaults({ tokenStallMs: 300 });
      const { code, verifier } = await callback();
      const started = performance.now();
      const { response, body } = await exchangeCode(issuer, {
        client: CLIENT,
        code,
        verifier,
        origin: APP,
      });
      assert.ok(performance.now() - started >= 290, 'answered too early');
      assert.equal(response.status, 200);
      assert.ok(body.id_token);
      assert.equal(response.headers.get('access-control-allow-origin'), APP);
    });
  });

  describe('tokenGrant: token faults for one grant only', () => {
    test("'refresh_token' changes renewals' ID tokens and leaves sign-in alone", async () => {
      await setFaults({ tokenGrant: 'refresh_token', idToken: { remove: ['exp'] } });
      const signedIn = await signInForTokens();
      assert.equal(typeof decodeJwt(signedIn.id_token).exp, 'number');

      const renewed = await refresh(issuer, {
        client: CLIENT,
        refreshToken: signedIn.refresh_token,
      });
      assert.equal(renewed.response.status, 200);
      const claims = decodeJwt(renewed.body.id_token);
      assert.equal('exp' in claims, false);
      assert.equal(claims.sub, ADA.id);
      await compactVerify(renewed.body.id_token, await jwks());
    });

    test("'authorization_code' changes sign-in's ID tokens and leaves renewals alone", async () => {
      await setFaults({ tokenGrant: 'authorization_code', idToken: { set: { exp: 'soon' } } });
      const signedIn = await signInForTokens();
      assert.equal(decodeJwt(signedIn.id_token).exp, 'soon');

      const renewed = await refresh(issuer, {
        client: CLIENT,
        refreshToken: signedIn.refresh_token,
      });
      assert.equal(typeof decodeJwt(renewed.body.id_token).exp, 'number');
    });

    test('is refused with faults that answer before the grant type is known', async () => {
      for (const body of [
        { tokenGrant: 'refresh_token', tokenStatus: 500 },
        { tokenGrant: 'refresh_token', tokenError: 'invalid_grant' },
        { tokenGrant: 'implicit' },
        { tokenHold: false },
        { tokenHold: 'yes' },
      ]) {
        const response = await api('PUT', '/faults', { body });
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(typeof response.body.error, 'string');
      }
    });
  });

  describe('tokenHold: answers held until the test releases them', () => {
    async function waitForHeldAnswers(count) {
      for (let waited = 0; (await stats()).heldTokenAnswers !== count; waited += 10) {
        assert.ok(waited < 5_000, `never held ${count} answer(s)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    test('holds a renewal answer (its tokens already issued) until POST /release', async () => {
      const signedIn = await signInForTokens();
      await setFaults({ tokenGrant: 'refresh_token', tokenHold: true });
      let answered = false;
      const renewal = refresh(issuer, { client: CLIENT, refreshToken: signedIn.refresh_token });
      void renewal.then(() => (answered = true));

      await waitForHeldAnswers(1);
      assert.equal(answered, false);
      assert.equal((await stats()).tokenGrants.refresh_token, 1);

      const released = await api('POST', '/release');
      assert.deepEqual(released.body, { released: 1 });
      const { response, body } = await renewal;
      assert.equal(response.status, 200);
      assert.ok(body.refresh_token);
      assert.equal((await stats()).heldTokenAnswers, 0);
      // The grant was handled before the hold: the old refresh token was used up by it.
      await api('DELETE', '/faults');
      const reused = await refresh(issuer, {
        client: CLIENT,
        refreshToken: signedIn.refresh_token,
      });
      assert.equal(reused.response.status, 400);
    });

    test('ends the hold when the client gives up, and DELETE /faults releases the rest', async () => {
      const signedIn = await signInForTokens();
      await setFaults({ tokenGrant: 'refresh_token', tokenHold: true });
      const gaveUp = fetch(`${issuer}/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: CLIENT.id,
          grant_type: 'refresh_token',
          refresh_token: signedIn.refresh_token,
        }),
        signal: AbortSignal.timeout(300),
      });
      await assert.rejects(gaveUp, { name: 'TimeoutError' });
      await waitForHeldAnswers(0);

      const other = await signInForTokens();
      const renewal = refresh(issuer, { client: CLIENT, refreshToken: other.refresh_token });
      await waitForHeldAnswers(1);
      await api('DELETE', '/faults');
      assert.equal((await renewal).response.status, 200);
    });
  });

  describe('dpopMode: the DPoP setting of the Okta app, changed without a restart', () => {
    const MISSING_PROOF = {
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof JWT header is missing.',
    };

    async function exchangeWith(dpop) {
      const { code, verifier } = await callback();
      return exchangeCode(issuer, { client: CLIENT, code, verifier, dpop });
    }

    test('required refuses a token request without a proof, as Okta does', async () => {
      // This provider starts with DPoP optional.
      assert.equal((await exchangeWith()).body.token_type, 'Bearer');
      await setFaults({ dpopMode: 'required' });
      const refused = await exchangeWith();
      assert.equal(refused.response.status, 400);
      assert.deepEqual(refused.body, MISSING_PROOF);
      const bound = await exchangeWith(await createDpopKey());
      assert.equal(bound.body.token_type, 'DPoP');
    });

    test('off issues Bearer tokens even with a proof, until the faults are cleared', async () => {
      await setFaults({ dpopMode: 'off' });
      const ignored = await exchangeWith(await createDpopKey());
      assert.equal(ignored.response.status, 200, JSON.stringify(ignored.body));
      assert.equal(ignored.challenge, undefined);
      assert.equal(ignored.body.token_type, 'Bearer');
      assert.equal(decodeJwt(ignored.body.access_token).cnf, undefined);

      await api('DELETE', '/faults');
      const bound = await exchangeWith(await createDpopKey());
      assert.equal(bound.body.token_type, 'DPoP', 'back to the setting: optional');
    });

    test('optional overrides a provider started with DPoP required', async () => {
      const strict = await startDevProvider({ ...OPTIONS, dpop: 'required', faults: true });
      try {
        const strictApi = (body) => callTestApi(strict.testApiUrl, 'PUT', '/faults', { body });
        const exchangeAt = async () => {
          const { code, verifier } = await signIn(createBrowser(), {
            issuer: strict.issuer,
            client: CLIENT,
            user: USER,
            scope: SCOPE,
          });
          return exchangeCode(strict.issuer, { client: CLIENT, code, verifier });
        };
        assert.deepEqual((await exchangeAt()).body, MISSING_PROOF);
        assert.equal((await strictApi({ dpopMode: 'optional' })).status, 200);
        assert.equal((await exchangeAt()).body.token_type, 'Bearer');
      } finally {
        await strict.close();
      }
    });

    test('refuses a mode that is not required, optional or off', async () => {
      for (const dpopMode of ['sometimes', 'REQUIRED', true, null]) {
        const response = await api('PUT', '/faults', { body: { dpopMode } });
        assert.equal(response.status, 400, String(dpopMode));
        assert.match(response.body.error, /dpopMode must be one of "required", "optional", "off"/);
      }
    });

    test('a nonce challenge is not a grant: only the retry is counted, faulted and held', async () => {
      const dpop = await createDpopKey();
      await setFaults({ dpopMode: 'required' });
      const signedIn = await exchangeWith(dpop);
      assert.equal(signedIn.challenge.body.error, 'use_dpop_nonce');
      assert.deepEqual((await stats()).tokenGrants, { authorization_code: 1, refresh_token: 0 });
      assert.equal((await stats()).dpopNonceChallenges, 1);

      await setFaults({ dpopMode: 'required', tokenGrant: 'refresh_token', tokenHold: true });
      const renewal = refresh(issuer, {
        client: CLIENT,
        refreshToken: signedIn.body.refresh_token,
        dpop,
      });
      for (let waited = 0; (await stats()).heldTokenAnswers !== 1; waited += 10) {
        assert.ok(waited < 5_000, 'the retried renewal was never held');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(await api('POST', '/release').then(({ body }) => body), { released: 1 });
      const { response, challenge } = await renewal;
      assert.equal(challenge.body.error, 'use_dpop_nonce', 'the challenge was answered at once');
      assert.equal(response.status, 200);
      const counted = await stats();
      assert.deepEqual(counted.tokenGrants, { authorization_code: 1, refresh_token: 1 });
      assert.equal(counted.dpopNonceChallenges, 2);
      assert.equal(counted.token, 4);
    });
  });

  describe('other endpoints', () => {
    test('discoveryIssuer changes only the advertised issuer, on both discovery documents', async () => {
      const genuine = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      const other = 'http://localhost:1/oauth2/default';
      await setFaults({ discoveryIssuer: other });
      for (const path of ['openid-configuration', 'oauth-authorization-server']) {
        const response = await fetch(`${issuer}/.well-known/${path}`, { headers: { origin: APP } });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('access-control-allow-origin'), APP);
        const document = await response.json();
        assert.equal(document.issuer, other, path);
        if (path === 'openid-configuration')
          assert.deepEqual(document, { ...genuine, issuer: other });
      }
    });

    test('discoveryStatus and keysStatus answer those statuses, with CORS headers', async () => {
      await setFaults({ discoveryStatus: 503, keysStatus: 500 });
      for (const [path, status] of [
        ['/.well-known/openid-configuration', 503],
        ['/v1/keys', 500],
      ]) {
        const response = await fetch(`${issuer}${path}`, { headers: { origin: APP } });
        assert.equal(response.status, status, path);
        assert.equal(response.headers.get('access-control-allow-origin'), APP, path);
        assert.equal(typeof (await response.json()).error, 'string');
      }
      // Preflights are not faulted: the app's request itself gets the faulty answer.
      const preflight = await fetch(`${issuer}/v1/keys`, {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), APP);
    });

    test('userinfo sets and removes claims of the /v1/userinfo answer', async () => {
      const tokens = await signInForTokens();
      await setFaults({
        userinfo: { set: { sub: 'someone-else', updated_at: 'now-60' }, remove: ['email'] },
      });
      const response = await fetch(`${issuer}/v1/userinfo`, {
        headers: { origin: APP, authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), APP);
      const claims = await response.json();
      assert.equal(claims.sub, 'someone-else');
      assert.equal('email' in claims, false);
      assert.equal(claims.name, 'Ada Lovelace');
      assert.ok(Math.abs(claims.updated_at - (nowSeconds() - 60)) <= 2);
    });

    test('revokeStatus answers that status and revokes nothing', async () => {
      const tokens = await signInForTokens();
      await setFaults({ revokeStatus: 500 });
      const byClient = { origin: APP, headers: basicClientId(CLIENT.id) };
      const revoked = await postForm(
        `${issuer}/v1/revoke`,
        { token: tokens.refresh_token },
        byClient,
      );
      assert.equal(revoked.response.status, 500);
      assert.equal(revoked.body.error, 'server_error');
      assert.equal(revoked.response.headers.get('access-control-allow-origin'), APP);
      const renewed = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
      assert.equal(renewed.response.status, 200);
    });

    test('revokeStallMs holds the answer that long, then revokes', async () => {
      const tokens = await signInForTokens();
      await setFaults({ revokeStallMs: 200 });
      const started = performance.now();
      const revoked = await postForm(
        `${issuer}/v1/revoke`,
        { token: tokens.refresh_token },
        { origin: APP, headers: basicClientId(CLIENT.id) },
      );
      assert.ok(performance.now() - started >= 190, 'answered too early');
      assert.equal(revoked.response.status, 200);
      assert.equal(revoked.response.headers.get('access-control-allow-origin'), APP);
      const renewed = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
      assert.equal(renewed.response.status, 400);
    });
  });
});

test(
  'server.mjs with DEV_PROVIDER_FAULTS=on says so, and SIGTERM stops it at once while a response is stalled',
  { timeout: 15_000 },
  async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('DEV_PROVIDER_')),
    );
    const child = spawn(process.execPath, [SERVER], {
      env: { ...env, DEV_PROVIDER_PORT: '0', DEV_PROVIDER_FAULTS: 'on' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk));
    const exited = once(child, 'exit').then(([code]) => code);
    try {
      while (!output.stdout.includes('Fault switch ON')) {
        await Promise.race([
          once(child.stdout, 'data'),
          exited.then(() => assert.fail(`exited early: ${output.stderr}`)),
        ]);
      }
      const [, origin] = /ready at (http:\/\/localhost:\d+)\/oauth2\/default\n/.exec(output.stdout);
      assert.match(
        output.stdout,
        new RegExp(`^Fault switch ON \\(DEV_PROVIDER_FAULTS=on\\): ${origin}/__test__/ `, 'm'),
      );

      const testApi = `${origin}/__test__`;
      const put = await callTestApi(testApi, 'PUT', '/faults', {
        body: { tokenStallMs: 60_000, revokeStallMs: 60_000 },
      });
      assert.equal(put.status, 200);
      const issuer = `${origin}/oauth2/default`;
      const stalled = [
        postForm(`${issuer}/v1/token`, { grant_type: 'refresh_token', refresh_token: 'x' }),
        postForm(`${issuer}/v1/revoke`, { token: 'x' }, { headers: basicClientId('anyone') }),
      ].map((request) =>
        request.then(
          () => 'answered',
          () => 'connection closed',
        ),
      );
      // Both requests have reached the provider before it is told to stop.
      let counted;
      do counted = (await callTestApi(testApi, 'GET', '/stats')).body;
      while (counted.token + counted.revoke < 2);

      const stopping = performance.now();
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(performance.now() - stopping < 5_000, 'took too long to stop');
      assert.deepEqual(await Promise.all(stalled), ['connection closed', 'connection closed']);
      assert.equal(output.stderr, '');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  },
);
