// The dev provider as @okta/okta-auth-js sees it: the real HTTP flow, with the SDK's requests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import {
  authorizeUrl,
  basicClientId,
  createBrowser,
  exchangeCode,
  formAction,
  hiddenInputs,
  navigate,
  pkcePair,
  postForm,
  refresh,
  signIn,
  submitForm,
} from './testing/oidc-client.mjs';
import { bearerProviderOptions } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const OTHER_ORIGIN = 'http://localhost:9999';
const CLIENT = { id: '0oatestclient0000001', redirectUri: `${APP}/login/callback` };
const PASSWORD = 'Test-Passw0rd!';
const [ADA] = DEMO_USERS;
const USER = { username: ADA.email, password: PASSWORD };
// The app's default scopes: no `groups` scope, yet ID tokens carry the groups claim, as Okta's does.
const SCOPE = 'openid profile email offline_access';

describe('dev provider, as @okta/okta-auth-js sees it', { timeout: 30_000 }, () => {
  let provider;
  let issuer;
  let keys;

  before(async () => {
    // Bearer tokens, as an Okta app that does not require DPoP issues them without a proof;
    // dpop.test.mjs covers DPoP-bound tokens.
    provider = await startDevProvider(bearerProviderOptions(CLIENT, PASSWORD));
    ({ issuer } = provider);
    keys = createLocalJWKSet(await (await fetch(`${issuer}/v1/keys`)).json());
  });

  after(() => provider?.close());

  async function signInForTokens({ scope = SCOPE, browser = createBrowser() } = {}) {
    const callback = await signIn(browser, { issuer, client: CLIENT, user: USER, scope });
    const { response, body } = await exchangeCode(issuer, {
      client: CLIENT,
      code: callback.code,
      verifier: callback.verifier,
    });
    assert.equal(response.status, 200, JSON.stringify(body));
    return { browser, callback, tokens: body };
  }

  function authorize(params) {
    return authorizeUrl(issuer, {
      client_id: CLIENT.id,
      redirect_uri: CLIENT.redirectUri,
      response_type: 'code',
      scope: SCOPE,
      state: 'st4te',
      nonce: 'n0nce',
      ...params,
    });
  }

  function userinfo(accessToken, headers = {}) {
    return fetch(`${issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}`, ...headers },
    });
  }

  function revoke(token, hint) {
    return postForm(
      `${issuer}/v1/revoke`,
      { token, token_type_hint: hint },
      { headers: basicClientId(CLIENT.id) },
    );
  }

  test("discovery advertises Okta's endpoint layout under the issuer", async () => {
    assert.equal(issuer, `http://localhost:${provider.port}/oauth2/default`);
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const discovery = await response.json();
    assert.equal(discovery.issuer, issuer);
    for (const [field, path] of Object.entries({
      authorization_endpoint: '/v1/authorize',
      token_endpoint: '/v1/token',
      jwks_uri: '/v1/keys',
      userinfo_endpoint: '/v1/userinfo',
      end_session_endpoint: '/v1/logout',
      revocation_endpoint: '/v1/revoke',
      introspection_endpoint: '/v1/introspect',
    })) {
      assert.equal(discovery[field], `${issuer}${path}`, field);
    }
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['RS256']);
    for (const scope of SCOPE.split(' ')) assert.ok(discovery.scopes_supported.includes(scope));

    const oauth = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    assert.equal((await oauth.json()).issuer, issuer);
  });

  test('authorize without a PKCE code challenge is refused', async () => {
    const step = await navigate(createBrowser(), authorize(), { stopAt: CLIENT.redirectUri });
    const callback = new URL(step.location);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.match(callback.searchParams.get('error_description'), /PKCE/);
    assert.equal(callback.searchParams.get('state'), 'st4te');
  });

  test('authorize with the plain PKCE method is refused', async () => {
    const { verifier } = pkcePair();
    const step = await navigate(
      createBrowser(),
      authorize({ code_challenge: verifier, code_challenge_method: 'plain' }),
      { stopAt: CLIENT.redirectUri },
    );
    const callback = new URL(step.location);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.match(callback.searchParams.get('error_description'), /code_challenge_method/);
  });

  test('authorize refuses a redirect_uri that is not registered, on an HTML error page', async () => {
    const { challenge } = pkcePair();
    const step = await navigate(
      createBrowser(),
      authorize({ redirect_uri: 'http://localhost:4200/elsewhere', code_challenge: challenge }),
    );
    assert.equal(step.status, 400);
    assert.match(step.html, /<h1>Something went wrong<\/h1>/);
    assert.match(step.html, /redirect_uri/);
  });

  test('the hosted sign-in page is a labelled form with a Sign in button', async () => {
    const { challenge } = pkcePair();
    const page = await navigate(
      createBrowser(),
      authorize({ code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    assert.equal(page.status, 200);
    assert.ok(page.url.startsWith(`${issuer}/interaction/`), page.url);
    const { html } = page;
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<title>Sign In<\/title>/);
    assert.match(html, /<main>[\s\S]*<h1>Sign In<\/h1>[\s\S]*<\/main>/);
    assert.match(html, /<label for="username">Username<\/label>/);
    assert.match(html, /<input id="username" name="username" type="text" autocomplete="username"/);
    assert.match(html, /<label for="password">Password<\/label>/);
    assert.match(
      html,
      /<input id="password" name="password" type="password" autocomplete="current-password"/,
    );
    assert.match(html, /<button type="submit">Sign in<\/button>/);
    assert.doesNotMatch(html, /role="alert"/);
  });

  test('a wrong password shows the sign-in page again with "Unable to sign in" and the username kept', async () => {
    const browser = createBrowser();
    const { challenge } = pkcePair();
    const page = await navigate(
      browser,
      authorize({ code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    const retry = await navigate(browser, formAction(page.html, page.url), {
      method: 'POST',
      form: { username: `<b>${USER.username}</b>"`, password: 'not-the-password' },
    });
    assert.equal(retry.status, 200);
    assert.match(
      retry.html,
      /<p class="error" role="alert" id="sign-in-error">Unable to sign in<\/p>/,
    );
    assert.match(retry.html, /value="&lt;b&gt;ada@example\.com&lt;\/b&gt;&quot;"/);
    assert.doesNotMatch(retry.html, /<b>ada/);
    assert.equal(browser.jar.names().includes('dev_provider_session'), false);
  });

  test("the code flow yields an RS256 ID token with Okta's claims, signed by a key in /v1/keys", async () => {
    const { tokens, callback } = await signInForTokens();
    assert.equal(callback.state, 'st4te');
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'RS256');

    const { payload } = await jwtVerify(tokens.id_token, keys, { issuer, audience: CLIENT.id });
    assert.equal(payload.sub, ADA.id);
    assert.equal(payload.name, 'Ada Lovelace');
    assert.equal(payload.email, 'ada@example.com');
    assert.equal(payload.email_verified, true);
    assert.equal(payload.preferred_username, 'ada@example.com');
    assert.deepEqual(payload.groups, ['Everyone', 'Admins']);
    assert.deepEqual(payload.amr, ['pwd']);
    assert.match(payload.idp, /^00o/);
    assert.equal(payload.nonce, 'n0nce');
    assert.equal(typeof payload.auth_time, 'number');
    assert.equal(payload.exp - payload.iat, 3600);
  });

  test('the access token is an RS256 JWT for the API audience with scp, cid and uid', async () => {
    const { tokens } = await signInForTokens();
    assert.equal(tokens.expires_in, 3600);
    assert.equal(tokens.scope, SCOPE);
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, keys, {
      issuer,
      audience: 'api://default',
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.deepEqual(payload.scp, SCOPE.split(' '));
    assert.equal(payload.cid, CLIENT.id);
    assert.equal(payload.uid, ADA.id);
    assert.equal(payload.sub, ADA.email, 'Okta puts the login in the access token sub');
    assert.equal(payload.exp - payload.iat, 3600);
    assert.equal(typeof payload.jti, 'string');
  });

  test('a refresh token comes only when offline_access is asked for', async () => {
    const offline = await signInForTokens();
    assert.equal(typeof offline.tokens.refresh_token, 'string');

    const online = await signInForTokens({ scope: 'openid profile email' });
    assert.equal(online.tokens.refresh_token, undefined);
    assert.equal(online.tokens.scope, 'openid profile email');
  });

  test('userinfo accepts the access token and answers the claims of its scopes', async () => {
    const { tokens } = await signInForTokens({ scope: 'openid email' });
    const response = await userinfo(tokens.access_token);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      sub: ADA.id,
      email: 'ada@example.com',
      email_verified: true,
      groups: ['Everyone', 'Admins'],
    });

    const full = await signInForTokens();
    const claims = await (await userinfo(full.tokens.access_token)).json();
    assert.equal(claims.name, 'Ada Lovelace');
    assert.deepEqual(claims.groups, ['Everyone', 'Admins']);
  });

  test('userinfo refuses a missing or forged token with a WWW-Authenticate challenge', async () => {
    const missing = await fetch(`${issuer}/v1/userinfo`);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate'), /^Bearer .*error="invalid_request"/);

    const { tokens } = await signInForTokens({ scope: 'openid' });
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    const response = await userinfo(forged);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate'), /error="invalid_token"/);
    assert.equal((await response.json()).error, 'invalid_token');
  });

  test('refresh rotates the refresh token and refuses the old one with invalid_grant', async () => {
    const { tokens } = await signInForTokens();
    const first = await refresh(issuer, {
      client: CLIENT,
      refreshToken: tokens.refresh_token,
      scope: tokens.scope,
    });
    assert.equal(first.response.status, 200, JSON.stringify(first.body));
    assert.notEqual(first.body.refresh_token, tokens.refresh_token);
    assert.equal(decodeJwt(first.body.access_token).aud, 'api://default');
    await jwtVerify(first.body.id_token, keys, { issuer, audience: CLIENT.id });

    const reused = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
    assert.equal(reused.response.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
  });

  test('revoke takes Basic base64(client_id) with no colon and answers 200 for an access token', async () => {
    const { tokens } = await signInForTokens();
    assert.equal((await userinfo(tokens.access_token)).status, 200);

    const { response } = await revoke(tokens.access_token, 'access_token');
    assert.equal(response.status, 200);
    assert.equal((await userinfo(tokens.access_token)).status, 401);
  });

  test('a revoked refresh token is refused with invalid_grant', async () => {
    const { tokens } = await signInForTokens();
    const { response } = await revoke(tokens.refresh_token, 'refresh_token');
    assert.equal(response.status, 200);

    const attempt = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
    assert.equal(attempt.response.status, 400);
    assert.equal(attempt.body.error, 'invalid_grant');
  });

  test('revoke answers 200 for unknown tokens and refuses an unknown client', async () => {
    assert.equal((await revoke('not-a-token')).response.status, 200);
    const stranger = await postForm(
      `${issuer}/v1/revoke`,
      { token: 'not-a-token' },
      { headers: basicClientId('0oasomeoneelse000001') },
    );
    assert.equal(stranger.response.status, 401);
    assert.equal(stranger.body.error, 'invalid_client');
  });

  test('introspect reports live tokens as active and revoked ones as inactive', async () => {
    const { tokens } = await signInForTokens();
    const introspect = (token) =>
      postForm(`${issuer}/v1/introspect`, { token }, { headers: basicClientId(CLIENT.id) });

    const access = await introspect(tokens.access_token);
    assert.equal(access.response.status, 200);
    assert.equal(access.body.active, true);
    assert.equal(access.body.username, ADA.email);
    assert.equal(access.body.uid, ADA.id);
    assert.equal(access.body.client_id, CLIENT.id);
    assert.equal((await introspect(tokens.refresh_token)).body.active, true);

    await revoke(tokens.refresh_token);
    assert.deepEqual((await introspect(tokens.refresh_token)).body, { active: false });
    assert.deepEqual((await introspect(tokens.access_token)).body, { active: false });
  });

  test('logout with id_token_hint signs out without a confirmation step and redirects with state', async () => {
    const { browser, tokens } = await signInForTokens();
    const { challenge } = pkcePair();
    const again = authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    const sso = await navigate(browser, again, { stopAt: CLIENT.redirectUri });
    assert.ok(sso.location, 'signed in: a new authorization needs no sign-in page');

    const logout = `${issuer}/v1/logout?${new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: APP,
      state: 'bye',
    })}`;
    const page = await navigate(browser, logout);
    assert.equal(page.status, 200);
    // The page posts oidc-provider's logout form by script: nothing for the user to click.
    assert.match(
      page.html,
      /<script>document\.getElementById\('op\.logoutForm'\)\.submit\(\);<\/script>/,
    );
    assert.doesNotMatch(page.html.replace(/<noscript>[\s\S]*<\/noscript>/, ''), /<button/);
    assert.equal(hiddenInputs(page.html).logout, 'yes');

    const done = await submitForm(browser, page.html, page.url, { stopAt: APP });
    const back = new URL(done.location);
    assert.equal(back.origin, APP);
    assert.equal(back.pathname, '/');
    assert.equal(back.searchParams.get('state'), 'bye');

    const afterLogout = await navigate(browser, again, { stopAt: CLIENT.redirectUri });
    assert.equal(afterLogout.status, 200);
    assert.match(afterLogout.html, /<h1>Sign In<\/h1>/);

    // Like Okta, logout leaves tokens alone (okta-auth-js revokes them itself before logging out).
    const renewed = await refresh(issuer, { client: CLIENT, refreshToken: tokens.refresh_token });
    assert.equal(renewed.response.status, 200);
  });

  test('logout refuses a post_logout_redirect_uri that is not registered', async () => {
    const { browser, tokens } = await signInForTokens();
    const logout = `${issuer}/v1/logout?${new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'http://localhost:4200/elsewhere',
      state: 'bye',
    })}`;
    const response = await browser.request(logout, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    const html = await response.text();
    // Okta's words (app-settings.mjs); the page escapes the quotes.
    assert.match(
      html,
      /The &#39;post_logout_redirect_uri&#39; parameter must be a Logout redirect URI in the client app settings\./,
    );
  });

  describe('CORS', () => {
    let accessToken;

    before(async () => {
      const { tokens } = await signInForTokens();
      accessToken = tokens.access_token;
    });

    /** The SPA's fetch calls and their preflights, sent from `origin`. */
    async function callsFrom(origin) {
      const form = { 'content-type': 'application/x-www-form-urlencoded', origin };
      const calls = {
        discovery: fetch(`${issuer}/.well-known/openid-configuration`, { headers: { origin } }),
        keys: fetch(`${issuer}/v1/keys`, { headers: { origin } }),
        token: fetch(`${issuer}/v1/token`, {
          method: 'POST',
          headers: form,
          body: `client_id=${CLIENT.id}&grant_type=refresh_token&refresh_token=unknown`,
        }),
        userinfo: fetch(`${issuer}/v1/userinfo`, {
          headers: { origin, authorization: `Bearer ${accessToken}` },
        }),
        revoke: fetch(`${issuer}/v1/revoke`, {
          method: 'POST',
          headers: { ...form, ...basicClientId(CLIENT.id) },
          body: 'token=unknown',
        }),
        introspect: fetch(`${issuer}/v1/introspect`, {
          method: 'POST',
          headers: { ...form, ...basicClientId(CLIENT.id) },
          body: 'token=unknown',
        }),
      };
      for (const [name, path, method] of [
        ['token preflight', '/v1/token', 'POST'],
        ['userinfo preflight', '/v1/userinfo', 'GET'],
        ['revoke preflight', '/v1/revoke', 'POST'],
        ['keys preflight', '/v1/keys', 'GET'],
      ]) {
        calls[name] = fetch(`${issuer}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization,x-okta-user-agent-extended',
          },
        });
      }
      const names = Object.keys(calls);
      const responses = await Promise.all(Object.values(calls));
      return Object.fromEntries(names.map((name, i) => [name, responses[i]]));
    }

    test('echoes the app origin on every endpoint the SPA fetches, preflights included', async () => {
      const responses = await callsFrom(APP);
      for (const [name, response] of Object.entries(responses)) {
        assert.equal(response.headers.get('access-control-allow-origin'), APP, name);
        assert.match(response.headers.get('vary') ?? '', /Origin/i, name);
      }
      const preflight = responses['token preflight'];
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
      assert.equal(
        preflight.headers.get('access-control-allow-headers'),
        'authorization,x-okta-user-agent-extended',
      );
      assert.equal(responses.userinfo.status, 200);
      assert.equal(responses.revoke.status, 200);
    });

    test('gives any other origin no Access-Control-Allow-Origin, preflights included', async () => {
      const responses = await callsFrom(OTHER_ORIGIN);
      for (const [name, response] of Object.entries(responses)) {
        assert.equal(response.headers.get('access-control-allow-origin'), null, name);
        assert.equal(response.headers.get('access-control-allow-headers'), null, name);
      }
    });
  });

  test("answers only at the issuer's host and under its path", async () => {
    const byIp = await fetch(`http://127.0.0.1:${provider.port}/oauth2/default/v1/keys`);
    assert.equal(byIp.status, 421);
    const outside = await fetch(
      `http://localhost:${provider.port}/.well-known/openid-configuration`,
    );
    assert.equal(outside.status, 404);
    assert.match(await outside.text(), new RegExp(`${issuer}`));
  });
});
