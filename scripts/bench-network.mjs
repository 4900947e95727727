// Records what the browser sends during a sign-in, from the DevTools protocol rather than
// Playwright's request events: Playwright does not report CORS preflights, and they are the point.
// Chromium 156 reports each preflight as its own Network.requestWillBeSent (method OPTIONS,
// initiator.type "preflight", type "Other"; the matching responseReceived says type "Preflight"),
// and each redirect hop as another requestWillBeSent with the same requestId and a
// redirectResponse. Every such event is one HTTP request on the wire or from a cache.

/**
 * Starts recording on a CDP session of a page (Network.enable must follow). Returns the list it
 * fills; entries are in send order, times in epoch milliseconds (CDP wallTime). `end` is when the
 * response finished (or the redirect answered, or the request failed), on the same clock.
 */
export function recordNetwork(cdp) {
  const requests = [];
  const latest = new Map();
  const preflightHeaders = new Map();
  // Only requestWillBeSent carries a wall-clock time; the other events have the monotonic
  // `timestamp` (seconds), which this offset turns into epoch ms.
  let offset = null;
  const epoch = (timestamp) =>
    offset === null || timestamp === undefined ? null : timestamp * 1000 + offset;

  cdp.on('Network.requestWillBeSent', (event) => {
    const { requestId, request, redirectResponse, initiator, type, wallTime, timestamp } = event;
    const { loaderId, frameId } = event;
    if (timestamp !== undefined) offset = wallTime * 1000 - timestamp * 1000;
    const previous = latest.get(requestId);
    if (previous && redirectResponse) {
      previous.status = redirectResponse.status;
      previous.end = wallTime * 1000;
    }
    // data:, blob:, chrome:, devtools: and the like never reach a server.
    if (!/^https?:/.test(request.url)) return;
    const headers = request.headers ?? {};
    const entry = {
      requestId,
      method: request.method,
      url: request.url,
      resourceType: type ?? 'Other',
      initiator: initiator?.type ?? 'other',
      preflight: initiator?.type === 'preflight' || request.method === 'OPTIONS',
      time: wallTime * 1000,
      // The same instant on the monotonic clock (ms) that Page.lifecycleEvent paints use.
      monotonic: timestamp === undefined ? null : timestamp * 1000,
      // Which document sent it: a subresource carries the loader of the page that asked for it.
      loaderId: loaderId ?? null,
      frameId: frameId ?? null,
      end: null,
      status: null,
      cache: null,
      cacheControl: null,
      bytes: 0,
      bodyBytes: null,
      decodedBytes: 0,
      encoding: null,
      // The scheme only ("DPoP", "Bearer"): the token itself is never kept.
      authScheme: authScheme(headerValue(headers, 'authorization')),
      dpopProof: headerValue(headers, 'dpop') !== null,
      dpopNonce: false,
      requestHeaders: preflightHeaders.get(requestId) ?? null,
    };
    requests.push(entry);
    latest.set(requestId, entry);
  });
  // Some request headers (those a preflight asks permission for, and sometimes Authorization) are
  // only in the ExtraInfo event, which may come before or after requestWillBeSent.
  cdp.on('Network.requestWillBeSentExtraInfo', ({ requestId, headers }) => {
    const asked = headerValue(headers, 'access-control-request-headers');
    const entry = latest.get(requestId);
    if (asked) {
      preflightHeaders.set(requestId, asked);
      if (entry) entry.requestHeaders = asked;
    }
    if (!entry) return;
    entry.authScheme ??= authScheme(headerValue(headers, 'authorization'));
    if (headerValue(headers, 'dpop') !== null) entry.dpopProof = true;
  });
  cdp.on('Network.requestServedFromCache', ({ requestId }) => {
    const entry = latest.get(requestId);
    if (entry) entry.cache = 'memory';
  });
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = latest.get(requestId);
    if (!entry) return;
    entry.status = response.status;
    if (response.fromDiskCache) entry.cache ??= 'disk';
    entry.cacheControl = headerValue(response.headers, 'cache-control');
    entry.encoding = headerValue(response.headers, 'content-encoding');
    const length = Number(headerValue(response.headers, 'content-length'));
    if (Number.isInteger(length) && length >= 0) entry.bodyBytes = length;
    // A nonce challenge (RFC 9449 §8, §9) or a fresh nonce for the next proof.
    if (headerValue(response.headers, 'dpop-nonce') !== null) entry.dpopNonce = true;
  });
  cdp.on('Network.dataReceived', ({ requestId, dataLength }) => {
    const entry = latest.get(requestId);
    if (entry) entry.decodedBytes += dataLength;
  });
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength, timestamp }) => {
    const entry = latest.get(requestId);
    if (!entry) return;
    entry.end = epoch(timestamp);
    if (!entry.cache) entry.bytes = encodedDataLength;
  });
  cdp.on('Network.loadingFailed', ({ requestId, errorText, timestamp }) => {
    const entry = latest.get(requestId);
    if (!entry) return;
    entry.failed = errorText;
    entry.end = epoch(timestamp);
  });
  return requests;
}

/**
 * Starts recording the paints Chromium reports for each document of the page (Page.enable and
 * Page.setLifecycleEventsEnabled must follow): "firstPaint" and "firstContentfulPaint", with the
 * loader (document) they belong to, at the instant the paint-timing entries of
 * performance.getEntriesByType('paint') hold, but on the monotonic clock of the Network events (ms)
 * rather than rounded and relative to the page's time origin.
 */
export function recordPaints(cdp) {
  const paints = [];
  cdp.on('Page.lifecycleEvent', ({ name, loaderId, frameId, timestamp }) => {
    if (name !== 'firstPaint' && name !== 'firstContentfulPaint') return;
    paints.push({ name, loaderId, frameId, monotonic: timestamp * 1000 });
  });
  return paints;
}

function authScheme(value) {
  return value ? value.trim().split(/\s+/)[0] : null;
}

function headerValue(headers, name) {
  if (!headers) return null;
  const key = Object.keys(headers).find((header) => header.toLowerCase() === name);
  return key ? headers[key] : null;
}

/**
 * "GET provider /v1/token"-style key: the method, which server (by origin) and the path, with the
 * per-request ids of the hosted pages replaced so the same step is counted together in every run.
 */
export function endpointKey(request, origins) {
  const url = new URL(request.url);
  const server =
    Object.entries(origins).find(([, origin]) => origin === url.origin)?.[0] ?? url.host;
  const path = url.pathname
    .replace(/\/interaction\/[\w-]+/, '/interaction/:uid')
    .replace(/\/v1\/authorize\/[\w-]+/, '/v1/authorize/:uid');
  return `${request.method} ${server} ${path}`;
}

/** The requests between two instants (epoch ms), e.g. from the click to the rendered page. */
export function requestsBetween(requests, start, end) {
  return requests.filter((request) => request.time >= start && request.time <= end);
}

/**
 * Counts for one sign-in: every request, preflights, redirect hops, those answered from a cache,
 * and the endpoints in order of first use with how often each was hit.
 */
export function summarizeRequests(requests, origins) {
  const endpoints = new Map();
  for (const request of requests) {
    const key = endpointKey(request, origins);
    const entry = endpoints.get(key) ?? {
      endpoint: key,
      count: 0,
      preflight: request.preflight,
      navigation: request.resourceType === 'Document',
      fromCache: 0,
      statuses: [],
    };
    entry.count += 1;
    if (request.cache) entry.fromCache += 1;
    if (!entry.statuses.includes(request.status)) entry.statuses.push(request.status);
    endpoints.set(key, entry);
  }
  return {
    total: requests.length,
    preflights: requests.filter((request) => request.preflight).length,
    redirects: requests.filter((request) => request.status >= 300 && request.status < 400).length,
    fromCache: requests.filter((request) => request.cache).length,
    overNetwork: requests.filter((request) => !request.cache).length,
    bytes: requests.reduce((total, request) => total + (request.bytes || 0), 0),
    endpoints: [...endpoints.values()],
  };
}

/**
 * Merges per-run endpoint lists: each endpoint with the median of its per-run counts (runs that
 * did not hit it count 0), kept in the order of first appearance.
 */
export function mergeEndpoints(summaries, median) {
  const order = [];
  const byKey = new Map();
  for (const summary of summaries) {
    for (const entry of summary.endpoints) {
      if (!byKey.has(entry.endpoint)) {
        byKey.set(entry.endpoint, { ...entry, counts: [] });
        order.push(entry.endpoint);
      }
    }
  }
  return order.map((key) => {
    const merged = byKey.get(key);
    const counts = summaries.map(
      (summary) => summary.endpoints.find((entry) => entry.endpoint === key)?.count ?? 0,
    );
    const fromCache = summaries.map(
      (summary) => summary.endpoints.find((entry) => entry.endpoint === key)?.fromCache ?? 0,
    );
    return {
      endpoint: key,
      count: median(counts),
      min: Math.min(...counts),
      max: Math.max(...counts),
      fromCache: median(fromCache),
      preflight: merged.preflight,
      navigation: merged.navigation,
      statuses: merged.statuses,
    };
  });
}

/**
 * What the requests of one sign-in show could go, each with the evidence; only reported, since
 * the app and its hosting belong to other people. `requests` is one run's list from the click on,
 * in order; `before` what the same page requested before the click. `callback` (epoch ms of the
 * GET /login/callback), `bootstrap` (the callback page's root component created) and `rendered`
 * (the target page's heading) date the waterfall evidence; `names` maps file names to chunk names.
 */
export function findCuts(
  requests,
  origins,
  before = [],
  { callback = null, rendered = null, bootstrap = null, names = new Map() } = {},
) {
  const cuts = [];
  const key = (request) => endpointKey(request, origins);
  const path = (request) => new URL(request.url).pathname;

  const preflights = requests.filter((request) => request.preflight);
  // A proof is a header no CORS safelist allows: those preflights are the price of DPoP itself.
  const forProof = (request) => /(^|,)\s*dpop\s*(,|$)/i.test(request.requestHeaders ?? '');
  const dpopPreflights = preflights.filter(forProof);
  const otherPreflights = preflights.filter((request) => !forProof(request));
  if (dpopPreflights.length > 0) {
    cuts.push({
      id: 'dpop-preflights',
      count: dpopPreflights.length,
      requests: dpopPreflights.map(key),
      who: 'none (DPoP itself)',
      note:
        `${dpopPreflights.length} CORS preflight(s) for requests that carry a DPoP proof ` +
        `(${[...new Set(dpopPreflights.map(key))].join(', ')}): the DPoP header is not CORS-safelisted, ` +
        "so every cross-origin request with a proof needs the server's permission first. The browser " +
        'caches it per URL for the Access-Control-Max-Age the server sends, so only the first request ' +
        'to each URL in a browser session pays it; it cannot be cut without giving up the proof.',
    });
  }
  if (otherPreflights.length > 0) {
    const asked = [
      ...new Set(otherPreflights.map((request) => request.requestHeaders).filter(Boolean)),
    ];
    cuts.push({
      id: 'cors-preflights',
      count: otherPreflights.length,
      requests: otherPreflights.map(key),
      who: 'app (okta-auth-js options)',
      note:
        `${otherPreflights.length} CORS preflight(s), because okta-auth-js sends non-safelisted headers ` +
        `(${asked.join(' | ') || 'see Access-Control-Request-Headers'}): "Content-Type: application/json" ` +
        'even on GETs and "X-Okta-User-Agent-Extended" on everything (http/request.js). Without them ' +
        'the discovery/keys GETs and the form-encoded token POST are CORS-simple requests. okta-auth-js ' +
        'drops headers set to null in its `headers` option (removeNils), so ' +
        "`headers: { 'Content-Type': null, 'X-Okta-User-Agent-Extended': null }` should remove every " +
        'sign-in preflight (checked against the embedded provider by stripping the two headers in ' +
        'the page: no preflight, sign-in and the API call still work; to be confirmed against a real ' +
        'Okta org). Preflights are cached per browser profile for Access-Control-Max-Age, so this ' +
        'mostly costs the first sign-in of a browser session.',
    });
  }

  const discovery = requests.filter(
    (request) => !request.preflight && path(request).endsWith('/.well-known/openid-configuration'),
  );
  if (discovery.length > 0) {
    cuts.push({
      id: 'discovery-on-click',
      count: discovery.length,
      requests: discovery.map(key),
      who: 'app (okta-auth-js)',
      note:
        `${discovery.length}× discovery document after the click: okta-auth-js fetches it before ` +
        'redirecting only to check code_challenge_methods_supported (prepareTokenParams → ' +
        'validateCodeChallengeMethod), so it (and its preflight) delays leaving the app. It is then ' +
        'cached in localStorage (okta-cache-storage, 24 h), so the callback does not fetch it again. ' +
        'It cannot be skipped, but could be prefetched (e.g. when the Sign in button renders).' +
        (discovery.length > 1 ? ' It was fetched more than once: the cache did not work.' : ''),
    });
  }

  const keys = requests.filter(
    (request) => !request.preflight && path(request).endsWith('/v1/keys'),
  );
  if (keys.length > 0) {
    cuts.push({
      id: 'jwks-after-token',
      count: keys.length,
      requests: keys.map(key),
      who: 'app (okta-auth-js)',
      note:
        'The keys (JWKS) are fetched after the token response, to check the ID token signature ' +
        '(verifyToken → getKey), so render waits for token → keys in series. OIDC Core §3.1.3.7 lets ' +
        'a client that got the ID token straight from the token endpoint over TLS skip the signature ' +
        'check (okta-auth-js `ignoreSignature: true`, which Okta documents as for testing), cutting ' +
        'the GET and its preflight; the JWKS is also cached for 24 h in okta-cache-storage.',
    });
  }

  const userinfo = requests.filter(
    (request) => !request.preflight && path(request).endsWith('/v1/userinfo'),
  );
  cuts.push({
    id: 'userinfo',
    count: userinfo.length,
    requests: userinfo.map(key),
    who: 'app',
    note:
      userinfo.length > 0
        ? `${userinfo.length}× /v1/userinfo: the ID token already carries the profile claims the app shows.`
        : 'No /v1/userinfo call: the app reads the claims from the ID token (nothing to cut).',
  });

  // Content-hashed files that went over the network again: the home page had loaded them before
  // the click, so only caching headers can explain it.
  const loadedBefore = new Set(before.filter((request) => !request.preflight).map(key));
  const hashed = requests.filter(
    (request) =>
      !request.cache &&
      /-[\w-]{8}\.(?:js|css)$/.test(path(request)) &&
      !/max-age=[1-9]/.test(request.cacheControl ?? ''),
  );
  if (hashed.length > 0) {
    const list = hashed.map(
      (request) =>
        `${path(request).slice(1)} (${(request.bytes / 1000).toFixed(1)} kB, ` +
        `"Cache-Control: ${request.cacheControl ?? 'none'}"` +
        `${loadedBefore.has(key(request)) ? ', already loaded by the home page before the click' : ''})`,
    );
    cuts.push({
      id: 'hashed-assets-not-cached',
      count: hashed.filter((request) => loadedBefore.has(key(request))).length,
      requests: hashed.map(key),
      who: 'hosting (scripts/serve.mjs)',
      note:
        `Content-hashed file(s) downloaded without long-term caching: ${list.join('; ')}. ` +
        'scripts/serve.mjs only treats /-[A-Z0-9]{8}\\.(js|css)$/ as hashed, but esbuild names ' +
        'chunks with lower-case letters and "_" too (chunk-9WU_U0IY.js), so those get ' +
        '"no-cache" and are fetched again on every page load, the callback page included. ' +
        '/-[A-Za-z0-9_-]{8}\\.(js|css)$/ would let the browser reuse them (one fewer request and ' +
        'the largest initial chunk off the callback path).',
    });
  }

  // Other GETs the home page had already made and the callback page makes again.
  for (const request of requests) {
    if (request.preflight || request.resourceType === 'Document' || request.cache) continue;
    if (/favicon\.ico$|-[\w-]{8}\.(?:js|css)$/.test(path(request))) continue;
    if (!loadedBefore.has(key(request))) continue;
    cuts.push({
      id: 'repeated-request',
      count: 1,
      requests: [key(request)],
      who: 'app/hosting',
      note:
        `${key(request)} is fetched on every full page load (the home page before the click, then ` +
        `the callback page), with "Cache-Control: ${request.cacheControl ?? 'none'}". For the ` +
        'runtime config that is deliberate (it must never be stale); a validator (ETag → 304) ' +
        'would make the repeat cheaper, inlining it into index.html would remove it.',
    });
  }

  const favicons = requests.filter((request) => /favicon\.ico$/.test(path(request)));
  const favNetwork = favicons.filter((request) => !request.cache);
  if (favNetwork.length > 1) {
    cuts.push({
      id: 'favicon',
      count: favNetwork.length,
      requests: [key(favicons[0])],
      who: 'hosting (scripts/serve.mjs); browser-initiated',
      note:
        `favicon.ico fetched ${favNetwork.length}× (${formatKb(favNetwork)}): Chromium asks again ` +
        'after each document load and URL change, and it comes with "Cache-Control: ' +
        `${favicons[0].cacheControl ?? 'none'}" and no ETag/Last-Modified, so every check is a full ` +
        'download. A validator (ETag → 304) or a short max-age would cut the bytes; the app code is ' +
        'not involved.',
    });
  }

  const providerHops = requests.filter(
    (request) =>
      request.resourceType === 'Document' &&
      new URL(request.url).origin === origins.provider &&
      /\/(interaction|v1\/authorize)\/[\w-]+$/.test(path(request)),
  );
  if (providerHops.length > 0) {
    cuts.push({
      id: 'dev-provider-consent-hops',
      count: providerHops.length,
      requests: [...new Set(providerHops.map(key))],
      who: 'dev provider only (not the app, not Okta)',
      note:
        `${providerHops.length} extra redirect hop(s) inside the provider (/interaction/:uid, ` +
        '/v1/authorize/:uid): the embedded provider asks for consent on every authorization so that ' +
        'oidc-provider keeps offline_access (dev-provider/okta-compat.mjs keepOfflineAccess) and ' +
        'approves it without a page. Okta with an existing session redirects from /v1/authorize ' +
        'straight to the callback, so these do not exist in production.',
    });
  }
  const late = chunksAfterTokenExchange(requests, origins);
  if (late && callback !== null) {
    const at = (time) => `+${(time - callback).toFixed(0)}`;
    const span = (request) =>
      `${at(request.time)} → ${request.end === null ? '?' : at(request.end)} ms`;
    const list = late.chunks.map(
      (request) =>
        `${path(request).slice(1)}${names.has(fileOf(request)) ? ` (${names.get(fileOf(request))})` : ''} ` +
        `${span(request)}`,
    );
    const waitedOn = [late.token, ...late.after].map(
      (request) => `${key(request)} ${span(request)}`,
    );
    const lastAnswer = Math.max(
      ...[late.token, ...late.after].map((request) => request.end ?? request.time),
    );
    const idle = late.chunks[0].time - lastAnswer;
    cuts.push({
      id: 'route-chunk-after-token',
      count: late.chunks.length,
      requests: late.chunks.map(key),
      who: 'app (router / callback)',
      note:
        `The page's own chunk is requested only after the token exchange: ${list.join('; ')}, ` +
        `after ${waitedOn.join(', ')} (times from the callback request` +
        `${bootstrap === null ? '' : `; app bootstrapped at ${at(bootstrap)} ms`}` +
        `${rendered === null ? '' : `; page rendered at ${at(rendered)} ms`}). Between the last ` +
        `provider answer and the chunk request, ${idle.toFixed(0)} ms went on the app's own work ` +
        "and waits (ID token checks, storing the tokens, then the route's guards: the router " +
        "resolves a guarded route's loadComponent only after its canActivate guards pass). So the " +
        'download is in series with the exchange and the guards. Starting it when the callback ' +
        "page starts (e.g. import() of the return route's component beside parseFromUrl, or " +
        'preloading that route) would take it off the critical path.',
    });
  }
  return cuts;
}

/**
 * Scripts fetched over the network after the (last, successful) token request of a sign-in
 * started: the page's own lazy chunk, when the app waits for the exchange before loading it.
 * Returns the chunks, the token request and the provider requests between, or null.
 */
export function chunksAfterTokenExchange(requests, origins) {
  const isToken = (request) =>
    !request.preflight &&
    request.method === 'POST' &&
    new URL(request.url).pathname.endsWith('/v1/token');
  const tokens = requests.filter(isToken);
  const token = tokens.findLast((request) => request.status === 200) ?? tokens.at(-1);
  if (!token) return null;
  const chunks = requests.filter(
    (request) =>
      request.time > token.time &&
      request.resourceType === 'Script' &&
      !request.cache &&
      new URL(request.url).origin === origins.app,
  );
  if (chunks.length === 0) return null;
  const after = requests.filter(
    (request) =>
      request !== token &&
      !request.preflight &&
      request.time > token.time &&
      request.time < chunks[0].time &&
      new URL(request.url).origin === origins.provider,
  );
  return { token, after, chunks };
}

/** The file name a request asks for: "chunk-D0K0xWDN.js". */
export function fileOf(request) {
  return new URL(request.url).pathname.split('/').at(-1);
}

/**
 * The scripts a page load requested before its first contentful paint (`paint`, a lifecycle name
 * from recordPaints): those its document (by loader) sent while nothing but the background was on
 * screen, compared on the monotonic clock the paint is reported on. The load is the last document
 * among `requests` with that paint; null when there is none (yet). `until` is the paint on the
 * clock of `time`. Raw is the decoded body (`sizes`, file → bytes in the build, stands in for a
 * cache hit that reported none), transfer the body as the server sent it (the Content-Length of a
 * compressed response; the encoded length when there is none), 0 for a cache hit.
 */
export function scriptsBeforePaint(
  requests,
  paints,
  { paint = 'firstContentfulPaint', sizes = new Map() } = {},
) {
  const paintOf = (request) =>
    paints.find((entry) => entry.name === paint && entry.loaderId === request.loaderId);
  const document = requests.findLast(
    (request) => request.resourceType === 'Document' && request.loaderId && paintOf(request),
  );
  if (!document) return null;
  const painted = paintOf(document).monotonic;
  const load = requests.filter(
    (request) =>
      request.loaderId === document.loaderId &&
      request.resourceType !== 'Document' &&
      !request.preflight &&
      request.monotonic !== null &&
      request.monotonic < painted,
  );
  return scriptList(document, document.time + (painted - document.monotonic), load, sizes);
}

/**
 * The scripts a page (`document`, its request) requested or took from the cache until
 * `renderedAt` (epoch ms, the page's own clock): e.g. the callback page until the page the user
 * returns to is rendered. Sizes as in scriptsBeforePaint.
 */
export function scriptsBeforeRender(requests, document, renderedAt, { sizes = new Map() } = {}) {
  const load = requests.filter(
    (request) =>
      request.loaderId === document.loaderId &&
      request.resourceType !== 'Document' &&
      !request.preflight &&
      request.time >= document.time &&
      request.time <= renderedAt,
  );
  return scriptList(document, renderedAt, load, sizes);
}

function scriptList(document, until, load, sizes) {
  const scripts = load
    .filter((request) => request.resourceType === 'Script')
    .map((request) => ({
      file: fileOf(request),
      url: request.url,
      raw: request.decodedBytes || (sizes.get(fileOf(request)) ?? 0),
      transfer: request.cache ? 0 : (request.bodyBytes ?? request.bytes),
      encoding: request.cache ? null : request.encoding,
      cache: request.cache,
      time: request.time,
      end: request.end,
    }));
  const network = scripts.filter((script) => !script.cache);
  return {
    document: document.url,
    documentAt: document.time,
    until,
    scripts,
    other: load.filter((request) => request.resourceType !== 'Script').map(fileOf),
    totals: {
      files: scripts.length,
      raw: scripts.reduce((total, script) => total + script.raw, 0),
      transfer: scripts.reduce((total, script) => total + script.transfer, 0),
      fromCache: scripts.length - network.length,
      encodings: [...new Set(network.map((script) => script.encoding ?? 'identity'))],
      // Requested before `until` but not yet in: the page did not wait for them.
      unfinished: scripts.filter((script) => script.end === null || script.end > until).length,
    },
  };
}

/**
 * A guarded page opened signed out: the browser's GET of `pageUrl` and its first request after it,
 * in the same frame (not a silent-check iframe), for the provider's `authorizeUrl` (the app
 * leaving for the sign-in). Query strings are ignored; null until both are there.
 */
export function deepLinkExit(requests, pageUrl, authorizeUrl) {
  const at = (request, url) => {
    const { origin, pathname } = new URL(request.url);
    return origin === url.origin && pathname === url.pathname;
  };
  const page = new URL(pageUrl);
  const authorize = new URL(authorizeUrl);
  const start = requests.find(
    (request) => request.resourceType === 'Document' && at(request, page),
  );
  if (!start) return null;
  const leave = requests.find(
    (request) =>
      request.resourceType === 'Document' &&
      request.time >= start.time &&
      request.frameId === start.frameId &&
      at(request, authorize),
  );
  if (!leave) return null;
  const monotonic = start.monotonic !== null && leave.monotonic !== null;
  return {
    start: start.time,
    leave: leave.time,
    duration: monotonic ? leave.monotonic - start.monotonic : leave.time - start.time,
    requests: requests.filter(
      (request) => request.time >= start.time && request.time <= leave.time,
    ),
  };
}

/**
 * The requests to `apiOrigin` among `requests` (one API call, with its CORS preflight and any
 * retry): how many, how many were DPoP nonce challenges (401 with a DPoP-Nonce) or other 401s, the
 * Authorization schemes sent, and the time from the first request to the end of the last.
 */
export function apiCall(requests, apiOrigin) {
  const calls = requests.filter((request) => new URL(request.url).origin === apiOrigin);
  const ends = calls.map((request) => request.end).filter((end) => end !== null);
  const unauthorized = calls.filter((request) => !request.preflight && request.status === 401);
  return {
    requests: calls.length,
    preflights: calls.filter((request) => request.preflight).length,
    nonceChallenges: unauthorized.filter((request) => request.dpopNonce).length,
    otherUnauthorized: unauthorized.filter((request) => !request.dpopNonce).length,
    schemes: [...new Set(calls.map((request) => request.authScheme).filter(Boolean))],
    proofs: calls.filter((request) => request.dpopProof).length,
    span:
      calls.length > 0 && ends.length === calls.length ? Math.max(...ends) - calls[0].time : null,
  };
}

/**
 * The token requests of a sign-in (preflights aside): how many, how many were DPoP nonce
 * challenges (RFC 9449 §8: 400 use_dpop_nonce with a DPoP-Nonce header), and how many carried a
 * proof.
 */
export function tokenRequests(requests) {
  const tokens = requests.filter(
    (request) =>
      !request.preflight &&
      request.method === 'POST' &&
      new URL(request.url).pathname.endsWith('/v1/token'),
  );
  return {
    requests: tokens.length,
    nonceChallenges: tokens.filter((request) => request.status === 400 && request.dpopNonce).length,
    proofs: tokens.filter((request) => request.dpopProof).length,
  };
}

/**
 * One page load's requests as rows of a waterfall: start and end in ms from `start`, for the
 * requests sent from `start` to `until`.
 */
export function waterfall(requests, { start, until = Infinity, origins, names = new Map() }) {
  return requests
    .filter((request) => request.time >= start && request.time <= until)
    .map((request) => ({
      start: request.time - start,
      end: request.end === null ? null : request.end - start,
      request: endpointKey(request, origins),
      chunk: names.get(fileOf(request)) ?? null,
      status: request.status,
      cache: request.cache,
      transfer: request.cache ? 0 : (request.bodyBytes ?? request.bytes),
      preflight: request.preflight,
    }));
}

function formatKb(requests) {
  const bytes = requests.reduce((total, request) => total + (request.bytes || 0), 0);
  return `${(bytes / 1000).toFixed(1)} kB on the wire`;
}
