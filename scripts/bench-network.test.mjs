import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import {
  apiCall,
  deepLinkExit,
  endpointKey,
  findCuts,
  mergeEndpoints,
  recordNetwork,
  recordPaints,
  scriptsBeforePaint,
  scriptsBeforeRender,
  summarizeRequests,
  tokenRequests,
  waterfall,
} from './bench-network.mjs';
import { median } from './bench-report.mjs';

const ORIGINS = {
  app: 'http://localhost:4400',
  provider: 'http://localhost:3200',
  api: 'http://localhost:8200',
};
const ISSUER = `${ORIGINS.provider}/oauth2/default`;

/** Replays DevTools events in the shapes Chromium 156 sends them. */
function replay(events) {
  const cdp = new EventEmitter();
  const requests = recordNetwork(cdp);
  for (const [name, params] of events) cdp.emit(`Network.${name}`, params);
  return requests;
}

const sent = (requestId, method, url, extra = {}) => [
  'requestWillBeSent',
  {
    requestId,
    request: { method, url, headers: extra.headers ?? {} },
    type: extra.type,
    initiator: { type: extra.initiator ?? 'script' },
    wallTime: extra.wallTime ?? 1000,
    timestamp: extra.timestamp,
    redirectResponse: extra.redirectResponse,
    loaderId: extra.loaderId,
    frameId: extra.frameId,
  },
];

describe('recording', () => {
  it('counts preflights, redirect hops and cache hits, and skips non-HTTP URLs', () => {
    const requests = replay([
      sent('9', 'GET', `${ISSUER}/v1/authorize?client_id=x`, { type: 'Document' }),
      sent('9', 'GET', `${ISSUER}/interaction/abc-123`, {
        type: 'Document',
        redirectResponse: { status: 303 },
      }),
      [
        'requestWillBeSentExtraInfo',
        {
          requestId: 'P1',
          headers: { 'Access-Control-Request-Headers': 'x-okta-user-agent-extended' },
        },
      ],
      sent('P1', 'OPTIONS', `${ISSUER}/v1/token`, { initiator: 'preflight', type: 'Other' }),
      sent('7.1', 'POST', `${ISSUER}/v1/token`, { type: 'Fetch' }),
      sent('7.2', 'GET', `${ORIGINS.app}/main-ABCDEFGH.js`, { type: 'Script' }),
      ['requestServedFromCache', { requestId: '7.2' }],
      sent('7.3', 'GET', 'data:image/png;base64,AAAA', { type: 'Image' }),
      [
        'responseReceived',
        { requestId: '7.1', response: { status: 200, headers: { 'Cache-Control': 'no-store' } } },
      ],
      ['loadingFinished', { requestId: '7.1', encodedDataLength: 1234 }],
    ]);
    assert.equal(requests.length, 5);
    assert.equal(requests[0].status, 303);
    assert.equal(requests[2].preflight, true);
    assert.equal(requests[2].requestHeaders, 'x-okta-user-agent-extended');
    assert.equal(requests[3].bytes, 1234);
    assert.equal(requests[3].cacheControl, 'no-store');
    assert.equal(requests[4].cache, 'memory');

    const summary = summarizeRequests(requests, ORIGINS);
    assert.equal(summary.total, 5);
    assert.equal(summary.preflights, 1);
    assert.equal(summary.redirects, 1);
    assert.equal(summary.fromCache, 1);
    assert.deepEqual(
      summary.endpoints.map((entry) => entry.endpoint),
      [
        'GET provider /oauth2/default/v1/authorize',
        'GET provider /oauth2/default/interaction/:uid',
        'OPTIONS provider /oauth2/default/v1/token',
        'POST provider /oauth2/default/v1/token',
        'GET app /main-ABCDEFGH.js',
      ],
    );
  });
});

describe('timing and DPoP in the recording', () => {
  // Chromium's monotonic clock (seconds) runs 4000 s behind the wall clock in these events.
  const at = (epochMs) => ({ wallTime: epochMs / 1000, timestamp: epochMs / 1000 - 4000 });
  const monotonic = (epochMs) => epochMs / 1000 - 4000;

  it('ends each request, and each redirect hop, on the wall clock of its start', () => {
    const requests = replay([
      sent('1', 'GET', `${ISSUER}/v1/authorize`, { type: 'Document', ...at(1_000_000) }),
      sent('1', 'GET', `${ORIGINS.app}/login/callback`, {
        type: 'Document',
        redirectResponse: { status: 303 },
        ...at(1_000_040),
      }),
      [
        'loadingFinished',
        { requestId: '1', encodedDataLength: 700, timestamp: monotonic(1_000_055) },
      ],
      sent('2', 'GET', `${ORIGINS.app}/gone.js`, { type: 'Script', ...at(1_000_060) }),
      [
        'loadingFailed',
        { requestId: '2', errorText: 'net::ERR_FAILED', timestamp: monotonic(1_000_070) },
      ],
    ]);
    assert.deepEqual(
      requests.map(({ time, end, status }) => [time, Math.round(end), status]),
      [
        [1_000_000, 1_000_040, 303],
        [1_000_040, 1_000_055, null],
        [1_000_060, 1_000_070, null],
      ],
    );
    assert.equal(requests[2].failed, 'net::ERR_FAILED');
  });

  it('keeps the decoded size, the compressed body size and the encoding of a response', () => {
    const requests = replay([
      sent('3', 'GET', `${ORIGINS.app}/main-ABCDEFGH.js`, { type: 'Script', ...at(2_000_000) }),
      [
        'responseReceived',
        {
          requestId: '3',
          response: {
            status: 200,
            headers: { 'Content-Encoding': 'br', 'Content-Length': '35440' },
          },
        },
      ],
      ['dataReceived', { requestId: '3', dataLength: 100_000 }],
      ['dataReceived', { requestId: '3', dataLength: 35_960 }],
      [
        'loadingFinished',
        { requestId: '3', encodedDataLength: 35_700, timestamp: monotonic(2_000_090) },
      ],
    ]);
    assert.deepEqual(
      [requests[0].decodedBytes, requests[0].bodyBytes, requests[0].bytes, requests[0].encoding],
      [135_960, 35_440, 35_700, 'br'],
    );
  });

  it('notes the Authorization scheme and a DPoP proof and nonce, never the token itself', () => {
    const requests = replay([
      sent('4', 'GET', `${ORIGINS.api}/api/messages`, {
        type: 'Fetch',
        headers: { Authorization: 'DPoP eyJ.secret-token.sig', DPoP: 'eyJ.proof.sig' },
      }),
      [
        'responseReceived',
        {
          requestId: '4',
          response: {
            status: 401,
            headers: { 'dpop-nonce': 'n-1', 'www-authenticate': 'DPoP error="use_dpop_nonce"' },
          },
        },
      ],
      sent('5', 'GET', `${ORIGINS.api}/api/messages`, { type: 'Fetch' }),
      // Chromium sometimes sends Authorization only in the ExtraInfo event.
      [
        'requestWillBeSentExtraInfo',
        { requestId: '5', headers: { authorization: 'Bearer eyJ.other-token.sig' } },
      ],
    ]);
    assert.deepEqual(
      requests.map(({ authScheme, dpopProof, dpopNonce }) => [authScheme, dpopProof, dpopNonce]),
      [
        ['DPoP', true, true],
        ['Bearer', false, false],
      ],
    );
    assert.doesNotMatch(JSON.stringify(requests), /secret-token|other-token|proof/);
  });
});

describe('paints and the documents requests belong to', () => {
  it("keeps each request's document, frame and monotonic send time, and only the first paints", () => {
    const cdp = new EventEmitter();
    const requests = recordNetwork(cdp);
    const paints = recordPaints(cdp);
    const network = (params) => cdp.emit('Network.requestWillBeSent', sent(...params)[1]);
    network(['1', 'GET', `${ORIGINS.app}/`, { type: 'Document', loaderId: 'L1', frameId: 'F1' }]);
    network([
      '2',
      'GET',
      `${ORIGINS.app}/main-AAAAAAAA.js`,
      { type: 'Script', loaderId: 'L1', frameId: 'F1', wallTime: 1000.05, timestamp: 20.05 },
    ]);
    for (const name of ['init', 'firstPaint', 'firstContentfulPaint', 'load']) {
      cdp.emit('Page.lifecycleEvent', { name, loaderId: 'L1', frameId: 'F1', timestamp: 20.3 });
    }
    assert.deepEqual(
      requests.map(({ loaderId, frameId, monotonic }) => [loaderId, frameId, monotonic]),
      [
        ['L1', 'F1', null],
        ['L1', 'F1', 20_050],
      ],
    );
    assert.deepEqual(paints, [
      { name: 'firstPaint', loaderId: 'L1', frameId: 'F1', monotonic: 20_300 },
      { name: 'firstContentfulPaint', loaderId: 'L1', frameId: 'F1', monotonic: 20_300 },
    ]);
  });
});

describe('scripts before the first paint and before a page renders', () => {
  // Wall clock (`time`) 1000 s ahead of the monotonic one, as in Chromium's events.
  const request = (file, monotonic, extra = {}) => ({
    method: 'GET',
    url: `${ORIGINS.app}/${file}`,
    resourceType: 'Script',
    preflight: false,
    loaderId: 'L2',
    frameId: 'F1',
    monotonic,
    time: monotonic + 1_000_000,
    end: monotonic + 1_000_000 + 40,
    cache: null,
    bytes: 1_100,
    bodyBytes: 1_000,
    decodedBytes: 4_000,
    encoding: 'br',
    ...extra,
  });
  const document = (path, monotonic, loaderId) => ({
    ...request(path, monotonic, { loaderId }),
    resourceType: 'Document',
  });
  const paint = (loaderId, monotonic, name = 'firstContentfulPaint') => ({
    name,
    loaderId,
    frameId: 'F1',
    monotonic,
  });

  it('lists the scripts the painted document requested before its first contentful paint', () => {
    const list = scriptsBeforePaint(
      [
        document('', 0, 'L1'),
        request('main-OLDOLDOL.js', 5, { loaderId: 'L1' }),
        document('', 100, 'L2'),
        request('main-AAAAAAAA.js', 110),
        { ...request('config.json', 150), resourceType: 'Fetch' },
        request('chunk-okta0001.js', 151, { bodyBytes: null, bytes: 600, encoding: null }),
        // Another document's request in the same instant, and one sent after the paint.
        request('chunk-iframe01.js', 152, { loaderId: 'L3' }),
        request('chunk-lazy0001.js', 260),
      ],
      // A first paint (the background) comes earlier and does not count.
      [paint('L1', 90), paint('L2', 120, 'firstPaint'), paint('L2', 250)],
    );
    assert.deepEqual(
      list.scripts.map(({ file }) => file),
      ['main-AAAAAAAA.js', 'chunk-okta0001.js'],
    );
    assert.deepEqual(list.other, ['config.json']);
    // The paint on the requests' own clock: 150 ms after the GET / (sent at 100).
    assert.equal(list.until - list.documentAt, 150);
    assert.deepEqual(list.totals, {
      files: 2,
      raw: 8_000,
      // Without a Content-Length the encoded length stands in.
      transfer: 1_600,
      fromCache: 0,
      encodings: ['br', 'identity'],
      unfinished: 0,
    });
  });

  it('has no list until the paint is known, and counts a script still loading at the paint', () => {
    const requests = [document('', 100, 'L2'), request('chunk-okta0001.js', 140)];
    assert.equal(scriptsBeforePaint(requests, [paint('L2', 160, 'firstPaint')]), null);
    // Requested 40 ms after the GET, in 40 ms later: 20 ms after the paint.
    assert.equal(scriptsBeforePaint(requests, [paint('L2', 160)]).totals.unfinished, 1);
  });

  it("lists the callback page's scripts until the page rendered, cache hits at their built size", () => {
    const callback = document('login/callback', 500, 'L2');
    const list = scriptsBeforeRender(
      [
        request('main-OLDOLDOL.js', 5, { loaderId: 'L1' }),
        callback,
        request('main-AAAAAAAA.js', 510, { cache: 'memory', decodedBytes: 0, bodyBytes: null }),
        request('chunk-okta0001.js', 512, { cache: 'disk', decodedBytes: 9_000 }),
        request('chunk-profile1.js', 700),
        request('chunk-messages.js', 900),
      ],
      callback,
      callback.time + 300,
      { sizes: new Map([['main-AAAAAAAA.js', 135_960]]) },
    );
    assert.deepEqual(
      list.scripts.map(({ file, raw, transfer, cache }) => [file, raw, transfer, cache]),
      [
        ['main-AAAAAAAA.js', 135_960, 0, 'memory'],
        ['chunk-okta0001.js', 9_000, 0, 'disk'],
        ['chunk-profile1.js', 4_000, 1_000, null],
      ],
    );
    assert.deepEqual(
      [list.totals.raw, list.totals.transfer, list.totals.fromCache, list.totals.encodings],
      [148_960, 1_000, 2, ['br']],
    );
  });
});

describe('guarded deep link', () => {
  const page = `${ORIGINS.app}/profile`;
  const authorize = `${ISSUER}/v1/authorize`;
  const document = (url, monotonic, frameId = 'F1') => ({
    method: 'GET',
    url,
    resourceType: 'Document',
    frameId,
    monotonic,
    time: monotonic + 1_000_000.4,
  });

  it('times the GET of the page to its own frame leaving for the authorize endpoint', () => {
    const requests = [
      document(page, 100),
      { ...document(`${ORIGINS.app}/main-AAAAAAAA.js`, 110), resourceType: 'Script' },
      // A silent check in an iframe is not the page leaving.
      document(`${authorize}?prompt=none&state=a`, 200, 'F2'),
      document(`${authorize}?client_id=x&state=b`, 342.5),
      document(`${ISSUER}/interaction/abc`, 360),
    ];
    const exit = deepLinkExit(requests, page, authorize);
    assert.equal(exit.duration, 242.5);
    assert.equal(exit.start, requests[0].time);
    assert.equal(exit.requests.length, 4);
  });

  it('has no timing until the page has left', () => {
    assert.equal(deepLinkExit([document(page, 100)], page, `${ISSUER}/v1/authorize`), null);
    assert.equal(deepLinkExit([], page, `${ISSUER}/v1/authorize`), null);
  });
});

describe('API calls and token requests', () => {
  const call = (extra) => ({
    method: 'GET',
    url: `${ORIGINS.api}/api/messages`,
    preflight: false,
    status: 200,
    authScheme: 'DPoP',
    dpopProof: true,
    dpopNonce: false,
    ...extra,
  });

  it('counts the preflight and a nonce retry, and times the call from first request to last end', () => {
    const summary = apiCall(
      [
        call({ time: 100, end: 130, status: 401, dpopNonce: true }),
        call({
          method: 'OPTIONS',
          preflight: true,
          authScheme: null,
          dpopProof: false,
          time: 102,
          end: 110,
        }),
        call({ time: 131, end: 150 }),
        { ...call({ time: 120, end: 125 }), url: `${ORIGINS.app}/chunk-messages.js` },
      ],
      ORIGINS.api,
    );
    assert.deepEqual(summary, {
      requests: 3,
      preflights: 1,
      nonceChallenges: 1,
      otherUnauthorized: 0,
      schemes: ['DPoP'],
      proofs: 2,
      span: 50,
    });
  });

  it('tells a refused token from a nonce challenge, and has no span while a response is missing', () => {
    const summary = apiCall(
      [
        call({ time: 0, end: 5, status: 401, authScheme: 'Bearer', dpopProof: false }),
        call({ time: 6, end: null }),
      ],
      ORIGINS.api,
    );
    assert.equal(summary.nonceChallenges, 0);
    assert.equal(summary.otherUnauthorized, 1);
    assert.deepEqual(summary.schemes, ['Bearer', 'DPoP']);
    assert.equal(summary.span, null);
  });

  it("counts the token endpoint's nonce challenges and the proofs sent to it, preflights aside", () => {
    const token = (extra) => ({
      method: 'POST',
      url: `${ISSUER}/v1/token`,
      preflight: false,
      status: 200,
      dpopProof: true,
      dpopNonce: true,
      ...extra,
    });
    assert.deepEqual(
      tokenRequests([
        token({ status: 400 }),
        token({ method: 'OPTIONS', preflight: true, dpopProof: false, status: 204 }),
        token({}),
        { ...token({}), url: `${ISSUER}/v1/keys`, method: 'GET' },
      ]),
      { requests: 2, nonceChallenges: 1, proofs: 2 },
    );
    assert.deepEqual(tokenRequests([token({ dpopProof: false, dpopNonce: false })]), {
      requests: 1,
      nonceChallenges: 0,
      proofs: 0,
    });
  });
});

describe('waterfall', () => {
  it('lists the requests of a window in ms from its start, with chunk names', () => {
    const rows = waterfall(
      [
        { method: 'GET', url: `${ORIGINS.app}/`, time: 990, end: 995, status: 200, bytes: 700 },
        {
          method: 'GET',
          url: `${ORIGINS.app}/login/callback?code=secret`,
          time: 1000,
          end: 1006,
          status: 200,
          bytes: 748,
          bodyBytes: 500,
        },
        {
          method: 'GET',
          url: `${ORIGINS.app}/chunk-okta0001.js`,
          time: 1030,
          end: 1031,
          status: 200,
          cache: 'memory',
          bytes: 0,
        },
        {
          method: 'POST',
          url: `${ISSUER}/v1/token`,
          time: 1200,
          end: null,
          status: null,
          bytes: 0,
        },
        { method: 'GET', url: `${ORIGINS.app}/late.js`, time: 1500, end: 1510, status: 200 },
      ],
      {
        start: 1000,
        until: 1400,
        origins: ORIGINS,
        names: new Map([['chunk-okta0001.js', 'okta-runtime']]),
      },
    );
    assert.deepEqual(
      rows.map(({ start, end, request, chunk, transfer }) => [
        start,
        end,
        request,
        chunk,
        transfer,
      ]),
      [
        [0, 6, 'GET app /login/callback', null, 500],
        [30, 31, 'GET app /chunk-okta0001.js', 'okta-runtime', 0],
        [200, null, 'POST provider /oauth2/default/v1/token', null, 0],
      ],
    );
  });
});

describe('endpoints', () => {
  it('names the server and hides per-flow ids', () => {
    assert.equal(
      endpointKey({ method: 'GET', url: `${ISSUER}/v1/authorize/Zx_9-q?x=1` }, ORIGINS),
      'GET provider /oauth2/default/v1/authorize/:uid',
    );
    assert.equal(
      endpointKey({ method: 'GET', url: 'https://elsewhere.test/a' }, ORIGINS),
      'GET elsewhere.test /a',
    );
  });

  it('merges runs with the median count, counting a missing endpoint as 0', () => {
    const run = (count) => ({
      endpoints: [
        { endpoint: 'GET app /favicon.ico', count, fromCache: 0, statuses: [200] },
        { endpoint: 'GET app /config.json', count: 1, fromCache: 0, statuses: [200] },
      ],
    });
    const merged = mergeEndpoints([run(3), run(2), { endpoints: [] }], median);
    assert.deepEqual(
      merged.map(({ endpoint, count, min, max }) => [endpoint, count, min, max]),
      [
        ['GET app /favicon.ico', 2, 0, 3],
        ['GET app /config.json', 1, 0, 1],
      ],
    );
  });
});

describe('what could be cut', () => {
  const request = (method, url, extra = {}) => ({
    method,
    url,
    resourceType: 'Fetch',
    preflight: false,
    cache: null,
    cacheControl: null,
    bytes: 100,
    status: 200,
    ...extra,
  });

  it('names preflights, hashed files without caching, repeats, favicons and provider hops', () => {
    const before = [
      request('GET', `${ORIGINS.app}/config.json`),
      request('GET', `${ORIGINS.app}/chunk-9WU_U0IY.js`, { resourceType: 'Script' }),
    ];
    const during = [
      request('OPTIONS', `${ISSUER}/.well-known/openid-configuration`, {
        preflight: true,
        requestHeaders: 'content-type,x-okta-user-agent-extended',
      }),
      request('GET', `${ISSUER}/.well-known/openid-configuration`),
      request('GET', `${ISSUER}/interaction/abc`, { resourceType: 'Document', status: 303 }),
      request('GET', `${ORIGINS.app}/chunk-9WU_U0IY.js`, {
        resourceType: 'Script',
        cacheControl: 'no-cache',
      }),
      request('GET', `${ORIGINS.app}/main-MAGNDOHT.js`, {
        resourceType: 'Script',
        cache: 'memory',
        cacheControl: 'public, max-age=31536000, immutable',
      }),
      request('GET', `${ORIGINS.app}/config.json`, { cacheControl: 'no-store' }),
      request('GET', `${ORIGINS.app}/favicon.ico`, { resourceType: 'Other' }),
      request('GET', `${ORIGINS.app}/favicon.ico`, { resourceType: 'Other' }),
      request('GET', `${ISSUER}/v1/keys`),
    ];
    const cuts = findCuts(during, ORIGINS, before);
    const byId = Object.fromEntries(cuts.map((cut) => [cut.id, cut]));
    assert.deepEqual(Object.keys(byId).sort(), [
      'cors-preflights',
      'dev-provider-consent-hops',
      'discovery-on-click',
      'favicon',
      'hashed-assets-not-cached',
      'jwks-after-token',
      'repeated-request',
      'userinfo',
    ]);
    assert.equal(byId['cors-preflights'].count, 1);
    assert.match(byId['cors-preflights'].note, /x-okta-user-agent-extended/);
    assert.deepEqual(byId['hashed-assets-not-cached'].requests, ['GET app /chunk-9WU_U0IY.js']);
    assert.match(byId['hashed-assets-not-cached'].note, /already loaded by the home page/);
    assert.deepEqual(byId['repeated-request'].requests, ['GET app /config.json']);
    assert.equal(byId.favicon.count, 2);
    assert.equal(byId.userinfo.count, 0);
  });

  it("puts preflights for DPoP proofs apart: they are DPoP's price, not okta-auth-js headers", () => {
    const cuts = findCuts(
      [
        request('OPTIONS', `${ISSUER}/v1/token`, { preflight: true, requestHeaders: 'dpop' }),
        request('OPTIONS', `${ISSUER}/v1/keys`, {
          preflight: true,
          requestHeaders: 'x-okta-user-agent-extended',
        }),
      ],
      ORIGINS,
    );
    const byId = Object.fromEntries(cuts.map((cut) => [cut.id, cut]));
    assert.deepEqual(byId['dpop-preflights'].requests, [
      'OPTIONS provider /oauth2/default/v1/token',
    ]);
    assert.deepEqual(byId['cors-preflights'].requests, [
      'OPTIONS provider /oauth2/default/v1/keys',
    ]);
  });

  describe('the page chunk after the token exchange', () => {
    const timed = (method, url, time, end, extra = {}) =>
      request(method, url, { time, end, ...extra });
    const exchange = [
      timed('GET', `${ORIGINS.app}/login/callback`, 1000, 1006, { resourceType: 'Document' }),
      timed('POST', `${ISSUER}/v1/token`, 1279, 1293, { status: 400 }),
      timed('POST', `${ISSUER}/v1/token`, 1301, 1313),
      timed('GET', `${ISSUER}/v1/keys`, 1323, 1327),
    ];
    const chunk = (extra = {}) =>
      timed('GET', `${ORIGINS.app}/chunk-profile1.js`, 1395, 1401, {
        resourceType: 'Script',
        ...extra,
      });
    const options = {
      callback: 1000,
      bootstrap: 1168,
      rendered: 1407,
      names: new Map([['chunk-profile1.js', 'profile']]),
    };
    const cut = (requests) =>
      findCuts(requests, ORIGINS, [], options).find(({ id }) => id === 'route-chunk-after-token');

    it('reports it with the times from the callback request and the time lost before it', () => {
      const found = cut([...exchange, chunk()]);
      assert.deepEqual(found.requests, ['GET app /chunk-profile1.js']);
      assert.match(found.note, /chunk-profile1\.js \(profile\) \+395 → \+401 ms/);
      assert.match(found.note, /POST provider \/oauth2\/default\/v1\/token \+301 → \+313 ms/);
      assert.match(found.note, /GET provider \/oauth2\/default\/v1\/keys \+323 → \+327 ms/);
      assert.match(found.note, /app bootstrapped at \+168 ms; page rendered at \+407 ms/);
      assert.match(found.note, /68 ms went on the app's own work/);
    });

    it('reports only a chunk downloaded after the exchange started', () => {
      assert.deepEqual(
        [
          cut([...exchange, chunk()]),
          cut([...exchange, chunk({ cache: 'memory' })]),
          cut([chunk({ time: 1100, end: 1110 }), ...exchange]),
        ].map((found) => found?.count ?? 0),
        [1, 0, 0],
      );
    });
  });
});
