import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import {
  endpointKey,
  findCuts,
  mergeEndpoints,
  recordNetwork,
  summarizeRequests,
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
    request: { method, url },
    type: extra.type,
    initiator: { type: extra.initiator ?? 'script' },
    wallTime: extra.wallTime ?? 1000,
    redirectResponse: extra.redirectResponse,
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
});
