// The Okta app and org settings developers get wrong, as settings of the embedded provider: each
// misconfigured answer (status, Location, body, headers) next to the good one, as a doctor that
// sends its requests without following redirects sees them. README.md, "Misconfigurations, as Okta
// answers them", lists the answers and their sources.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { decodeJwt } from 'jose';

import { DEMO_USERS } from './accounts.mjs';
import {
  appAuthorizeUrl,
  createBrowser,
  createDpopKey,
  exchangeCode,
  pkcePair,
  postForm,
  refresh,
  submitForm,
} from './testing/oidc-client.mjs';
import { bearerProviderOptions, signInForTokens, useDevProvider } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const CALLBACK = `${APP}/login/callback`;
const CLIENT = { id: '0oamisconfigured0001', redirectUri: CALLBACK };
const PASSWORD = 'Doctor-Passw0rd!';
const [ADA] = DEMO_USERS;
const USER = { username: ADA.email, password: PASSWORD };
// The app's scopes, refresh token included.
const SCOPE = 'openid profile email offline_access';
const SIGN_IN = { client: CLIENT, user: USER, scope: SCOPE };
function useProvider(options = {}) {
  return useDevProvider({ ...bearerProviderOptions(CLIENT, PASSWORD), ...options }, SIGN_IN);
}

/** GET without following redirects, as the doctor sends it: status, Location, type, body. */
async function manualGet(url) {
  return answerOf(await fetch(url, { redirect: 'manual' }));
}

async function answerOf(response) {
  return {
    status: response.status,
    location: response.headers.get('location'),
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

/** Okta's HTML error page for an authorization request it cannot send back to the app. */
function assertErrorPage(answer, code, description) {
  assert.equal(answer.status, 400);
  assert.equal(answer.location, null);
  assert.match(answer.type, /^text\/html/);
  assert.match(answer.body, new RegExp(`<dd><code>${code}</code></dd>`));
  // The page escapes quotes as &#39;.
  const escaped = description.replaceAll("'", '&#39;');
  assert.ok(answer.body.includes(`<dd>${escaped}</dd>`), answer.body);
}

/** The redirect of an authorization request oidc-provider accepted: on to the sign-in page. */
function assertSignInRedirect(answer, issuer) {
  assert.equal(answer.status, 303);
  // A path, relative to the issuer's origin.
  const next = new URL(answer.location, issuer).href;
  assert.ok(next.startsWith(`${issuer}/interaction/`), answer.location);
}

describe('unknown client_id', () => {
  const ctx = useProvider();

  test('is refused on an HTML page with 400 invalid_client, without a redirect', async () => {
    const answer = await manualGet(
      appAuthorizeUrl(ctx.issuer, SIGN_IN, { client_id: '0oanotregistered0001' }),
    );
    assertErrorPage(answer, 'invalid_client', "Invalid value for 'client_id' parameter.");
    // The registered one goes on to the sign-in page.
    assertSignInRedirect(await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN)), ctx.issuer);
  });
});

describe('DEV_PROVIDER_REDIRECT_URIS: sign-in redirect URIs', () => {
  describe('without the app callback', () => {
    const ctx = useProvider({ redirectUris: [`${APP}/callback`] });

    test('refuses the app callback on an HTML page with 400 invalid_request, without a redirect', async () => {
      assertErrorPage(
        await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN)),
        'invalid_request',
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
      );
      // The URI that is registered goes on to the sign-in page.
      const answer = await manualGet(
        appAuthorizeUrl(ctx.issuer, SIGN_IN, { redirect_uri: `${APP}/callback` }),
      );
      assertSignInRedirect(answer, ctx.issuer);
    });
  });

  describe('by default', () => {
    const ctx = useProvider();

    test('registers <app origin>/login/callback and compares exactly: a trailing slash is another URI', async () => {
      assertSignInRedirect(await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN)), ctx.issuer);
      assertErrorPage(
        await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN, { redirect_uri: `${CALLBACK}/` })),
        'invalid_request',
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
      );
    });
  });
});

describe('DEV_PROVIDER_POST_LOGOUT_URIS: sign-out redirect URIs', () => {
  /** /v1/logout as okta-auth-js sends it after a sign-in, to `target`. */
  async function logout(issuer, target) {
    const browser = createBrowser();
    const tokens = await signInForTokens(issuer, { ...SIGN_IN, browser });
    const url = `${issuer}/v1/logout?${new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: target,
      state: 'bye',
    })}`;
    return { browser, response: await browser.request(url, { headers: { accept: 'text/html' } }) };
  }

  describe('without the app origin', () => {
    const ctx = useProvider({ postLogoutRedirectUris: [`${APP}/signed-out`] });

    test('refuses a sign-out back to the app origin on an HTML page with 400 invalid_request', async () => {
      const { response } = await logout(ctx.issuer, APP);
      assertErrorPage(
        await answerOf(response),
        'invalid_request',
        "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.",
      );
    });

    test('signs out to the URI that is registered', async () => {
      const { browser, response } = await logout(ctx.issuer, `${APP}/signed-out`);
      assert.equal(response.status, 200);
      const html = await response.text();
      const done = await submitForm(browser, html, response.url, { stopAt: APP });
      const back = new URL(done.location);
      assert.equal(`${back.origin}${back.pathname}`, `${APP}/signed-out`);
      assert.equal(back.searchParams.get('state'), 'bye');
    });
  });
});

describe('DEV_PROVIDER_TRUSTED_ORIGINS: CORS', () => {
  const OTHER = 'http://localhost:5555';

  function preflight(issuer, path, origin) {
    return fetch(`${issuer}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,dpop,x-okta-user-agent-extended',
      },
    });
  }

  function assertNoCors(response, name) {
    for (const header of [
      'access-control-allow-origin',
      'access-control-allow-methods',
      'access-control-allow-headers',
      'access-control-expose-headers',
    ]) {
      assert.equal(response.headers.get(header), null, `${name}: ${header}`);
    }
  }

  describe('without the app origin', () => {
    const ctx = useProvider({ trustedOrigins: [OTHER] });

    test('answers the app origin’s token preflight 204 without Access-Control-Allow-Origin', async () => {
      const response = await preflight(ctx.issuer, '/v1/token', APP);
      assert.equal(response.status, 204);
      assertNoCors(response, 'token preflight');
    });

    test('answers the app origin’s GET of the keys and token POST without Access-Control-Allow-Origin', async () => {
      const keys = await fetch(`${ctx.issuer}/v1/keys`, { headers: { origin: APP } });
      assert.equal(keys.status, 200);
      assertNoCors(keys, 'keys');
      const { response } = await postForm(
        `${ctx.issuer}/v1/token`,
        { client_id: CLIENT.id, grant_type: 'refresh_token', refresh_token: 'unknown' },
        { origin: APP },
      );
      assertNoCors(response, 'token');
    });

    test('allows the trusted origin, and still signs the app in (redirects are not CORS)', async () => {
      const response = await preflight(ctx.issuer, '/v1/token', OTHER);
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), OTHER);
      const keys = await fetch(`${ctx.issuer}/v1/keys`, { headers: { origin: OTHER } });
      assert.equal(keys.headers.get('access-control-allow-origin'), OTHER);
      assert.equal((await ctx.tokens()).token_type, 'Bearer');
    });
  });
});

describe('DEV_PROVIDER_GRANT_TYPES: the app’s grant types', () => {
  const refreshProbe = (issuer, dpop) =>
    refresh(issuer, {
      client: CLIENT,
      refreshToken: 'not-a-refresh-token',
      dpop,
      retryNonce: false,
    });

  describe('without Refresh Token', () => {
    const ctx = useProvider({ grantTypes: ['authorization_code'] });

    test('accepts offline_access but signs in without a refresh token or offline_access granted', async () => {
      // As Okta: the authorization request itself looks like a good one.
      assertSignInRedirect(await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN)), ctx.issuer);
      const tokens = await ctx.tokens();
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.scope, 'openid profile email');
      assert.deepEqual(decodeJwt(tokens.access_token).scp, ['openid', 'profile', 'email']);
    });

    test('refuses the refresh token grant with 400 unauthorized_client naming the configured grants', async () => {
      const { response, body } = await refreshProbe(ctx.issuer);
      assert.equal(response.status, 400);
      assert.deepEqual(body, {
        error: 'unauthorized_client',
        error_description:
          'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].',
      });
    });
  });

  describe('without Refresh Token, DPoP required', () => {
    const ctx = useProvider({ grantTypes: ['authorization_code'], dpop: 'required' });

    test('refuses a refresh probe with a proof as unauthorized_client, before any nonce challenge', async () => {
      const { response, body } = await refreshProbe(ctx.issuer, await createDpopKey());
      assert.equal(response.status, 400);
      assert.equal(body.error, 'unauthorized_client');
      assert.equal(response.headers.get('dpop-nonce'), null);
    });
  });

  describe('with Implicit instead of Authorization Code', () => {
    const ctx = useProvider({ grantTypes: ['implicit', 'refresh_token'] });

    test('sends a code request back to the redirect URI with unsupported_response_type', async () => {
      const answer = await manualGet(appAuthorizeUrl(ctx.issuer, SIGN_IN));
      assert.equal(answer.status, 303);
      const callback = new URL(answer.location);
      assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK);
      assert.deepEqual(Object.fromEntries(callback.searchParams), {
        error: 'unsupported_response_type',
        error_description:
          'The response type is not supported by the authorization server. Configured response types: [token, id_token]',
        state: 'st4te',
        iss: ctx.issuer,
      });
    });

    test('refuses the authorization code grant with 400 unauthorized_client', async () => {
      const { response, body } = await exchangeCode(ctx.issuer, {
        client: CLIENT,
        code: 'not-a-code',
        verifier: pkcePair().verifier,
      });
      assert.equal(response.status, 400);
      assert.deepEqual(body, {
        error: 'unauthorized_client',
        error_description:
          'The client is not authorized to use the provided grant type. Configured grant types: [implicit, refresh_token].',
      });
    });
  });
});

describe('DEV_PROVIDER_GROUPS_CLAIM', () => {
  async function claims(ctx, scope) {
    const tokens = await signInForTokens(ctx.issuer, { ...SIGN_IN, scope });
    const userinfo = await fetch(`${ctx.issuer}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    return { idToken: decodeJwt(tokens.id_token), userinfo: await userinfo.json() };
  }

  describe('off', () => {
    const ctx = useProvider({ groupsClaim: false });

    test('leaves groups out of the ID token and userinfo, even with the groups scope', async () => {
      for (const scope of [SCOPE, `${SCOPE} groups`]) {
        const { idToken, userinfo } = await claims(ctx, scope);
        assert.equal('groups' in idToken, false, scope);
        assert.equal('groups' in userinfo, false, scope);
        assert.equal(idToken.email, ADA.email, scope);
        assert.equal(userinfo.name, ADA.name, scope);
      }
      const discovery = await (
        await fetch(`${ctx.issuer}/.well-known/openid-configuration`)
      ).json();
      assert.equal(discovery.claims_supported.includes('groups'), false);
    });
  });
});

describe('DEV_PROVIDER_AUDIENCE', () => {
  const ctx = useProvider({ audience: 'api://another-api' });

  test('sets the access token audience', async () => {
    assert.equal(decodeJwt((await ctx.tokens()).access_token).aud, 'api://another-api');
  });
});

describe('DEV_PROVIDER_CLOCK_SKEW_SECONDS: the Date header', () => {
  function assertDateOffBy(response, seconds) {
    const date = Date.parse(response.headers.get('date'));
    const expected = Date.now() + seconds * 1000;
    // The header has whole seconds, and the request took a moment.
    assert.ok(Math.abs(date - expected) < 3000, `${response.headers.get('date')} vs ${seconds} s`);
  }

  describe('an hour ahead', () => {
    const ctx = useProvider({ clockSkewSeconds: 3600 });

    test('shifts the Date header of every answer, the tokens keep the real time', async () => {
      const discovery = await fetch(`${ctx.issuer}/.well-known/openid-configuration`);
      assertDateOffBy(discovery, 3600);
      assertDateOffBy(await fetch(`${ctx.issuer}/v1/keys`), 3600);
      assertDateOffBy(await fetch(`${ctx.issuer.replace('/default', '/other')}/v1/keys`), 3600);
      const { iat } = decodeJwt((await ctx.tokens()).access_token);
      assert.ok(Math.abs(iat - Date.now() / 1000) < 5, `iat ${iat}`);
    });
  });
});

describe('another authorization server id', () => {
  const ctx = useProvider();

  test('has no discovery document: 404, while the configured one answers 200', async () => {
    const origin = new URL(ctx.issuer).origin;
    for (const id of ['other', 'aus0123456789abcdef', 'default2']) {
      const response = await fetch(`${origin}/oauth2/${id}/.well-known/openid-configuration`);
      assert.equal(response.status, 404, id);
      await response.body?.cancel();
    }
    const good = await fetch(`${ctx.issuer}/.well-known/openid-configuration`);
    assert.equal(good.status, 200);
    assert.equal((await good.json()).issuer, ctx.issuer);
  });
});
