// Test support (not a test file): a scripted browser (fetch with manual redirects and a cookie jar)
// and the OAuth steps @okta/okta-auth-js performs against the provider.
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';

/** Enough of RFC 6265 for one host: cookies by name and path, path-matched, expiry honoured. */
export class CookieJar {
  #cookies = [];

  store(url, response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      let path = new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attributeValue = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = attributeValue;
        if (lower === 'expires' && Date.parse(attributeValue) <= Date.now()) expired = true;
        if (lower === 'max-age' && Number(attributeValue) <= 0) expired = true;
      }
      this.#cookies = this.#cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.#cookies.push({ name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return this.#cookies
      .filter(
        ({ path }) =>
          pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
  }

  names() {
    return this.#cookies.map(({ name }) => name);
  }
}

/** One browser profile: requests share the cookie jar and never follow redirects by themselves. */
export function createBrowser() {
  const jar = new CookieJar();
  async function request(url, { method = 'GET', form, headers = {} } = {}) {
    const cookie = jar.header(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie && { cookie }),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
        ...headers,
      },
      body: form && formBody(form),
    });
    jar.store(url, response);
    return response;
  }
  return { jar, request };
}

/**
 * Requests `url` and follows redirects (as GETs) until a page answers or a redirect leaves for
 * `stopAt` (the app). Resolves to { status, url, html } or { status, location }.
 */
export async function navigate(browser, url, { method, form, stopAt } = {}) {
  let response = await browser.request(url, { method, form });
  for (let hops = 0; hops < 20; hops += 1) {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) {
      return { status: response.status, url, html: await response.text() };
    }
    await response.body?.cancel();
    const next = new URL(location, url).href;
    if (stopAt && next.startsWith(stopAt)) return { status: response.status, location: next };
    url = next;
    response = await browser.request(url);
  }
  throw new Error(`Too many redirects, last at ${url}`);
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorize URL okta-auth-js builds for the PKCE code flow. */
export function authorizeUrl(issuer, params) {
  return `${issuer}/v1/authorize?${new URLSearchParams(params)}`;
}

/**
 * The authorization request the app sends for `client` and `scope`, PKCE included, with `params`
 * changed.
 */
export function appAuthorizeUrl(issuer, { client, scope }, params = {}) {
  return authorizeUrl(issuer, {
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope,
    state: 'st4te',
    nonce: 'n0nce',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...params,
  });
}

/** The action URL of the first form in `html`, resolved against the page's URL. */
export function formAction(html, pageUrl) {
  const action = /<form\b[^>]*\baction="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`No form on ${pageUrl}`);
  return new URL(action.replaceAll('&amp;', '&'), pageUrl).href;
}

/** name -> value of the hidden inputs in `html` (what a browser submits with the form). */
export function hiddenInputs(html) {
  const inputs = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (name) inputs[name] = /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '';
  }
  return inputs;
}

/** Submits the first form of the page `html` at `pageUrl` as it stands, as a browser does. */
export function submitForm(browser, html, pageUrl, { stopAt } = {}) {
  return navigate(browser, formAction(html, pageUrl), {
    method: 'POST',
    form: hiddenInputs(html),
    stopAt,
  });
}

/** Whether `html` is the hosted sign-in page (username and password). */
export function isSignInPage(html) {
  return Boolean(html?.includes('<h1>Sign In</h1>'));
}

/** Whether `html` is the page that asks for a TOTP code (views.mjs, codePage). */
export function isCodePage(html) {
  return Boolean(html?.includes('<h1>Enter a code</h1>'));
}

/**
 * Signs in from scratch: authorize (with `params` added to the app's request, e.g. acr_values or
 * max_age), the hosted sign-in page and, when the provider asks for one, the TOTP code `otp` (a
 * string, or a function that resolves to one when the code page shows), and back to the app's
 * redirect URI. Resolves to the callback's parameters (code, state, iss, or error...), the PKCE
 * verifier and `pages`, the provider's pages passed through in order ('password', 'code').
 */
export async function signIn(
  browser,
  { issuer, client, user, scope, state = 'st4te', nonce = 'n0nce', params = {}, otp },
) {
  const { verifier, challenge } = pkcePair();
  const start = authorizeUrl(issuer, {
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  const stopAt = client.redirectUri;
  const pages = [];
  let step = await navigate(browser, start, { stopAt });
  if (!step.location && isSignInPage(step.html)) {
    pages.push('password');
    step = await navigate(browser, formAction(step.html, step.url), {
      method: 'POST',
      form: { username: user.username, password: user.password },
      stopAt,
    });
  }
  if (!step.location && isCodePage(step.html)) {
    pages.push('code');
    if (otp === undefined) throw new Error('The provider asked for a code, and no otp was given.');
    step = await navigate(browser, formAction(step.html, step.url), {
      method: 'POST',
      form: { otp: typeof otp === 'function' ? await otp() : otp },
      stopAt,
    });
  }
  if (!step.location) {
    throw new Error(`Sign-in did not return to the app: ${step.status} ${step.html}`);
  }
  return { ...Object.fromEntries(new URL(step.location).searchParams), verifier, nonce, pages };
}

/** POSTs a form to an endpoint of the issuer, as the SPA does (optionally from `origin`). */
export async function postForm(url, form, { origin, headers = {} } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin && { origin }),
      ...headers,
    },
    body: formBody(form),
  });
  const text = await response.text();
  return { response, body: text ? JSON.parse(text) : undefined };
}

/**
 * A token request as okta-auth-js's makeTokenRequest sends it. With `dpop` (a key of
 * `createDpopKey`) it carries a proof and, challenged with use_dpop_nonce, retries once with the
 * DPoP-Nonce it was given (unless `retryNonce` is false). `challenge` is the challenge's answer.
 */
export async function tokenRequest(issuer, form, { origin, dpop, nonce, retryNonce = true } = {}) {
  const url = `${issuer}/v1/token`;
  const send = async (withNonce) => {
    const proof = dpop && (await dpop.proof({ method: 'POST', url, nonce: withNonce }));
    return postForm(url, form, { origin, headers: proof ? { dpop: proof } : {} });
  };
  const first = await send(nonce);
  const challengedNonce = first.response.headers.get('dpop-nonce');
  if (!dpop || !retryNonce || first.body?.error !== 'use_dpop_nonce' || !challengedNonce) {
    return first;
  }
  return { ...(await send(challengedNonce)), challenge: first };
}

/** The form of the authorization code grant, as okta-auth-js's exchangeCodeForTokens posts it. */
export function codeExchangeForm({ client, code, verifier }) {
  return {
    client_id: client.id,
    redirect_uri: client.redirectUri,
    grant_type: 'authorization_code',
    code_verifier: verifier,
    code,
  };
}

/** The authorization code grant, as okta-auth-js's exchangeCodeForTokens sends it. */
export function exchangeCode(issuer, { client, code, verifier, origin, dpop, retryNonce }) {
  return tokenRequest(issuer, codeExchangeForm({ client, code, verifier }), {
    origin,
    dpop,
    retryNonce,
  });
}

/** The refresh token grant, as okta-auth-js's renewTokensWithRefresh sends it. */
export function refresh(issuer, { client, refreshToken, scope, dpop, nonce, retryNonce }) {
  return tokenRequest(
    issuer,
    {
      client_id: client.id,
      grant_type: 'refresh_token',
      scope,
      refresh_token: refreshToken,
    },
    { dpop, nonce, retryNonce },
  );
}

/**
 * A DPoP key pair (RFC 9449) and the proofs it signs. The default is okta-auth-js's: RS256 with a
 * 2048-bit key, and a `jwk` of kty, e and n only. `jkt` is the key's RFC 7638 thumbprint.
 * `proof` takes the request (`method`, `url`) and optionally `nonce`, `accessToken` (for `ath`),
 * and overrides of `iat` and `jti`.
 */
export async function createDpopKey({ alg = 'RS256' } = {}) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048 });
  const { kty, crv, e, n, x, y } = await exportJWK(publicKey);
  const jwk = Object.fromEntries(
    Object.entries({ kty, crv, e, n, x, y }).filter(([, value]) => value !== undefined),
  );
  return {
    jwk,
    jkt: await calculateJwkThumbprint(jwk),
    proof({ method, url, nonce, accessToken, iat = Math.floor(Date.now() / 1000), jti }) {
      return new SignJWT({
        htm: method,
        htu: url,
        iat,
        jti: jti ?? randomBytes(16).toString('hex'),
        ...(nonce && { nonce }),
        ...(accessToken && { ath: createHash('sha256').update(accessToken).digest('base64url') }),
      })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
        .sign(privateKey);
    },
  };
}

/** application/x-www-form-urlencoded, leaving out undefined values. */
function formBody(fields) {
  const defined = Object.entries(fields).filter(([, value]) => value !== undefined);
  return new URLSearchParams(defined).toString();
}

/** `Authorization: Basic base64(client_id)`: okta-auth-js's credentials for a public client. */
export function basicClientId(clientId) {
  return { authorization: `Basic ${Buffer.from(clientId).toString('base64')}` };
}
