// `npm run doctor`'s checks: what can be learnt about an Okta org (or the embedded provider) from
// outside, before anyone signs in. Each check sends at most a request or two that the app itself
// would send, and turns the answer into a report: { id, title, status, detail, fix }. The judging
// functions are pure, so that every answer Okta gives can be tested without Okta.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { isLoopbackUrl } from '../src/app/auth/auth-config.ts';
import { MAX_CLOCK_SKEW_SECONDS } from '../src/app/auth/token-checks.ts';
import { cspSourcesFromConfig } from './serve-headers.mjs';

/** `npm start` waits for the quick checks: each request gets this long. */
export const QUICK_TIMEOUT_MS = 3_000;
export const FULL_TIMEOUT_MS = 10_000;
/** A clock this far off works, but leaves little room: tokens are refused at MAX_CLOCK_SKEW_SECONDS. */
export const CLOCK_SKEW_WARN_SECONDS = 60;

const STATUS_RANK = { pass: 0, skip: 1, warn: 2, fail: 3 };
/** An answer read this far is enough to classify it; Okta's error page is well under this. */
const MAX_BODY_CHARS = 200_000;
/** Errors that, with prompt=none, mean everything before the sign-in was accepted. */
const NEEDS_SIGN_IN = new Set([
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
]);
/** The hosts the README and Okta's guides use as examples. */
const EXAMPLE_HOSTS = /^(dev-123456\.okta\.com|your-?okta-?domain|\{?youroktadomain\}?)/i;

const report = (id, title, status, detail, fix = null) => ({ id, title, status, detail, fix });

/**
 * Every check against `settings` (loadSettings()'s result). `quick`: only those that ask the
 * issuer something (a request or two each, in parallel after discovery), each request limited to
 * QUICK_TIMEOUT_MS, for `npm start`. `appConfig` is serve:prod's
 * `APP_CONFIG_FILE` ({ path, text } or { path, error }), if set. Resolves to the reports in order.
 */
export async function runChecks(
  settings,
  { quick = false, fetch = globalThis.fetch, now = Date.now, appConfig = null } = {},
) {
  const timeoutMs = quick ? QUICK_TIMEOUT_MS : FULL_TIMEOUT_MS;
  const send = (url, init = {}) =>
    request(fetch, url, { ...init, signal: AbortSignal.timeout(timeoutMs) }, now);
  const { auth, appOrigin } = settings;
  const embedded = Boolean(settings.devProvider);
  const redirectUri = redirectUriOf(appOrigin);
  const urls = oauthUrlsOf(auth.issuer);

  const reports = [checkIssuerShape(auth.issuer, { embedded })];
  // A wrong issuer (an example, the Admin Console) is not worth a request, nor a DNS lookup.
  const discovery = reports[0].status === 'fail' ? null : await send(discoveryUrlOf(auth.issuer));

  if (!discovery) {
    reports.push(
      report(
        'requests',
        'Requests to the issuer',
        'skip',
        'none sent: the issuer is wrong (see above)',
      ),
    );
  } else if (embedded && networkErrorCode(discovery.error) === 'ECONNREFUSED') {
    reports.push(
      report(
        'provider',
        'Embedded provider',
        'skip',
        `not running at ${auth.issuer}, so nothing was asked of it`,
        'Run npm start first, then npm run doctor in another terminal.',
      ),
    );
  } else {
    reports.push(judgeDiscovery(discovery, { issuer: auth.issuer, dpop: auth.dpop }, timeoutMs));
    reports.push(judgeClock(discovery));
    if (discovery.status === 200 && isPlainObject(discovery.json)) {
      const metadata = discovery.json;
      const params = authorizationParams({
        clientId: auth.clientId,
        redirectUri,
        scopes: auth.scopes,
      });
      const [cors, authorize, token, refresh] = await Promise.all([
        checkCors(send, {
          appOrigin,
          dpop: auth.dpop,
          tokenUrl: urls.token,
          jwksUri: metadata.jwks_uri,
        }),
        checkAuthorize(send, { authorizeUrl: urls.authorize, params, redirectUri }),
        send(urls.token, {
          method: 'POST',
          body: tokenProbeBody({ clientId: auth.clientId, redirectUri }),
        }),
        probeRefreshGrant(send, { tokenUrl: urls.token, clientId: auth.clientId, dpop: auth.dpop }),
      ]);
      reports.push(cors, authorize.report);
      if (authorize.kind === 'unknown-client') {
        const detail = 'the client id is not known (see above)';
        reports.push(report('token', TITLES.token, 'skip', detail));
        reports.push(report('refresh', TITLES.refresh, 'skip', detail));
      } else {
        reports.push(judgeTokenProbe(token, auth, timeoutMs));
        reports.push(judgeRefreshGrant(refresh, auth, timeoutMs));
      }
      reports.push(judgeScopes(auth.scopes, metadata));
    } else {
      const detail = 'the discovery document is needed first (see above)';
      for (const id of AFTER_DISCOVERY) reports.push(report(id, TITLES[id], 'skip', detail));
    }
  }

  if (!quick) {
    reports.push(checkApiSettings(settings));
    reports.push(checkCsp(settings, appConfig));
    reports.push(...checksThatNeedASignIn(settings));
  }
  return reports;
}

const TITLES = {
  issuer: 'Issuer',
  discovery: 'Discovery',
  clock: 'Clock',
  cors: 'CORS (Trusted Origin)',
  authorize: 'Client id, redirect URI, grant and scopes',
  token: 'Token endpoint (DPoP, public client)',
  refresh: 'Refresh Token grant',
  scopes: 'Scopes',
  api: 'API settings',
  csp: 'Content-Security-Policy',
  'post-logout': 'Sign-out redirect URI',
  'signed-in': 'Checks that need a signed-in user',
};
/** The checks that need the discovery document, in the order they are reported. */
const AFTER_DISCOVERY = ['cors', 'authorize', 'token', 'refresh', 'scopes'];

/** The status of a set of reports: the worst one. */
export function worstStatus(reports) {
  return reports.reduce(
    (worst, { status }) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst),
    'pass',
  );
}

/** Okta's redirect URI for this app: the callback route under the app's origin. */
export const redirectUriOf = (appOrigin) => `${appOrigin}/login/callback`;

export const discoveryUrlOf = (issuer) => `${issuer}/.well-known/openid-configuration`;

/**
 * The endpoints okta-auth-js builds from the issuer itself, without discovery (its
 * getOAuthUrls; src/app/auth/token-set-checks.ts's oauthUrlsOf is the app's copy). The org
 * authorization server's live under /oauth2/v1.
 */
export function oauthUrlsOf(issuer) {
  const base = issuer.indexOf('/oauth2') > 0 ? issuer : `${issuer}/oauth2`;
  return {
    authorize: `${base}/v1/authorize`,
    token: `${base}/v1/token`,
    userinfo: `${base}/v1/userinfo`,
    revoke: `${base}/v1/revoke`,
    logout: `${base}/v1/logout`,
  };
}

// 1. Issuer shape ---------------------------------------------------------------------------

/**
 * What the issuer URL itself says: https (plain http on localhost only), not the Admin Console
 * host, and a custom authorization server (`/oauth2/<id>`) rather than the org's.
 */
export function checkIssuerShape(issuer, { embedded = false } = {}) {
  const fail = (detail, fix) => report('issuer', TITLES.issuer, 'fail', detail, fix);
  const example = 'https://dev-123456.okta.com/oauth2/default';
  if (typeof issuer !== 'string' || !issuer.trim()) {
    return fail('OKTA_ISSUER is not set', `Set OKTA_ISSUER to your issuer, e.g. ${example}.`);
  }
  const url = URL.parse(issuer.trim());
  if (/[{}]/.test(issuer) || (url && EXAMPLE_HOSTS.test(url.hostname))) {
    return fail(
      `OKTA_ISSUER is still the example "${issuer}"`,
      'Set OKTA_ISSUER to the Issuer URI shown in Security → API → Authorization Servers.',
    );
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    return fail(
      `OKTA_ISSUER "${issuer}" is not an http(s) URL`,
      `Set OKTA_ISSUER to your issuer, e.g. ${example}.`,
    );
  }
  if (/-admin\./i.test(url.hostname)) {
    const orgHost = url.hostname.replace(/-admin\./i, '.');
    return fail(
      `OKTA_ISSUER names the Admin Console host ${url.hostname}, which serves no tokens`,
      `Remove "-admin" from OKTA_ISSUER: https://${orgHost}${url.pathname.replace(/\/+$/, '')}.`,
    );
  }
  if (url.protocol !== 'https:' && !isLoopbackUrl(url)) {
    return fail(
      `OKTA_ISSUER uses plain http on ${url.host}; tokens would cross the network in clear text`,
      `Set OKTA_ISSUER to the https URL: ${issuer.replace(/^http:/i, 'https:')}.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  const where = embedded ? 'the embedded provider' : url.host;
  if (path === '') {
    return report(
      'issuer',
      TITLES.issuer,
      'warn',
      `${where}'s org authorization server: its access tokens are for Okta's own APIs and cannot be verified by your API`,
      `Use a custom authorization server: set OKTA_ISSUER to ${url.origin}/oauth2/default (Security → API → Authorization Servers).`,
    );
  }
  const server = /^\/oauth2\/([^/]+)$/.exec(path)?.[1];
  if (!server) {
    return fail(
      `OKTA_ISSUER's path "${path}" is neither /oauth2/<authorization server id> nor empty`,
      `Set OKTA_ISSUER to the Issuer URI shown in Security → API → Authorization Servers, e.g. ${url.origin}/oauth2/default.`,
    );
  }
  return report(
    'issuer',
    TITLES.issuer,
    'pass',
    `custom authorization server "${decodeURIComponent(server)}" at ${where}${url.protocol === 'http:' ? ' (plain http: localhost only)' : ''}`,
  );
}

// 2. Discovery --------------------------------------------------------------------------------

/** The endpoints the app uses, by their discovery names. */
const REQUIRED_ENDPOINTS = [
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'userinfo_endpoint',
  'end_session_endpoint',
  'revocation_endpoint',
];
/** The discovery names of the endpoints okta-auth-js builds itself (oauthUrlsOf). */
const BUILT_ENDPOINTS = {
  authorization_endpoint: 'authorize',
  token_endpoint: 'token',
  userinfo_endpoint: 'userinfo',
  revocation_endpoint: 'revoke',
  end_session_endpoint: 'logout',
};

/**
 * `answer` is request()'s result for the discovery URL. It must answer, name exactly the issuer
 * the app is configured with (okta-auth-js compares `iss` with it), support the code flow with
 * S256, and list the endpoints the app uses where okta-auth-js will look for them.
 */
export function judgeDiscovery(answer, { issuer, dpop }, timeoutMs = FULL_TIMEOUT_MS) {
  const url = discoveryUrlOf(issuer);
  const fail = (detail, fix) => report('discovery', TITLES.discovery, 'fail', detail, fix);
  const serversScreen = 'Security → API → Authorization Servers';
  if (answer.error) {
    return fail(
      `${url} cannot be reached (${describeNetworkError(answer.error, timeoutMs)})`,
      `Check the host name in OKTA_ISSUER and this computer's network or proxy.`,
    );
  }
  if (answer.status === 404) {
    const server = /\/oauth2\/([^/]+)$/.exec(new URL(issuer).pathname)?.[1];
    return fail(
      server
        ? `${url} answers 404: there is no authorization server "${decodeURIComponent(server)}" (a wrong authorization server id)`
        : `${url} answers 404: there is no OpenID provider at this issuer`,
      `Set OKTA_ISSUER to the Issuer URI shown in ${serversScreen}.`,
    );
  }
  if (answer.status !== 200 || !isPlainObject(answer.json)) {
    return fail(
      `${url} answers ${answer.status}${answer.json === undefined ? ' without a JSON document' : ''}`,
      `Set OKTA_ISSUER to the Issuer URI shown in ${serversScreen}.`,
    );
  }
  const metadata = answer.json;
  const problems = [];
  if (metadata.issuer !== issuer) {
    problems.push({
      status: 'fail',
      detail: `the discovery document names the issuer "${metadata.issuer}", not "${issuer}" (okta-auth-js refuses tokens from any other)`,
      fix: `Set OKTA_ISSUER to exactly ${JSON.stringify(metadata.issuer)} (${serversScreen} → Issuer URI).`,
    });
  }
  if (!listIncludes(metadata.response_types_supported, 'code')) {
    problems.push({
      status: 'fail',
      detail: 'it does not support the authorization code flow (response type "code")',
      fix: `Use an authorization server that supports the authorization code flow (${serversScreen}).`,
    });
  }
  if (!listIncludes(metadata.code_challenge_methods_supported, 'S256')) {
    problems.push({
      status: 'fail',
      detail: 'it does not list PKCE with S256 (code_challenge_methods_supported)',
      fix: `Use an authorization server that supports PKCE with S256 (${serversScreen}).`,
    });
  }
  const missing = REQUIRED_ENDPOINTS.filter((name) => typeof metadata[name] !== 'string');
  if (missing.length) {
    problems.push({
      status: 'fail',
      detail: `it lists no ${missing.join(', ')}`,
      fix: `Set OKTA_ISSUER to an Okta authorization server's Issuer URI (${serversScreen}).`,
    });
  }
  const built = oauthUrlsOf(issuer);
  const elsewhere = Object.entries(BUILT_ENDPOINTS).filter(
    ([name, key]) => typeof metadata[name] === 'string' && metadata[name] !== built[key],
  );
  if (elsewhere.length) {
    const [name, key] = elsewhere[0];
    problems.push({
      status: 'fail',
      detail: `okta-auth-js builds ${built[key]} from the issuer, but discovery lists ${name} ${metadata[name]}`,
      fix: `Set OKTA_ISSUER to the Issuer URI shown in ${serversScreen}.`,
    });
  }
  if (dpop) {
    const algs = metadata.dpop_signing_alg_values_supported;
    if (!Array.isArray(algs)) {
      problems.push({
        status: 'warn',
        detail: 'it advertises no DPoP support (dpop_signing_alg_values_supported)',
        fix: 'Set OKTA_DPOP=false, or use an Okta authorization server that supports DPoP.',
      });
    } else if (!algs.includes('RS256')) {
      problems.push({
        status: 'warn',
        detail: `its DPoP algorithms (${algs.join(', ')}) lack RS256, the one okta-auth-js signs proofs with`,
        fix: 'Set OKTA_DPOP=false, or use an authorization server that accepts RS256 DPoP proofs.',
      });
    }
  }
  if (!problems.length) {
    return report(
      'discovery',
      TITLES.discovery,
      'pass',
      'issuer matches, code flow with PKCE S256, all endpoints listed',
    );
  }
  return combine('discovery', TITLES.discovery, problems);
}

// 3. Clock --------------------------------------------------------------------------------------

/**
 * This computer's clock against the server's `Date` header (whole seconds), taken at the middle
 * of the request. okta-auth-js refuses tokens issued more than MAX_CLOCK_SKEW_SECONDS away.
 */
export function judgeClock(answer, { warnSeconds = CLOCK_SKEW_WARN_SECONDS } = {}) {
  const serverTime = Date.parse(answer.date ?? '');
  if (answer.error || Number.isNaN(serverTime)) {
    return report('clock', TITLES.clock, 'skip', 'the server sent no Date header to compare with');
  }
  const localTime = (answer.sentAt + answer.receivedAt) / 2;
  // The header drops the milliseconds: the server's time was somewhere in that second.
  const skewSeconds = Math.round((localTime - serverTime - 500) / 1000);
  const offBy = `this computer's clock is ${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the server's`;
  const fix = `Sync this computer's clock (NTP): okta-auth-js refuses tokens more than ${MAX_CLOCK_SKEW_SECONDS} s off.`;
  if (Math.abs(skewSeconds) > MAX_CLOCK_SKEW_SECONDS) {
    return report('clock', TITLES.clock, 'fail', `${offBy}, more than okta-auth-js tolerates`, fix);
  }
  if (Math.abs(skewSeconds) > warnSeconds) return report('clock', TITLES.clock, 'warn', offBy, fix);
  return report('clock', TITLES.clock, 'pass', `within ${warnSeconds} s of the server's`);
}

// 4. CORS ---------------------------------------------------------------------------------------

/**
 * The browser's view: a preflight for the token request okta-auth-js sends, and a GET of the keys,
 * both from the app's origin. Okta only answers origins listed as Trusted Origins with CORS.
 */
export async function checkCors(send, { appOrigin, dpop, tokenUrl, jwksUri }) {
  const requestHeaders = dpop ? 'content-type, dpop' : 'content-type';
  const [preflight, keys] = await Promise.all([
    send(tokenUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: appOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': requestHeaders,
      },
    }),
    typeof jwksUri === 'string'
      ? send(jwksUri, { headers: { Origin: appOrigin } })
      : Promise.resolve(null),
  ]);
  return judgeCors({ preflight, keys }, { appOrigin, requestHeaders, tokenUrl, jwksUri });
}

export function judgeCors({ preflight, keys }, { appOrigin, requestHeaders, tokenUrl, jwksUri }) {
  const fix = `Add ${appOrigin} in Security → API → Trusted Origins with CORS checked.`;
  const problems = [];
  const refused = (answer, what) => {
    if (answer.error) return `${what} failed (${describeNetworkError(answer.error)})`;
    const allowed = answer.headers?.['access-control-allow-origin'];
    if (allowed !== appOrigin) {
      return `${what} answered ${answer.status} ${allowed ? `allowing ${allowed}` : 'without Access-Control-Allow-Origin'}`;
    }
    return null;
  };
  const preflightProblem = refused(preflight, `the preflight of POST ${tokenUrl}`);
  if (preflightProblem) {
    problems.push(preflightProblem);
  } else {
    const allowedHeaders = (preflight.headers['access-control-allow-headers'] ?? '')
      .toLowerCase()
      .split(',')
      .map((name) => name.trim());
    const missing = requestHeaders
      .split(', ')
      .filter((name) => !allowedHeaders.includes(name) && !allowedHeaders.includes('*'));
    if (missing.length) {
      problems.push(
        `the preflight of POST ${tokenUrl} does not allow the ${missing.join(', ')} header`,
      );
    }
  }
  if (!keys) {
    problems.push('there is no jwks_uri to fetch');
  } else {
    const keysProblem = refused(keys, `GET ${jwksUri}`);
    if (keysProblem) problems.push(keysProblem);
  }
  if (problems.length) return report('cors', TITLES.cors, 'fail', `${problems.join('; ')}`, fix);
  return report('cors', TITLES.cors, 'pass', `${appOrigin} may call the token and keys endpoints`);
}

// 5. The authorization request ----------------------------------------------------------------

/**
 * The parameters okta-auth-js sends to /v1/authorize at sign-in, PKCE included, plus prompt=none
 * so that Okta answers at once instead of showing its sign-in page.
 */
export function authorizationParams({ clientId, redirectUri, scopes }) {
  const verifier = randomBytes(32).toString('base64url');
  return new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopes.join(' '),
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    prompt: 'none',
  });
}

/**
 * Sends the authorization request without following redirects and judges Okta's answer. An
 * `invalid_scope` for scopes that include offline_access is asked again without it: if that one
 * passes, the refresh token grant is what is missing.
 */
export async function checkAuthorize(send, { authorizeUrl, params, redirectUri }) {
  const ask = (query) => send(`${authorizeUrl}?${query}`, { redirect: 'manual' });
  const context = { redirectUri, clientId: params.get('client_id'), state: params.get('state') };
  const scopes = params.get('scope').split(' ');
  const first = judgeAuthorize(await ask(params), { ...context, scopes });
  if (first.kind !== 'invalid-scope' || !scopes.includes('offline_access')) return first;

  const withoutOffline = new URLSearchParams(params);
  withoutOffline.set('scope', scopes.filter((scope) => scope !== 'offline_access').join(' '));
  const second = judgeAuthorize(await ask(withoutOffline), { ...context, scopes });
  if (second.kind !== 'accepted') return first;
  return {
    kind: 'no-refresh-grant',
    report: report(
      'authorize',
      TITLES.authorize,
      'fail',
      `Okta refuses the scope offline_access (invalid_scope) and accepts the others: the app may not use the Refresh Token grant${first.description ? ` (Okta: "${first.description}")` : ''}`,
      `Enable Refresh Token in Applications → your app (client id ${context.clientId}) → General → Grant type.`,
    ),
  };
}

/**
 * Classifies the answer to the authorization request. `answer` is request()'s result. Returns
 * `{ kind, report, description }`; `kind` is one of accepted, unauthorized-client, invalid-scope,
 * access-denied, unknown-client, redirect-uri, unreachable or unexpected.
 */
export function judgeAuthorize(answer, { redirectUri, clientId, state, scopes = [] }) {
  const result = (kind, status, detail, fix = null, description = null) => ({
    kind,
    description,
    report: report('authorize', TITLES.authorize, status, detail, fix),
  });
  const appScreen = `Applications → your app (client id ${clientId}) → General`;
  if (answer.error) {
    return result(
      'unreachable',
      'fail',
      `the authorize endpoint cannot be reached (${describeNetworkError(answer.error)})`,
      "Check the host name in OKTA_ISSUER and this computer's network or proxy.",
    );
  }

  const location = answer.headers?.location;
  if (answer.status >= 300 && answer.status < 400 && location) {
    const target = URL.parse(location, answer.url);
    if (!target || `${target.origin}${target.pathname}` !== redirectUri) {
      return result(
        'unexpected',
        'warn',
        `Okta redirected to ${location} instead of the redirect URI, so the request could not be judged`,
        `Compare ${appScreen} with OKTA_CLIENT_ID and the redirect URI ${redirectUri}.`,
      );
    }
    const params = target.search
      ? target.searchParams
      : new URLSearchParams(target.hash.replace(/^#/, ''));
    const error = params.get('error');
    const description = params.get('error_description');
    const okta = description ? ` (Okta: "${description}")` : '';
    if (params.get('state') !== state) {
      return result(
        'unexpected',
        'warn',
        `Okta answered at the redirect URI without this request's state${error ? `: ${error}${okta}` : ''}`,
        `Compare ${appScreen} with OKTA_CLIENT_ID.`,
      );
    }
    if (params.has('code') || NEEDS_SIGN_IN.has(error)) {
      return result(
        'accepted',
        'pass',
        `Okta accepted client id ${clientId}, redirect URI ${redirectUri}, the code grant with PKCE and the scopes ${scopes.join(' ')}${error ? ` (and asks for a sign-in: ${error})` : ''}`,
      );
    }
    // Okta refuses a grant the app lacks with unauthorized_client; a code request to an app with
    // Implicit instead of Authorization Code, with unsupported_response_type.
    if (error === 'unauthorized_client' || error === 'unsupported_response_type') {
      return result(
        'unauthorized-client',
        'fail',
        `Okta refuses the grant: the app may not use the authorization code flow${okta}`,
        `Enable Authorization Code (and Refresh Token) in ${appScreen} → Grant type.`,
        description,
      );
    }
    if (error === 'invalid_scope') {
      return result(
        'invalid-scope',
        'fail',
        `Okta refuses a scope of "${scopes.join(' ')}"${okta}`,
        'Remove the scope from OKTA_SCOPES, or add it in Security → API → Authorization Servers → your server → Scopes.',
        description,
      );
    }
    if (error === 'access_denied') {
      const notAssigned = /assign/i.test(description ?? '');
      return result(
        'access-denied',
        'fail',
        `Okta denies access${okta}`,
        notAssigned
          ? `Assign the users or groups who may sign in under Applications → your app (client id ${clientId}) → Assignments.`
          : `Add a rule for this app with Authorization Code and Refresh Token in Security → API → Authorization Servers → your server → Access Policies.`,
        description,
      );
    }
    return result(
      'unexpected',
      'fail',
      `Okta refused the authorization request: ${error ?? 'no error code'}${okta}`,
      `Compare ${appScreen} with OKTA_CLIENT_ID, OKTA_SCOPES and the redirect URI ${redirectUri}.`,
      description,
    );
  }

  if (answer.status >= 400) {
    const { error, text } = readErrorAnswer(answer);
    const said = error ? ` (${error})` : '';
    const mentionsRedirect = /redirect_uri|redirect uri/i.test(text);
    if (error === 'invalid_client' || (!mentionsRedirect && /client/i.test(text))) {
      return result(
        'unknown-client',
        'fail',
        `Okta answered ${answer.status}${said}: it knows no app with client id ${clientId}`,
        'Set OKTA_CLIENT_ID to the Client ID shown in Applications → your app → General.',
      );
    }
    if (mentionsRedirect) {
      return result(
        'redirect-uri',
        'fail',
        `Okta answered ${answer.status}${said}: ${redirectUri} is not a sign-in redirect URI of the app`,
        `Add ${redirectUri} to Sign-in redirect URIs in ${appScreen}.`,
      );
    }
    return result(
      'unexpected',
      'fail',
      `Okta answered ${answer.status}${said}${text ? `: ${truncate(text, 160)}` : ''}`,
      `Compare ${appScreen} with OKTA_CLIENT_ID, OKTA_SCOPES and the redirect URI ${redirectUri}.`,
    );
  }

  return result(
    'unexpected',
    'warn',
    `Okta answered ${answer.status} with a page instead of redirecting, so the request could not be judged`,
    `Compare ${appScreen} with OKTA_CLIENT_ID and the redirect URI ${redirectUri}.`,
  );
}

/**
 * The error code and the readable text of an error answer: Okta's HTML error page ("Error Code:
 * invalid_client", "Description: ..."), the embedded provider's, or a JSON body.
 */
export function readErrorAnswer({ body = '', headers = {} }) {
  const json = parseJson(body);
  if (isPlainObject(json)) {
    const error = json.error ?? json.errorCode;
    const description = json.error_description ?? json.errorSummary;
    return {
      error: typeof error === 'string' ? error : null,
      text: [error, description].filter((part) => typeof part === 'string').join(': '),
    };
  }
  const isHtml = /html/i.test(headers['content-type'] ?? '') || /^\s*</.test(body);
  const text = isHtml ? htmlToText(body) : body.replace(/\s+/g, ' ').trim();
  const error = /\b(invalid_[a-z_]+|unauthorized_client|access_denied|unsupported_[a-z_]+)\b/.exec(
    text,
  );
  return { error: error?.[1] ?? null, text };
}

function htmlToText(html) {
  const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name) => {
      if (name[0] !== '#') return entities[name.toLowerCase()] ?? entity;
      const code =
        name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isInteger(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

// The token endpoint -------------------------------------------------------------------------

/**
 * A code exchange with a code that does not exist and no DPoP proof, as okta-auth-js would send
 * it without DPoP. An app that requires DPoP refuses the missing proof first (invalid_dpop_proof);
 * one that does not gets as far as the code (invalid_grant); a confidential ("Web") app wants its
 * secret (invalid_client). Nothing is issued either way.
 */
export function tokenProbeBody({ clientId, redirectUri }) {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: clientId,
    redirect_uri: redirectUri,
    code: `doctor-${randomBytes(16).toString('base64url')}`,
    code_verifier: randomBytes(32).toString('base64url'),
  });
}

export function judgeTokenProbe(answer, { dpop, dpopAllowBearer, clientId }, timeoutMs) {
  const result = (status, detail, fix = null) => report('token', TITLES.token, status, detail, fix);
  const appScreen = `Applications → your app (client id ${clientId}) → General`;
  const requireDpop = 'Require Demonstrating Proof of Possession (DPoP) header in token requests';
  if (answer.error) {
    return result(
      'fail',
      `the token endpoint cannot be reached (${describeNetworkError(answer.error, timeoutMs)})`,
      "Check the host name in OKTA_ISSUER and this computer's network or proxy.",
    );
  }
  const { error } = readErrorAnswer(answer);
  if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') {
    return dpop
      ? result('pass', 'the app requires DPoP, as OKTA_DPOP=true expects')
      : result(
          'fail',
          'the app requires DPoP, but OKTA_DPOP=false sends no proof, so every token request is refused',
          `Set OKTA_DPOP=true, or turn off "${requireDpop}" in ${appScreen}.`,
        );
  }
  if (error === 'invalid_grant') {
    if (!dpop) return result('pass', 'a public client without DPoP, as OKTA_DPOP=false expects');
    return result(
      dpopAllowBearer ? 'warn' : 'fail',
      dpopAllowBearer
        ? 'the app does not require DPoP, so Okta sends unbound Bearer tokens (OKTA_DPOP_ALLOW_BEARER=true accepts them)'
        : 'the app does not require DPoP, so Okta sends unbound tokens and sign-in stops (OKTA_DPOP=true)',
      `Turn on "${requireDpop}" in ${appScreen}, or set OKTA_DPOP=false.`,
    );
  }
  if (error === 'invalid_client') {
    return result(
      'fail',
      `the token endpoint wants a client secret (${answer.status} invalid_client): the app is not a Single-Page Application`,
      'Create the app in Applications → Create App Integration → OIDC → Single-Page Application (public client, PKCE, no secret).',
    );
  }
  if (error === 'unauthorized_client') {
    return result(
      'fail',
      `the token endpoint refuses the authorization code grant (${answer.status} unauthorized_client)`,
      `Enable Authorization Code (and Refresh Token) in ${appScreen} → Grant type.`,
    );
  }
  return result(
    'warn',
    `unexpected answer ${answer.status}${error ? ` ${error}` : ''} to a code exchange with an unknown code`,
    `Compare ${appScreen} with OKTA_CLIENT_ID and OKTA_DPOP.`,
  );
}

// The refresh token grant ----------------------------------------------------------------------

/**
 * A refresh with a refresh token that does not exist: an app without the Refresh Token grant is
 * refused that grant (unauthorized_client), one with it gets as far as the token (invalid_grant).
 * With DPoP on, the request carries a proof, as okta-auth-js's would (an app that requires DPoP
 * refuses anything else first), retried once with the nonce Okta asks for.
 */
export async function probeRefreshGrant(send, { tokenUrl, clientId, dpop }) {
  const body = () =>
    new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: `doctor-${randomBytes(16).toString('base64url')}`,
    });
  if (!dpop) return send(tokenUrl, { method: 'POST', body: body() });
  const prove = await dpopProver(tokenUrl);
  const first = await send(tokenUrl, {
    method: 'POST',
    body: body(),
    headers: { DPoP: await prove() },
  });
  const nonce = first.headers?.['dpop-nonce'];
  if (readErrorAnswer(first).error !== 'use_dpop_nonce' || !nonce) return first;
  return send(tokenUrl, { method: 'POST', body: body(), headers: { DPoP: await prove(nonce) } });
}

/** Makes DPoP proofs for POST `url` with a fresh RS256 key, the algorithm okta-auth-js uses. */
async function dpopProver(url) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  return (nonce) =>
    new SignJWT({ htm: 'POST', htu: url, jti: randomUUID(), ...(nonce && { nonce }) })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'RS256', jwk })
      .setIssuedAt()
      .sign(privateKey);
}

export function judgeRefreshGrant(answer, { scopes, dpop, clientId }, timeoutMs) {
  const result = (status, detail, fix = null) =>
    report('refresh', TITLES.refresh, status, detail, fix);
  if (answer.error) {
    return result(
      'fail',
      `the token endpoint cannot be reached (${describeNetworkError(answer.error, timeoutMs)})`,
      "Check the host name in OKTA_ISSUER and this computer's network or proxy.",
    );
  }
  const { error, text } = readErrorAnswer(answer);
  if (error === 'invalid_grant') {
    return result('pass', 'the app may renew tokens with a refresh token');
  }
  if (error === 'unauthorized_client') {
    const wantsOffline = scopes.includes('offline_access');
    return result(
      wantsOffline ? 'fail' : 'warn',
      `the app may not use the Refresh Token grant (Okta: "${text.replace(/^unauthorized_client: /, '')}"), so no refresh token is issued and users are signed out when the access token expires`,
      `Enable Refresh Token in Applications → your app (client id ${clientId}) → General → Grant type.`,
    );
  }
  if (error === 'invalid_client') {
    return result('skip', 'the client is refused (see the token endpoint check)');
  }
  if (error === 'invalid_dpop_proof' || error === 'use_dpop_nonce') {
    return dpop
      ? result(
          'warn',
          `Okta refused this check's DPoP proof (${text}), so the grant could not be asked about`,
          "Make sure this computer's clock is right, then run npm run doctor again.",
        )
      : result('skip', 'the app requires DPoP (see the token endpoint check)');
  }
  return result(
    'warn',
    `unexpected answer ${answer.status}${error ? ` ${error}` : ''} to a refresh with an unknown refresh token`,
    `Compare Applications → your app (client id ${clientId}) → General → Grant type with OKTA_SCOPES.`,
  );
}

// Scopes --------------------------------------------------------------------------------------

/**
 * offline_access gets the refresh token the app renews with; without it users are signed out when
 * the first access token expires. A scope the server does not advertise may still be allowed (Okta
 * lists only scopes published in its metadata), so that is a warning only.
 */
export function judgeScopes(scopes, metadata = {}) {
  const problems = [];
  if (!scopes.includes('offline_access')) {
    problems.push({
      status: 'warn',
      detail:
        'OKTA_SCOPES has no offline_access: no refresh token, so users are signed out when the access token expires (an hour by default)',
      fix: 'Add offline_access to OKTA_SCOPES and enable Refresh Token in Applications → your app → General → Grant type.',
    });
  }
  const advertised = metadata.scopes_supported;
  const unlisted = Array.isArray(advertised)
    ? scopes.filter((scope) => !advertised.includes(scope))
    : [];
  if (unlisted.length) {
    problems.push({
      status: 'warn',
      detail: `the server does not advertise ${unlisted.join(', ')} (fine if the authorization request above passed)`,
      fix: 'Add the scope in Security → API → Authorization Servers → your server → Scopes, or remove it from OKTA_SCOPES.',
    });
  }
  if (!problems.length) return report('scopes', TITLES.scopes, 'pass', scopes.join(' '));
  return combine('scopes', TITLES.scopes, problems);
}

// 6. API settings -----------------------------------------------------------------------------

/** The access token goes only to API_ORIGINS, and the sample API wants OKTA_AUDIENCE in it. */
export function checkApiSettings({ auth, audience, apiUrl }) {
  const problems = [];
  if (typeof audience !== 'string' || !audience.trim()) {
    problems.push({
      status: 'fail',
      detail: 'OKTA_AUDIENCE is empty',
      fix: 'Set OKTA_AUDIENCE to the Audience shown in Security → API → Authorization Servers (api://default for the default server).',
    });
  } else if (/\/oauth2\/default$/.test(auth.issuer) && audience !== 'api://default') {
    problems.push({
      status: 'warn',
      detail: `the default authorization server issues tokens for api://default, but OKTA_AUDIENCE is ${audience}`,
      fix: 'Set OKTA_AUDIENCE to the Audience shown in Security → API → Authorization Servers → default.',
    });
  }
  const notOrigins = auth.apiOrigins.filter((origin) => URL.parse(origin)?.origin !== origin);
  if (notOrigins.length) {
    problems.push({
      status: 'fail',
      detail: `API_ORIGINS holds ${notOrigins.join(', ')}, which ${notOrigins.length > 1 ? 'are not origins' : 'is not an origin'}`,
      fix: 'Set API_ORIGINS to origins only (scheme, host and port), e.g. https://api.example.com.',
    });
  }
  const apiOrigin = URL.parse(apiUrl)?.origin;
  if (apiOrigin && !auth.apiOrigins.includes(apiOrigin)) {
    problems.push({
      status: 'fail',
      detail: `API_URL's origin ${apiOrigin} is not in API_ORIGINS (${auth.apiOrigins.join(', ') || 'empty'}), so its calls carry no access token`,
      fix: `Add ${apiOrigin} to API_ORIGINS.`,
    });
  }
  if (!problems.length) {
    return report(
      'api',
      TITLES.api,
      'pass',
      `audience ${audience}; the access token goes to ${auth.apiOrigins.join(', ')} only`,
    );
  }
  return combine('api', TITLES.api, problems);
}

/**
 * serve:prod's Content-Security-Policy lets the app connect only to the origins of the config.json
 * it serves: these settings' own, or APP_CONFIG_FILE's. The API and the issuer must be among them.
 */
export function checkCsp(settings, appConfig) {
  const { auth, apiUrl } = settings;
  if (appConfig?.error) {
    return report(
      'csp',
      TITLES.csp,
      'fail',
      `APP_CONFIG_FILE "${appConfig.path}" cannot be read (${appConfig.error})`,
      'Set APP_CONFIG_FILE to the path of the config.json serve:prod should serve, or unset it.',
    );
  }
  const source = appConfig ? `APP_CONFIG_FILE (${appConfig.path})` : 'these settings';
  const sources = cspSourcesFromConfig(appConfig?.text ?? JSON.stringify(settings.runtimeConfig));
  if (sources.problem) {
    return report(
      'csp',
      TITLES.csp,
      'fail',
      `serve:prod's connect-src allows no origin but its own: ${sources.problem}`,
      appConfig
        ? `Correct ${appConfig.path} (see src/app/runtime-config.ts for its keys).`
        : 'Use localhost rather than an IPv6 literal in OKTA_ISSUER, API_URL and API_ORIGINS.',
    );
  }
  const needed = [new URL(auth.issuer).origin, new URL(apiUrl).origin, ...auth.apiOrigins];
  const missing = [...new Set(needed)].filter((origin) => !sources.connectOrigins.includes(origin));
  if (missing.length) {
    return report(
      'csp',
      TITLES.csp,
      'warn',
      `serve:prod derives connect-src from ${source}, which lacks ${missing.join(', ')}: the browser would block the app's requests there`,
      `Add ${missing.join(', ')} to ${appConfig.path} (issuer, apiUrl or apiOrigins), or unset APP_CONFIG_FILE.`,
    );
  }
  return report(
    'csp',
    TITLES.csp,
    'pass',
    `serve:prod's connect-src (from ${source}) allows ${sources.connectOrigins.join(', ')}`,
  );
}

// 7. What cannot be seen from outside --------------------------------------------------------

export function checksThatNeedASignIn({ appOrigin }) {
  return [
    report(
      'post-logout',
      TITLES['post-logout'],
      'skip',
      'Okta checks post_logout_redirect_uri only together with a valid ID token, so it cannot be tried before a sign-in',
      `Make sure Sign-out redirect URIs in Applications → your app → General holds ${appOrigin}.`,
    ),
    report(
      'signed-in',
      TITLES['signed-in'],
      'skip',
      "user assignment, the groups claim, the access token's audience, lifetimes and refresh token rotation need real tokens",
      `Sign in at ${appOrigin} and open ${appOrigin}/diagnostics (linked from the profile page).`,
    ),
  ];
}

// Requests ------------------------------------------------------------------------------------

/**
 * One request, never thrown: `{ url, status, headers, body, json, date, sentAt, receivedAt }`,
 * or `{ url, error, sentAt, receivedAt }` when no answer came. Header names are lower case.
 */
export async function request(fetch, url, init, now = Date.now) {
  const sentAt = now();
  try {
    const response = await fetch(url, init);
    const body = (await response.text()).slice(0, MAX_BODY_CHARS);
    const receivedAt = now();
    const headers = Object.fromEntries(response.headers);
    return {
      url,
      status: response.status,
      headers,
      body,
      json: parseJson(body),
      date: headers.date,
      sentAt,
      receivedAt,
    };
  } catch (error) {
    return { url, error, sentAt, receivedAt: now() };
  }
}

/** A few words on why no answer came. */
export function describeNetworkError(error, timeoutMs = FULL_TIMEOUT_MS) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error?.cause ?? error;
  const code = networkErrorCode(error);
  const names = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
  };
  if (names[code]) return `${names[code]}, ${code}`;
  return cause?.message ?? String(error);
}

/** fetch's TypeError("fetch failed") keeps the system error, and its code, in `cause`. */
export function networkErrorCode(error) {
  return error?.cause?.code ?? error?.code;
}

function combine(id, title, problems) {
  const status = worstStatus(problems);
  const first = problems.find((problem) => problem.status === status);
  return report(id, title, status, problems.map(({ detail }) => detail).join('; '), first.fix);
}

function listIncludes(list, value) {
  return Array.isArray(list) && list.includes(value);
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
