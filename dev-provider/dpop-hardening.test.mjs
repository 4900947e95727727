// Hardening of the embedded provider's DPoP (RFC 9449) at its token and userinfo endpoints, from a
// hostile review. The first describe holds the attacks the review found working, each a test that
// failed until it was fixed; the second the attacks that were tried and refused from the start, as
// documentation.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, test } from 'node:test';

import { decodeJwt } from 'jose';

// The API's hand-made proofs and costly keys: the provider must refuse what the API refuses.
import { handSigned, rsaKeyWithHugeExponent } from '../api/test-support.mjs';
import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import { codeExchangeForm, createDpopKey, postForm, refresh } from './testing/oidc-client.mjs';
import { signInFresh, signInForTokens, useDevProvider } from './testing/provider.mjs';

const APP = 'http://localhost:4200';
const CLIENT = { id: '0oadpopreview0000001', redirectUri: `${APP}/login/callback` };
const PASSWORD = 'Review-Passw0rd!';
const USER = { username: DEMO_USERS[0].email, password: PASSWORD };
const SCOPE = 'openid profile email offline_access';
const SIGN_IN = { client: CLIENT, user: USER, scope: SCOPE };
const OPTIONS = { port: 0, clientId: CLIENT.id, appOrigins: [APP], password: PASSWORD };
// Spellings of /v1/token that oidc-provider's router sends to the token endpoint: it folds case
// and drops one trailing slash (lib/helpers/router.js).
const OTHER_TOKEN_PATHS = ['/v1/token/', '/V1/TOKEN', '/v1/Token'];

function useProvider(options) {
  const context = useDevProvider({ ...OPTIONS, ...options }, SIGN_IN);
  context.codeExchangeForm = async () => {
    const { code, verifier } = await context.signIn();
    return codeExchangeForm({ client: CLIENT, code, verifier });
  };
  /** A nonce the token endpoint hands out, for proofs built by hand. */
  context.nonce = async () => {
    const dpop = await createDpopKey();
    const url = `${context.issuer}/v1/token`;
    const { response } = await postForm(
      url,
      { client_id: CLIENT.id, grant_type: 'refresh_token', refresh_token: 'none' },
      { headers: { dpop: await dpop.proof({ method: 'POST', url }) } },
    );
    return response.headers.get('dpop-nonce');
  };
  return context;
}

const tokenProofClaims = (url, nonce) => ({
  htm: 'POST',
  htu: url,
  iat: Math.floor(Date.now() / 1000),
  jti: randomBytes(16).toString('hex'),
  nonce,
});

describe('The token endpoint applies the DPoP setting at every spelling of its path and refuses costly RSA keys', () => {
  describe('DPoP required', { timeout: 60_000 }, () => {
    const ctx = useProvider({ dpop: 'required' });

    test('refuses a code exchange without a proof at every spelling of the token endpoint', async () => {
      for (const path of OTHER_TOKEN_PATHS) {
        const { response, body } = await postForm(
          `${ctx.issuer}${path}`,
          await ctx.codeExchangeForm(),
        );
        assert.equal(response.status, 400, `${path}: ${JSON.stringify(body)}`);
        assert.equal(body.access_token, undefined, path);
        // Okta's answer, from dpop.mjs: the client's metadata is only the second lock.
        assert.equal(body.error, 'invalid_dpop_proof', path);
      }
    });

    test('refuses a proof by an RSA key whose public exponent is not 65537', async () => {
      // The same check as the API's: a key the API would refuse must not get a bound token, and
      // verifying proofs by such a key costs a full exponentiation each.
      const { jwk, privateKey } = rsaKeyWithHugeExponent();
      const url = `${ctx.issuer}/v1/token`;
      const proof = handSigned(
        { alg: 'RS256', typ: 'dpop+jwt', jwk },
        tokenProofClaims(url, await ctx.nonce()),
        privateKey,
      );
      const { response, body } = await postForm(url, await ctx.codeExchangeForm(), {
        headers: { dpop: proof },
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(body.error, 'invalid_dpop_proof');
    });

    test('gives another origin no CORS headers at any spelling of discovery or keys', async () => {
      // oidc-provider answers any origin on discovery and keys; the app-origin CORS middleware has
      // the final word only at the paths it recognises.
      for (const path of [
        '/.well-known/openid-configuration/',
        '/.WELL-KNOWN/OPENID-CONFIGURATION',
        '/v1/keys/',
        '/V1/Keys',
      ]) {
        const response = await fetch(`${ctx.issuer}${path}`, {
          headers: { origin: 'http://evil.test' },
        });
        assert.equal(response.status, 200, path);
        assert.equal(response.headers.get('access-control-allow-origin'), null, path);
        await response.body?.cancel();
      }
    });

    test('with DPoP required and no fault switch, the token endpoint itself refuses a grant without a proof', async () => {
      // A middleware that hides the token request from dpop.mjs stands for any way past it: the
      // client's metadata makes oidc-provider refuse it all the same.
      const pastDpopMiddleware = (ctx, next) => {
        if (ctx.path === '/v1/token') ctx.path = '/V1/TOKEN';
        return next();
      };
      const provider = await startDevProvider({
        ...OPTIONS,
        dpop: 'required',
        middleware: [pastDpopMiddleware],
      });
      try {
        const { code, verifier } = await signInFresh(provider.issuer, SIGN_IN);
        const { response, body } = await postForm(
          `${provider.issuer}/v1/token`,
          codeExchangeForm({ client: CLIENT, code, verifier }),
        );
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(body.error, 'invalid_grant');
        assert.equal(body.access_token, undefined);
      } finally {
        await provider.close();
      }
    });
  });

  describe('DPoP off', { timeout: 60_000 }, () => {
    const ctx = useProvider({ dpop: 'off' });

    test('a proof sent to another spelling of the token endpoint binds nothing', async () => {
      const dpop = await createDpopKey();
      const url = `${ctx.issuer}/v1/token`;
      for (const path of OTHER_TOKEN_PATHS) {
        const form = await ctx.codeExchangeForm();
        const send = async (nonce) =>
          postForm(`${ctx.issuer}${path}`, form, {
            headers: { dpop: await dpop.proof({ method: 'POST', url, nonce }) },
          });
        let answer = await send();
        if (answer.body.error === 'use_dpop_nonce') {
          answer = await send(answer.response.headers.get('dpop-nonce'));
        }
        assert.equal(answer.response.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.token_type, 'Bearer', path);
        assert.equal(decodeJwt(answer.body.access_token).cnf, undefined, path);
      }
    });
  });
});

describe('Token and userinfo refuse replays, forgeries and downgrades', { timeout: 60_000 }, () => {
  const ctx = useProvider({ dpop: 'required' });

  test('a bound refresh token is refused without its proof at any spelling of the endpoint', async () => {
    const tokens = await ctx.tokens(await createDpopKey());
    for (const path of ['/v1/token', ...OTHER_TOKEN_PATHS]) {
      const { response, body } = await postForm(`${ctx.issuer}${path}`, {
        client_id: CLIENT.id,
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      assert.equal(response.status, 400, path);
      assert.equal(body.access_token, undefined, path);
    }
  });

  test('two refreshes at once with the same proof: exactly one gets tokens', async () => {
    const dpop = await createDpopKey();
    const tokens = await ctx.tokens(dpop);
    const url = `${ctx.issuer}/v1/token`;
    const proof = await dpop.proof({ method: 'POST', url, nonce: await ctx.nonce() });
    const send = () =>
      postForm(
        url,
        {
          client_id: CLIENT.id,
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
        },
        { headers: { dpop: proof } },
      );
    const answers = await Promise.all([send(), send(), send()]);
    assert.deepEqual(answers.map(({ response }) => response.status).sort(), [200, 400, 400]);
  });

  test('a proof made for another URL of the token endpoint is refused', async () => {
    const dpop = await createDpopKey();
    const nonce = await ctx.nonce();
    const url = `${ctx.issuer}/v1/token`;
    for (const htu of [
      `${ctx.issuer}/v1/userinfo`,
      `${ctx.issuer}/v1/token/`,
      url.replace('localhost', '127.0.0.1'),
      url.replace('http:', 'https:'),
    ]) {
      const { response, body } = await postForm(url, await ctx.codeExchangeForm(), {
        headers: { dpop: await dpop.proof({ method: 'POST', url: htu, nonce }) },
      });
      assert.equal(response.status, 400, htu);
      assert.equal(body.error, 'invalid_dpop_proof', htu);
    }
  });

  test('the token endpoint URL cannot be moved with the Host header', async () => {
    const { port } = new URL(ctx.issuer);
    const status = await new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/oauth2/default/v1/token',
          headers: { host: 'evil.test', 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('grant_type=refresh_token');
    });
    assert.equal(status, 421);
  });

  test('a forged nonce is challenged with a fresh one', async () => {
    const dpop = await createDpopKey();
    const url = `${ctx.issuer}/v1/token`;
    const forged = createHash('sha256').update('guess').digest('base64url');
    const { response, body } = await postForm(url, await ctx.codeExchangeForm(), {
      headers: { dpop: await dpop.proof({ method: 'POST', url, nonce: forged }) },
    });
    assert.equal(response.status, 400);
    assert.equal(body.error, 'use_dpop_nonce');
    assert.notEqual(response.headers.get('dpop-nonce'), forged);
  });

  test('an RSA proof key shorter than 2048 bits is refused at the token endpoint', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { kty, e, n } = publicKey.export({ format: 'jwk' });
    const url = `${ctx.issuer}/v1/token`;
    const proof = handSigned(
      { alg: 'RS256', typ: 'dpop+jwt', jwk: { kty, e, n } },
      tokenProofClaims(url, await ctx.nonce()),
      privateKey,
    );
    const { response, body } = await postForm(url, await ctx.codeExchangeForm(), {
      headers: { dpop: proof },
    });
    assert.equal(response.status, 400);
    assert.equal(body.error, 'invalid_dpop_proof');
  });

  test('userinfo at another spelling refuses a bound token sent as Bearer', async () => {
    const tokens = await ctx.tokens(await createDpopKey());
    for (const path of ['/v1/userinfo', '/v1/userinfo/', '/V1/USERINFO']) {
      const response = await fetch(`${ctx.issuer}${path}`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(response.status, 401, path);
      await response.body?.cancel();
    }
  });

  test('a bound refresh token fails closed when the app is switched to DPoP off', async () => {
    const switched = await startDevProvider({ ...OPTIONS, dpop: 'required', faults: true });
    try {
      const dpop = await createDpopKey();
      const tokens = await signInForTokens(switched.issuer, SIGN_IN, dpop);
      assert.equal(tokens.token_type, 'DPoP');
      const put = await fetch(`${switched.testApiUrl}/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dpopMode: 'off' }),
      });
      assert.equal(put.status, 200);
      const renewal = await refresh(switched.issuer, {
        client: CLIENT,
        refreshToken: tokens.refresh_token,
        dpop,
      });
      assert.equal(renewal.response.status, 400);
      assert.equal(renewal.body.error, 'invalid_grant');
      assert.equal(renewal.body.access_token, undefined);
    } finally {
      await switched.close();
    }
  });
});
