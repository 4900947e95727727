// Test support (not a test file): a scripted browser (fetch with manual redirects and a cookie jar)
// and the OAuth steps @okta/okta-auth-js performs against the provider.
import { createHash, randomBytes } from 'node:crypto';

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

/**
 * Signs in from scratch: authorize, the hosted sign-in page, and back to the app's redirect URI.
 * Resolves to the callback's parameters (code, state, iss) and the PKCE verifier.
 */
export async function signIn(
  browser,
  { issuer, client, user, scope, state = 'st4te', nonce = 'n0nce' },
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
  });
  let step = await navigate(browser, start, { stopAt: client.redirectUri });
  if (!step.location) {
    if (!step.html?.includes('<h1>Sign In</h1>')) {
      throw new Error(`Expected the sign-in page, got ${step.status}: ${step.html}`);
    }
    step = await navigate(browser, formAction(step.html, step.url), {
      method: 'POST',
      form: { username: user.username, password: user.password },
      stopAt: client.redirectUri,
    });
  }
  if (!step.location)
    throw new Error(`Sign-in did not return to the app: ${step.status} ${step.html}`);
  return { ...Object.fromEntries(new URL(step.location).searchParams), verifier, nonce };
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

/** The authorization code grant, as okta-auth-js's exchangeCodeForTokens sends it. */
export function exchangeCode(issuer, { client, code, verifier, origin }) {
  return postForm(
    `${issuer}/v1/token`,
    {
      client_id: client.id,
      redirect_uri: client.redirectUri,
      grant_type: 'authorization_code',
      code_verifier: verifier,
      code,
    },
    { origin },
  );
}

/** The refresh token grant, as okta-auth-js's renewTokensWithRefresh sends it. */
export function refresh(issuer, { client, refreshToken, scope }) {
  return postForm(`${issuer}/v1/token`, {
    client_id: client.id,
    grant_type: 'refresh_token',
    scope,
    refresh_token: refreshToken,
  });
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
