// Request bodies the provider must refuse, as Okta does, with 400 invalid_request: the wrong content
// type, an oversized body and a repeated parameter (RFC 6749 §3.1, §3.2). The token endpoint's body
// is read by oidc-provider, the others by request-body.mjs; both must answer the same way.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startServer } from '../scripts/testing/spawn-server.mjs';
import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import {
  authorizeUrl,
  basicClientId,
  createBrowser,
  formAction,
  navigate,
  pkcePair,
} from './testing/oidc-client.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const APP = 'http://localhost:4200';
const CLIENT = { id: '0oabodytestclient001', redirectUri: `${APP}/login/callback` };
const FORM_TYPE = 'application/x-www-form-urlencoded';
// oidc-provider's limit, which request-body.mjs copies.
const LIMIT_BYTES = 56 * 1024;

/**
 * The endpoints that read a form, each with a body it would otherwise process and the parameters
 * that must not be repeated. Revocation and introspection take okta-auth-js's Basic credentials.
 */
const ENDPOINTS = [
  {
    path: '/v1/token',
    form: `client_id=${CLIENT.id}&grant_type=refresh_token&refresh_token=unknown`,
    single: ['client_id', 'grant_type', 'refresh_token', 'scope'],
  },
  {
    path: '/v1/revoke',
    form: 'token=unknown&token_type_hint=refresh_token',
    headers: basicClientId(CLIENT.id),
    single: ['token', 'token_type_hint', 'client_id'],
  },
  {
    path: '/v1/introspect',
    form: 'token=unknown&token_type_hint=access_token',
    headers: basicClientId(CLIENT.id),
    single: ['token', 'token_type_hint', 'client_id'],
  },
];

/**
 * POSTs with node:http, for full control over the body: `chunks` are written in order, and the
 * request ends unless `end` is false. Resolves as soon as the response is complete.
 */
function post(url, { headers = {}, chunks = [], end = true } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        // A request that was never finished is dropped once its answer is in.
        if (!end) req.destroy();
        resolve({ status: res.statusCode, headers: res.headers, text });
      });
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error(`No answer from ${url} within 5 s`)));
    (async () => {
      for (const chunk of chunks) {
        if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
      }
      if (end) req.end();
    })().catch(reject);
  });
}

function assertInvalidRequest(response, label) {
  assert.equal(response.status, 400, `${label}: ${response.text}`);
  assert.match(response.headers['content-type'], /^application\/json/, label);
  assert.equal(JSON.parse(response.text).error, 'invalid_request', label);
}

describe('request bodies', { timeout: 30_000 }, () => {
  let issuer;
  let provider;

  before(async () => {
    // DPoP optional: in the default mode, required, a token request without a DPoP proof is
    // refused before its body is read (dpop.test.mjs).
    provider = await startDevProvider({
      port: 0,
      clientId: CLIENT.id,
      appOrigins: [APP],
      dpop: 'optional',
    });
    ({ issuer } = provider);
  });

  after(() => provider?.close());

  for (const endpoint of ENDPOINTS) {
    const url = () => `${issuer}${endpoint.path}`;
    const send = (type, body, headers = {}) =>
      post(url(), {
        headers: { ...endpoint.headers, ...(type && { 'content-type': type }), ...headers },
        chunks: [body],
      });

    describe(`POST ${endpoint.path}`, () => {
      test('takes a form, with or without a charset parameter', async () => {
        for (const type of [FORM_TYPE, `${FORM_TYPE}; charset=UTF-8`]) {
          const response = await send(type, endpoint.form);
          // An unknown token: 400 invalid_grant from the token endpoint, 200 from the others.
          assert.notEqual(JSON.parse(response.text || '{}').error, 'invalid_request', type);
        }
      });

      test('refuses a body of another content type with 400 invalid_request', async () => {
        const fields = Object.fromEntries(new URLSearchParams(endpoint.form));
        const bodies = [
          ['application/json', JSON.stringify(fields)],
          ['text/plain', endpoint.form],
          [
            'multipart/form-data; boundary=x',
            `--x\r\nContent-Disposition: form-data; name="token"\r\n\r\nunknown\r\n--x--\r\n`,
          ],
        ];
        for (const [type, body] of bodies) assertInvalidRequest(await send(type, body), type);
      });

      test('refuses a form over 56 KiB with 400 invalid_request', async () => {
        const padding = 'a'.repeat(LIMIT_BYTES);
        assertInvalidRequest(await send(FORM_TYPE, `${endpoint.form}&padding=${padding}`), 'sent');
      });

      test('refuses a declared size over 56 KiB before the body arrives', async () => {
        const response = await post(url(), {
          headers: {
            ...endpoint.headers,
            'content-type': FORM_TYPE,
            'content-length': String(100 * 1024 * 1024),
          },
          chunks: [endpoint.form],
          end: false,
        });
        assertInvalidRequest(response, 'declared');
      });

      test('refuses a repeated parameter with 400 invalid_request', async () => {
        for (const name of endpoint.single) {
          const body = `${endpoint.form}&${name}=first&${name}=second`;
          assertInvalidRequest(await send(FORM_TYPE, body), name);
        }
      });

      test('keeps the CORS headers on the refusal, so that the app can read it', async () => {
        const response = await send('text/plain', endpoint.form, { origin: APP });
        assertInvalidRequest(response, 'text/plain');
        assert.equal(response.headers['access-control-allow-origin'], APP);
      });
    });
  }

  describe('the sign-in form', () => {
    const [ada] = DEMO_USERS;

    /** Opens a fresh sign-in page; resolves to its form's URL and the browser's cookies. */
    async function openSignInPage() {
      const browser = createBrowser();
      const { challenge } = pkcePair();
      const page = await navigate(
        browser,
        authorizeUrl(issuer, {
          client_id: CLIENT.id,
          redirect_uri: CLIENT.redirectUri,
          response_type: 'code',
          scope: 'openid',
          state: 'st4te',
          nonce: 'n0nce',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const action = formAction(page.html, page.url);
      return { action, cookie: browser.jar.header(action) };
    }

    async function submit(type, body) {
      const { action, cookie } = await openSignInPage();
      return post(action, {
        headers: { cookie, ...(type && { 'content-type': type }) },
        chunks: [body],
      });
    }

    function assertRefusedPage(response, label) {
      assert.equal(response.status, 400, label);
      assert.match(response.headers['content-type'], /^text\/html/, label);
      assert.match(response.text, /invalid_request/, label);
    }

    const credentials = `username=${encodeURIComponent(ada.email)}&password=${encodeURIComponent(ada.password)}`;

    test('signs in with a well-formed form', async () => {
      const response = await submit(FORM_TYPE, credentials);
      assert.equal(response.status, 303);
    });

    test('refuses another content type, an oversized form and a repeated field', async () => {
      assertRefusedPage(await submit('application/json', JSON.stringify(ada)), 'json');
      const padding = 'a'.repeat(LIMIT_BYTES);
      assertRefusedPage(await submit(FORM_TYPE, `${credentials}&padding=${padding}`), 'large');
      assertRefusedPage(await submit(FORM_TYPE, `${credentials}&password=other`), 'password');
      assertRefusedPage(await submit(FORM_TYPE, `${credentials}&username=other`), 'username');
    });
  });
});

test(
  'an upload the client abandons is not logged as a server failure, and the provider keeps serving',
  { timeout: 15_000 },
  async () => {
    const server = await startServer(SERVER, {
      env: { DEV_PROVIDER_PORT: '0', DEV_PROVIDER_CLIENT_ID: CLIENT.id },
      ready: /^Dev OpenID provider ready at (\S+)$/m,
    });
    try {
      const issuer = server.ready[1];
      for (const endpoint of ENDPOINTS) {
        await abandonUpload(`${issuer}${endpoint.path}`, {
          ...endpoint.headers,
          'content-type': FORM_TYPE,
          'content-length': '1000',
        });
      }
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      assert.equal((await server.stop()).code, 0);
      assert.equal(server.output.stderr, '');
    } finally {
      await server.stop('SIGKILL');
    }
  },
);

/** Sends the headers and part of the body, then drops the connection once it reached the server. */
function abandonUpload(url, headers) {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers, agent: false });
    req.on('error', () => resolve());
    req.on('response', () => assert.fail(`${url} answered an unfinished upload`));
    req.write('token=abc', () => req.destroy());
  });
}
