import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseStepUpChallenge } from '../src/app/auth/step-up-challenge.ts';
import { createApiServer } from './create-api.mjs';
import { APP_ORIGIN, CLIENT_ID, PUBLIC_URL, bearer, useDpopApi } from './test-support.mjs';

// GET /api/admin/audit needs, besides a valid token, an acr of at least API_ADMIN_ACR and an
// auth_time within API_ADMIN_MAX_AGE (defaults: urn:okta:loa:2fa:any, 900 s); a token that falls
// short gets an RFC 9470 challenge in the scheme it came with.
const AUDIT_PATH = '/api/admin/audit';
const AUDIT_URL = `${PUBLIC_URL}${AUDIT_PATH}`;
const PWD = 'urn:okta:loa:1fa:pwd';
const TWO = 'urn:okta:loa:2fa:any';
const ALGS = 'RS256 RS384 RS512 ES256 ES384 ES512';
const DESCRIPTION = {
  weak: 'This endpoint needs a stronger authentication',
  stale: 'This endpoint needs a more recent authentication',
  both: 'This endpoint needs a stronger and more recent authentication',
};

const ctx = useDpopApi();
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Claims of a sign-in with `acr`, `ageSeconds` ago; a claim set to undefined is left out. */
const signIn = (acr, ageSeconds, extra = {}) => ({
  acr,
  auth_time: ageSeconds === undefined ? undefined : nowSeconds() - ageSeconds,
  ...extra,
});

/** GET /api/admin/audit with a bound token carrying `claims` and a valid proof for it. */
async function getAudit(claims, { target = ctx.api, extraHeaders = {}, proof = {} } = {}) {
  const token = await ctx.boundToken(ctx.key, claims);
  const { headers } = await ctx.signedRequest({ token, url: AUDIT_URL, ...proof });
  return ctx.getMessages({ ...headers, ...extraHeaders }, { target, path: AUDIT_PATH });
}

const dpopStepUp = (description, acrValues = TWO, maxAge = 900) =>
  `DPoP algs="${ALGS}", error="insufficient_user_authentication", ` +
  `error_description="${description}", acr_values="${acrValues}", max_age=${maxAge}`;

function assertStepUp(response, challenge, label) {
  assert.equal(response.status, 401, label);
  assert.equal(response.body.error, 'insufficient_user_authentication', label);
  assert.equal(typeof response.body.message, 'string', label);
  assert.equal(response.headers['www-authenticate'], challenge, label);
}

describe('GET /api/admin/audit with a strong and recent sign-in', () => {
  test('answers 200 with entries that name the acr the API read', async () => {
    const response = await getAudit(signIn(TWO, 60, { sub: 'grace@example.com' }));

    assert.equal(response.status, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const texts = response.body.events.map(({ text }) => text);
    assert.ok(texts.some((text) => text.includes('grace@example.com') && text.includes(TWO)));
  });

  test('takes an acr stronger than the one required', async () => {
    await ctx.withApi({ adminAcr: 'urn:okta:loa:1fa:any' }, async (api) => {
      for (const acr of [PWD, TWO, 'phr', 'phrh']) {
        assert.equal((await getAudit(signIn(acr, 0), { target: api })).status, 200, acr);
      }
    });
  });

  test('takes any one of several acr values', async () => {
    await ctx.withApi({ adminAcr: `phr ${TWO}` }, async (api) => {
      for (const acr of [TWO, 'phrh']) {
        assert.equal((await getAudit(signIn(acr, 0), { target: api })).status, 200, acr);
      }
      assertStepUp(
        await getAudit(signIn(PWD, 0), { target: api }),
        dpopStepUp(DESCRIPTION.weak, `phr ${TWO}`),
      );
    });
  });

  test('takes an auth_time up to five minutes ahead of its clock (the skew the app allows), for an issuer whose clock runs fast', async () => {
    assert.equal((await getAudit(signIn(TWO, -290))).status, 200);
    assertStepUp(await getAudit(signIn(TWO, -360)), dpopStepUp(DESCRIPTION.stale));
  });
});

describe('GET /api/admin/audit with a sign-in that falls short (RFC 9470)', () => {
  test('challenges a weaker acr, asking for both the acr and the age', async () => {
    const response = await getAudit(signIn(PWD, 10, { sub: 'ada@example.com' }));

    assertStepUp(response, dpopStepUp(DESCRIPTION.weak));
    assert.deepEqual(parseStepUpChallenge(response.headers['www-authenticate']), {
      acrValues: TWO,
      maxAge: 900,
    });
    assert.match(ctx.api.logs.at(-1), /ada@example\.com.*"urn:okta:loa:1fa:pwd" does not satisfy/);
  });

  test('challenges a stale auth_time with max_age', async () => {
    const response = await getAudit(signIn(TWO, 901 + 5));

    assertStepUp(response, dpopStepUp(DESCRIPTION.stale));
    assert.match(ctx.api.logs.at(-1), /auth_time is \d+ s ago, more than 900 s/);
  });

  test('challenges a token without acr, without auth_time, or with either mistyped', async () => {
    const cases = [
      ['no acr', signIn(undefined, 10), DESCRIPTION.weak],
      ['an acr list', signIn([TWO], 10), DESCRIPTION.weak],
      ['an acr in other letter case', signIn(TWO.toUpperCase(), 10), DESCRIPTION.weak],
      ['no auth_time', signIn(TWO, undefined), DESCRIPTION.stale],
      ['a string auth_time', { acr: TWO, auth_time: String(nowSeconds()) }, DESCRIPTION.stale],
      ['neither', signIn(undefined, undefined), DESCRIPTION.both],
      ['a weak and stale sign-in', signIn(PWD, 5000), DESCRIPTION.both],
    ];
    for (const [label, claims, description] of cases) {
      assertStepUp(await getAudit(claims), dpopStepUp(description), label);
    }
  });

  test('uses the configured acr and age in the challenge', async () => {
    await ctx.withApi({ adminAcr: 'phrh', adminMaxAgeSeconds: 30 }, async (api) => {
      assertStepUp(
        await getAudit(signIn('phr', 5), { target: api }),
        dpopStepUp(DESCRIPTION.weak, 'phrh', 30),
      );
      assertStepUp(
        await getAudit(signIn('phrh', 40), { target: api }),
        dpopStepUp(DESCRIPTION.stale, 'phrh', 30),
      );
      assert.equal((await getAudit(signIn('phrh', 20), { target: api })).status, 200);
    });
  });

  test('leaves /api/messages to any valid token', async () => {
    const { headers } = await ctx.signedRequest({
      token: await ctx.boundToken(ctx.key, signIn(undefined, undefined)),
    });
    assert.equal((await ctx.getMessages(headers)).status, 200);
  });

  test('lets the app read the challenge across origins', async () => {
    const response = await getAudit(signIn(PWD, 10), { extraHeaders: { Origin: APP_ORIGIN } });

    assert.equal(response.status, 401);
    assert.equal(response.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.match(response.headers['access-control-expose-headers'], /\bWWW-Authenticate\b/);
  });
});

describe('The step-up challenge and the scheme the token came with', () => {
  test('an unbound Bearer token gets it in the Bearer challenge, DPoP following bare', async () => {
    await ctx.withApi({ dpop: 'allowed' }, async (api) => {
      const token = await ctx.issuer.mintToken({ claims: signIn(PWD, 10) });
      const response = await ctx.getMessages(bearer(token), { target: api, path: AUDIT_PATH });

      assertStepUp(
        response,
        `Bearer realm="api", error="insufficient_user_authentication", ` +
          `error_description="${DESCRIPTION.weak}", acr_values="${TWO}", max_age=900, ` +
          `DPoP algs="${ALGS}"`,
      );
      assert.deepEqual(parseStepUpChallenge(response.headers['www-authenticate']), {
        acrValues: TWO,
        maxAge: 900,
      });
    });
  });

  test('a bound token gets it in the DPoP challenge, with Bearer following bare when allowed', async () => {
    await ctx.withApi({ dpop: 'allowed' }, async (api) => {
      assertStepUp(
        await getAudit(signIn(TWO, 5000), { target: api }),
        `${dpopStepUp(DESCRIPTION.stale)}, Bearer realm="api"`,
      );
    });
  });

  test('a strong and recent Bearer token passes', async () => {
    await ctx.withApi({ dpop: 'allowed' }, async (api) => {
      const token = await ctx.issuer.mintToken({ claims: signIn(TWO, 10) });
      const response = await ctx.getMessages(bearer(token), { target: api, path: AUDIT_PATH });
      assert.equal(response.status, 200);
    });
  });
});

describe('The step-up challenge comes only for a token that passes everything else', () => {
  test('an expired weak token is invalid_token, not a step-up', async () => {
    const expired = signIn(PWD, 10, { exp: nowSeconds() - 60 });
    const response = await getAudit(expired);

    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_token');
    assert.doesNotMatch(response.headers['www-authenticate'], /insufficient_user_authentication/);
    assert.equal(parseStepUpChallenge(response.headers['www-authenticate']), null);
  });

  test('a weak token with a proof for another URL is invalid_dpop_proof, not a step-up', async () => {
    const response = await getAudit(signIn(PWD, 10), { proof: { url: `${PUBLIC_URL}/api/x` } });

    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_dpop_proof');
    assert.equal(parseStepUpChallenge(response.headers['www-authenticate']), null);
  });

  test('a weak token without the scope is 403 insufficient_scope, not a step-up', async () => {
    const response = await getAudit(signIn(PWD, 10, { scp: ['email'] }));

    assert.equal(response.status, 403);
    assert.equal(response.body.error, 'insufficient_scope');
    assert.match(response.headers['www-authenticate'], /scope="openid"/);
  });

  test('with nonces, a proof without one gets use_dpop_nonce first, and the step-up only after', async () => {
    await ctx.withApi({ dpopNonces: true }, async (api) => {
      const token = await ctx.boundToken(ctx.key, signIn(PWD, 10));
      const call = async (nonce) => {
        const proof = await ctx.key.proof({
          url: AUDIT_URL,
          accessToken: token,
          claims: { nonce },
        });
        return ctx.getMessages(
          { Authorization: `DPoP ${token}`, DPoP: proof },
          { target: api, path: AUDIT_PATH },
        );
      };

      const first = await call(undefined);
      assert.equal(first.status, 401);
      assert.equal(first.body.error, 'use_dpop_nonce');
      assert.equal(parseStepUpChallenge(first.headers['www-authenticate']), null);

      const second = await call(first.headers['dpop-nonce']);
      assertStepUp(second, dpopStepUp(DESCRIPTION.weak));
      assert.doesNotMatch(second.headers['www-authenticate'], /use_dpop_nonce/);
    });
  });
});

describe('createApiServer admin settings', () => {
  test('refuses an admin acr or age that no token could meet', () => {
    const base = { issuer: ctx.issuer.issuer, clientIds: [CLIENT_ID] };
    for (const options of [
      { adminAcr: '  ' },
      { adminAcr: 'urn:okta:loa:3fa:any' },
      { adminMaxAgeSeconds: 0 },
      { adminMaxAgeSeconds: 1.5 },
      { adminMaxAgeSeconds: '900' },
    ]) {
      assert.throws(
        () => createApiServer({ ...base, ...options }),
        { name: 'ConfigError' },
        JSON.stringify(options),
      );
    }
  });
});
