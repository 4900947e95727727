// DPoP (RFC 9449) as an Okta app with "Require DPoP header in token requests" applies it, and the
// other two modes of DEV_PROVIDER_DPOP: bound tokens, the nonce challenge, and the attacks a bound
// token must withstand at the token and userinfo endpoints.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';

import { DEMO_USERS } from './accounts.mjs';
import {
  basicClientId,
  createDpopKey,
  exchangeCode,
  postForm,
  refresh,
} from './testing/oidc-client.mjs';
import { useDevProvider } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const CLIENT = { id: '0oadpopclient0000001', redirectUri: `${APP}/login/callback` };
const PASSWORD = 'Dpop-Passw0rd!';
const [ADA] = DEMO_USERS;
const USER = { username: ADA.email, password: PASSWORD };
const SCOPE = 'openid profile email offline_access';
const OKTA_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const OPTIONS = { port: 0, clientId: CLIENT.id, appOrigins: [APP], password: PASSWORD };

/** A provider started with `options` and helpers bound to it, for one describe block. */
function useProvider(options) {
  const context = useDevProvider(
    { ...OPTIONS, ...options },
    { client: CLIENT, user: USER, scope: SCOPE },
  );
  context.refresh = (refreshToken, dpop) =>
    refresh(context.issuer, { client: CLIENT, refreshToken, dpop });
  context.userinfoUrl = () => `${context.issuer}/v1/userinfo`;
  context.userinfo = (headers, method = 'GET') => fetch(context.userinfoUrl(), { method, headers });
  context.introspect = (token) =>
    postForm(`${context.issuer}/v1/introspect`, { token }, { headers: basicClientId(CLIENT.id) });
  return context;
}

/** The userinfo request okta-auth-js's getDPoPAuthorizationHeaders makes. */
async function dpopHeaders(dpop, { accessToken, url, method = 'GET', ...proof }) {
  return {
    authorization: `DPoP ${accessToken}`,
    dpop: await dpop.proof({ method, url, accessToken, ...proof }),
  };
}

function assertChallenge(response, scheme, error) {
  const header = response.headers.get('www-authenticate') ?? '';
  assert.ok(header.startsWith(`${scheme} `), header);
  assert.match(header, new RegExp(`error="${error}"`));
  if (scheme === 'DPoP') assert.match(header, new RegExp(`algs="${OKTA_ALGS.join(' ')}"`));
}

describe('DPoP required (the default)', { timeout: 30_000 }, () => {
  const ctx = useProvider({});

  test("defaults to required and advertises Okta's DPoP algorithms in discovery", async () => {
    for (const path of ['openid-configuration', 'oauth-authorization-server']) {
      const discovery = await (await fetch(`${ctx.issuer}/.well-known/${path}`)).json();
      assert.deepEqual(discovery.dpop_signing_alg_values_supported, OKTA_ALGS, path);
    }
  });

  test('challenges the first proof with use_dpop_nonce and a DPoP-Nonce the app origin can read', async () => {
    const dpop = await createDpopKey();
    const { code, verifier } = await ctx.signIn();
    const first = await exchangeCode(ctx.issuer, {
      client: CLIENT,
      code,
      verifier,
      dpop,
      origin: APP,
      retryNonce: false,
    });
    assert.equal(first.response.status, 400);
    assert.equal(first.body.error, 'use_dpop_nonce');
    const nonce = first.response.headers.get('dpop-nonce');
    assert.match(nonce ?? '', /^[\w-]{20,}$/);
    assert.equal(first.response.headers.get('access-control-allow-origin'), APP);
    const exposed = first.response.headers.get('access-control-expose-headers') ?? '';
    assert.match(exposed, /(^|, *)DPoP-Nonce(,|$)/i);
    assert.match(exposed, /(^|, *)WWW-Authenticate(,|$)/i);

    // The challenge consumed nothing: the same code, retried with the nonce, is exchanged.
    const retry = await exchangeCode(ctx.issuer, { client: CLIENT, code, verifier, dpop });
    assert.equal(retry.challenge.body.error, 'use_dpop_nonce');
    assert.equal(retry.response.status, 200, JSON.stringify(retry.body));
  });

  test('binds the access token to the proof key: cnf.jkt is its thumbprint, token_type DPoP', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    assert.equal(tokens.token_type, 'DPoP');
    const claims = decodeJwt(tokens.access_token);
    assert.deepEqual(claims.cnf, { jkt: dpop.jkt });
    // Okta's claims are still there.
    assert.equal(claims.cid, CLIENT.id);
    assert.equal(claims.uid, ADA.id);
    assert.equal(claims.sub, ADA.email);
  });

  test("accepts a proof signed with ES256, one of Okta's algorithms", async () => {
    const dpop = await createDpopKey({ alg: 'ES256' });
    const tokens = await ctx.tokens(dpop);
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt: dpop.jkt });
  });

  test('refuses a proof signed with an algorithm Okta does not list (PS256)', async () => {
    const dpop = await createDpopKey({ alg: 'PS256' });
    const { code, verifier } = await ctx.signIn();
    const { response, body } = await exchangeCode(ctx.issuer, {
      client: CLIENT,
      code,
      verifier,
      dpop,
    });
    assert.equal(response.status, 400);
    assert.equal(body.error, 'invalid_dpop_proof');
  });

  test("answers a code exchange without a proof with Okta's 400, consuming nothing", async () => {
    const { code, verifier } = await ctx.signIn();
    const { response, body } = await exchangeCode(ctx.issuer, {
      client: CLIENT,
      code,
      verifier,
      origin: APP,
    });
    assert.equal(response.status, 400);
    assert.deepEqual(body, {
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof JWT header is missing.',
    });
    assert.equal(response.headers.get('access-control-allow-origin'), APP);
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const withProof = await exchangeCode(ctx.issuer, {
      client: CLIENT,
      code,
      verifier,
      dpop: await createDpopKey(),
    });
    assert.equal(withProof.response.status, 200, JSON.stringify(withProof.body));
  });

  test('refreshes with a proof of the same key, keeping the new tokens bound to it', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    const renewed = await ctx.refresh(tokens.refresh_token, dpop);
    assert.equal(renewed.response.status, 200, JSON.stringify(renewed.body));
    assert.equal(renewed.body.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(renewed.body.access_token).cnf, { jkt: dpop.jkt });

    const rotated = await ctx.refresh(renewed.body.refresh_token, await createDpopKey());
    assert.equal(rotated.response.status, 400, 'the rotated refresh token is bound too');
  });

  describe('a stolen refresh token, used without the key', () => {
    test("is refused without a proof, with Okta's missing-proof answer", async () => {
      const tokens = await ctx.tokens(await createDpopKey());
      const stolen = await ctx.refresh(tokens.refresh_token);
      assert.equal(stolen.response.status, 400);
      assert.equal(stolen.body.error, 'invalid_dpop_proof');
    });

    test('is refused with a proof of another key, and stays usable by its owner', async () => {
      const dpop = await createDpopKey();
      const tokens = await ctx.tokens(dpop);
      const stolen = await ctx.refresh(tokens.refresh_token, await createDpopKey());
      assert.equal(stolen.response.status, 400);
      assert.equal(stolen.body.error, 'invalid_grant');
      assert.equal(stolen.challenge?.body.error, 'use_dpop_nonce', 'the proof itself was valid');
      assert.equal(stolen.body.access_token, undefined);

      const owner = await ctx.refresh(tokens.refresh_token, dpop);
      assert.equal(owner.response.status, 200, JSON.stringify(owner.body));
    });
  });

  test('refuses a token request whose proof was already used', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    const url = `${ctx.issuer}/v1/token`;
    const renewed = await ctx.refresh(tokens.refresh_token, dpop);
    const nonce = renewed.challenge.response.headers.get('dpop-nonce');
    const proof = await dpop.proof({ method: 'POST', url, nonce });
    const send = (refreshToken) =>
      postForm(
        url,
        { client_id: CLIENT.id, grant_type: 'refresh_token', refresh_token: refreshToken },
        { headers: { dpop: proof } },
      );
    const first = await send(renewed.body.refresh_token);
    assert.equal(first.response.status, 200, JSON.stringify(first.body));
    const replayed = await send(first.body.refresh_token);
    assert.equal(replayed.response.status, 400);
    assert.equal(replayed.body.error, 'invalid_grant');
    // Only the proof was wrong: the same refresh token with a fresh proof is good.
    const fresh = await ctx.refresh(first.body.refresh_token, dpop);
    assert.equal(fresh.response.status, 200, JSON.stringify(fresh.body));
  });

  describe('/v1/userinfo', () => {
    let dpop;
    let accessToken;

    before(async () => {
      dpop = await createDpopKey();
      ({ access_token: accessToken } = await ctx.tokens(dpop));
    });

    test('answers the DPoP scheme with a proof of the bound key', async () => {
      const response = await ctx.userinfo(
        await dpopHeaders(dpop, { accessToken, url: ctx.userinfoUrl() }),
      );
      assert.equal(response.status, 200);
      const claims = await response.json();
      assert.equal(claims.sub, ADA.id);
      assert.equal(claims.email, ADA.email);
    });

    test('refuses the bound token as Bearer, with a DPoP challenge', async () => {
      const response = await ctx.userinfo({ authorization: `Bearer ${accessToken}` });
      assert.equal(response.status, 401);
      assert.equal((await response.json()).error, 'invalid_token');
      assertChallenge(response, 'DPoP', 'invalid_token');
    });

    test('refuses the bound token as Bearer even with a valid proof beside it', async () => {
      const { dpop: proof } = await dpopHeaders(dpop, { accessToken, url: ctx.userinfoUrl() });
      const response = await ctx.userinfo({ authorization: `Bearer ${accessToken}`, dpop: proof });
      assert.equal(response.status, 401);
      assertChallenge(response, 'DPoP', 'invalid_token');
    });

    test('refuses the DPoP scheme without a proof', async () => {
      const response = await ctx.userinfo({ authorization: `DPoP ${accessToken}` });
      assert.equal(response.status, 401);
      assertChallenge(response, 'DPoP', 'invalid_dpop_proof');
    });

    test('refuses a proof signed by another key', async () => {
      const other = await createDpopKey();
      const response = await ctx.userinfo(
        await dpopHeaders(other, { accessToken, url: ctx.userinfoUrl() }),
      );
      assert.equal(response.status, 401);
      assert.equal((await response.json()).error, 'invalid_dpop_proof');
      assertChallenge(response, 'DPoP', 'invalid_dpop_proof');
    });

    test('refuses a replayed proof', async () => {
      const headers = await dpopHeaders(dpop, { accessToken, url: ctx.userinfoUrl() });
      assert.equal((await ctx.userinfo(headers)).status, 200);
      const replayed = await ctx.userinfo(headers);
      assert.equal(replayed.status, 401);
      assertChallenge(replayed, 'DPoP', 'invalid_dpop_proof');
    });

    test('refuses a proof made for another URL or another method', async () => {
      for (const [name, proof] of [
        ['token endpoint URL', { url: `${ctx.issuer}/v1/token` }],
        ['other host', { url: ctx.userinfoUrl().replace('localhost', '127.0.0.1') }],
        ['POST proof', { url: ctx.userinfoUrl(), method: 'POST' }],
      ]) {
        const response = await ctx.userinfo(await dpopHeaders(dpop, { accessToken, ...proof }));
        assert.equal(response.status, 401, name);
        assertChallenge(response, 'DPoP', 'invalid_dpop_proof');
      }
    });

    test('refuses a proof made for another access token', async () => {
      const other = (await ctx.tokens(dpop)).access_token;
      const response = await ctx.userinfo({
        authorization: `DPoP ${accessToken}`,
        dpop: await dpop.proof({ method: 'GET', url: ctx.userinfoUrl(), accessToken: other }),
      });
      assert.equal(response.status, 401);
      assertChallenge(response, 'DPoP', 'invalid_dpop_proof');
    });

    test('lets the app origin read the challenge headers', async () => {
      const response = await ctx.userinfo({
        origin: APP,
        authorization: `Bearer ${accessToken}`,
      });
      assert.equal(response.headers.get('access-control-allow-origin'), APP);
      const exposed = response.headers.get('access-control-expose-headers') ?? '';
      assert.match(exposed, /(^|, *)WWW-Authenticate(,|$)/i);
      assert.match(exposed, /(^|, *)DPoP-Nonce(,|$)/i);

      for (const [url, method] of [
        [ctx.userinfoUrl(), 'GET'],
        [`${ctx.issuer}/v1/token`, 'POST'],
      ]) {
        const preflight = await fetch(url, {
          method: 'OPTIONS',
          headers: {
            origin: APP,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization,dpop',
          },
        });
        assert.equal(preflight.status, 204, url);
        assert.equal(preflight.headers.get('access-control-allow-origin'), APP, url);
        assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,dpop');
      }
    });
  });

  test('introspection reports the binding of access and refresh tokens', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    const access = await ctx.introspect(tokens.access_token);
    assert.equal(access.body.active, true);
    assert.equal(access.body.token_type, 'DPoP');
    assert.deepEqual(access.body.cnf, { jkt: dpop.jkt });
    const refreshToken = await ctx.introspect(tokens.refresh_token);
    assert.equal(refreshToken.body.active, true);
    assert.deepEqual(refreshToken.body.cnf, { jkt: dpop.jkt });
  });

  test('revokes bound tokens without a proof', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    const revoke = (token) =>
      postForm(`${ctx.issuer}/v1/revoke`, { token }, { headers: basicClientId(CLIENT.id) });
    assert.equal((await revoke(tokens.access_token)).response.status, 200);
    const userinfo = await ctx.userinfo(
      await dpopHeaders(dpop, { accessToken: tokens.access_token, url: ctx.userinfoUrl() }),
    );
    assert.equal(userinfo.status, 401);
    assertChallenge(userinfo, 'DPoP', 'invalid_token');

    assert.equal((await revoke(tokens.refresh_token)).response.status, 200);
    const renewal = await ctx.refresh(tokens.refresh_token, dpop);
    assert.equal(renewal.body.error, 'invalid_grant');
  });
});

describe('DPoP optional', { timeout: 30_000 }, () => {
  const ctx = useProvider({ dpop: 'optional' });

  test('refuses an unbound token presented with the DPoP scheme', async () => {
    const dpop = await createDpopKey();
    const { access_token: accessToken } = await ctx.tokens();
    const response = await ctx.userinfo(
      await dpopHeaders(dpop, { accessToken, url: ctx.userinfoUrl() }),
    );
    assert.equal(response.status, 401);
    assertChallenge(response, 'DPoP', 'invalid_token');
  });

  test('issues Bearer tokens without a proof, and bound ones with a proof', async () => {
    const bearer = await ctx.tokens();
    assert.equal(bearer.token_type, 'Bearer');
    assert.equal(decodeJwt(bearer.access_token).cnf, undefined);
    const userinfo = await ctx.userinfo({ authorization: `Bearer ${bearer.access_token}` });
    assert.equal(userinfo.status, 200);
    assert.equal((await ctx.refresh(bearer.refresh_token)).response.status, 200);

    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    assert.equal(tokens.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt: dpop.jkt });

    const stolen = await ctx.refresh(tokens.refresh_token);
    assert.equal(stolen.response.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.equal((await ctx.refresh(tokens.refresh_token, dpop)).response.status, 200);
  });
});

describe('DPoP off', { timeout: 30_000 }, () => {
  const ctx = useProvider({ dpop: 'off' });

  test('ignores a proof: no nonce challenge, Bearer tokens without cnf, unbound refresh', async () => {
    // Okta's metadata belongs to the authorization server, not to the app: it still lists DPoP.
    const discovery = await (await fetch(`${ctx.issuer}/.well-known/openid-configuration`)).json();
    assert.deepEqual(discovery.dpop_signing_alg_values_supported, OKTA_ALGS);

    const dpop = await createDpopKey();
    const { code, verifier } = await ctx.signIn();
    const { response, body, challenge } = await exchangeCode(ctx.issuer, {
      client: CLIENT,
      code,
      verifier,
      dpop,
    });
    assert.equal(challenge, undefined);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(response.headers.get('dpop-nonce'), null);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(decodeJwt(body.access_token).cnf, undefined);
    assert.equal((await ctx.refresh(body.refresh_token)).response.status, 200);
  });
});
