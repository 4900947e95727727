// `npm run doctor` (doctor.mjs, doctor-checks.mjs): the judging of each answer Okta can give, and
// every check against a real embedded provider, in the good configuration and in each bad one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { DEFAULTS as PROVIDER_DEFAULTS } from '../dev-provider/settings.mjs';
import { useDevProvider } from '../dev-provider/testing/provider.mjs';
import { doctor, formatReport } from './doctor.mjs';
import {
  authorizationParams,
  checkApiSettings,
  checkAuthorize,
  checkCsp,
  checkIssuerShape,
  judgeAuthorize,
  judgeClock,
  judgeCors,
  judgeDiscovery,
  judgeRefreshGrant,
  judgeTokenProbe,
  readErrorAnswer,
  runChecks,
} from './doctor-checks.mjs';
import { resolveSettings } from './settings.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT_ID = PROVIDER_DEFAULTS.clientId;
const REDIRECT_URI = 'http://localhost:4200/login/callback';
const ORG_ISSUER = 'https://dev-7.okta.com/oauth2/default';

/** The reports by id. */
const byId = (reports) => Object.fromEntries(reports.map((entry) => [entry.id, entry]));
/** id → status, for comparing a whole run at once. */
const statuses = (reports) => Object.fromEntries(reports.map(({ id, status }) => [id, status]));

/** The settings `npm start` would use with these variables, pointed at `issuer`. */
const orgSettings = (issuer, vars = {}) =>
  resolveSettings({ OKTA_ISSUER: issuer, OKTA_CLIENT_ID: CLIENT_ID, ...vars });

/** A project folder with no .env, so that the developer's own cannot leak into a run. */
const emptyProject = () => mkdtempSync(join(tmpdir(), 'doctor-'));

/** doctor() in-process with only `env`; resolves to { code, output }. */
async function runDoctor(env, args = [], fetch = globalThis.fetch, root = emptyProject()) {
  let output = '';
  const code = await doctor({ root, env, args, fetch, write: (text) => (output += text) });
  return { code, output };
}

/** A fetch that records the URLs asked for, and answers none. */
function recordingFetch() {
  const urls = [];
  const fetch = async (url) => {
    urls.push(String(url));
    throw new TypeError('fetch failed');
  };
  return { urls, fetch };
}

/** A port nothing listens on (taken, then freed). */
async function closedPort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

describe('doctor: the issuer', () => {
  it('passes a custom authorization server over https', () => {
    const result = checkIssuerShape(ORG_ISSUER);
    assert.equal(result.status, 'pass');
    assert.match(result.detail, /"default"/);
  });

  it('fails the Admin Console host and names the issuer without "-admin"', () => {
    const result = checkIssuerShape('https://dev-7-admin.okta.com/oauth2/default');
    assert.equal(result.status, 'fail');
    assert.equal(
      result.fix,
      'Remove "-admin" from OKTA_ISSUER: https://dev-7.okta.com/oauth2/default.',
    );
  });

  it('warns that the org authorization server cannot serve the API, and names /oauth2/default', () => {
    const result = checkIssuerShape('https://dev-7.okta.com');
    assert.equal(result.status, 'warn');
    assert.match(result.detail, /org authorization server.*cannot be verified by your API/);
    assert.match(result.fix, /https:\/\/dev-7\.okta\.com\/oauth2\/default/);
  });

  it('fails plain http except on localhost', () => {
    assert.equal(checkIssuerShape('http://dev-7.okta.com/oauth2/default').status, 'fail');
    assert.equal(checkIssuerShape('http://localhost:3000/oauth2/default').status, 'pass');
  });

  it('fails the example issuer and a placeholder', () => {
    for (const issuer of [
      'https://dev-123456.okta.com/oauth2/default',
      'https://{yourOktaDomain}/oauth2/default',
    ]) {
      const result = checkIssuerShape(issuer);
      assert.equal(result.status, 'fail', issuer);
      assert.match(result.detail, /still the example/);
    }
  });

  it('fails a path that names an endpoint rather than the authorization server', () => {
    const result = checkIssuerShape('https://dev-7.okta.com/oauth2/default/v1/authorize');
    assert.equal(result.status, 'fail');
    assert.match(result.fix, /Security → API → Authorization Servers/);
  });
});

describe('doctor: judging discovery', () => {
  const metadata = (issuer, extra = {}) => ({
    issuer,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    jwks_uri: `${issuer}/v1/keys`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    end_session_endpoint: `${issuer}/v1/logout`,
    revocation_endpoint: `${issuer}/v1/revoke`,
    dpop_signing_alg_values_supported: ['RS256', 'ES256'],
    ...extra,
  });
  const answer = (json, status = 200) => ({ status, json, headers: {} });
  const judge = (json, options = {}) =>
    judgeDiscovery(answer(json), { issuer: ORG_ISSUER, dpop: true, ...options });

  it('passes a complete document for the configured issuer', () => {
    assert.equal(judge(metadata(ORG_ISSUER)).status, 'pass');
  });

  it('fails an issuer that differs by a trailing slash, naming the exact one to set', () => {
    const result = judge(metadata(ORG_ISSUER, { issuer: `${ORG_ISSUER}/` }));
    assert.equal(result.status, 'fail');
    assert.equal(
      result.fix,
      `Set OKTA_ISSUER to exactly "${ORG_ISSUER}/" (Security → API → Authorization Servers → Issuer URI).`,
    );
  });

  it('fails without the code flow, without S256 or without an endpoint the app uses', () => {
    const noCode = judge(metadata(ORG_ISSUER, { response_types_supported: ['token'] }));
    assert.match(noCode.detail, /authorization code flow/);
    const noS256 = judge(metadata(ORG_ISSUER, { code_challenge_methods_supported: ['plain'] }));
    assert.match(noS256.detail, /S256/);
    const noRevoke = judge(metadata(ORG_ISSUER, { revocation_endpoint: undefined }));
    assert.match(noRevoke.detail, /lists no revocation_endpoint/);
    for (const result of [noCode, noS256, noRevoke]) assert.equal(result.status, 'fail');
  });

  it('warns, with DPoP on, when RS256 proofs are not accepted, and not with DPoP off', () => {
    const json = metadata(ORG_ISSUER, { dpop_signing_alg_values_supported: ['ES256'] });
    assert.equal(judge(json).status, 'warn');
    assert.match(judge(json).detail, /lack RS256/);
    assert.equal(judge(json, { dpop: false }).status, 'pass');
  });

  it('calls a 404 a wrong authorization server id', () => {
    const result = judgeDiscovery(answer(undefined, 404), { issuer: ORG_ISSUER, dpop: true });
    assert.equal(result.status, 'fail');
    assert.match(
      result.detail,
      /no authorization server "default" \(a wrong authorization server id\)/,
    );
  });

  it('says when the issuer cannot be reached', () => {
    const error = new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    const result = judgeDiscovery({ error }, { issuer: ORG_ISSUER, dpop: true });
    assert.equal(result.status, 'fail');
    assert.match(result.detail, /cannot be reached \(host not found, ENOTFOUND\)/);
  });
});

describe('doctor: judging the clock', () => {
  const at = (offsetSeconds) => {
    const local = Date.UTC(2026, 0, 1, 12, 0, 0);
    return {
      date: new Date(local - offsetSeconds * 1000).toUTCString(),
      sentAt: local - 100,
      receivedAt: local + 100,
    };
  };

  it('passes up to a minute, warns above it and fails above what okta-auth-js tolerates', () => {
    assert.equal(judgeClock(at(59)).status, 'pass');
    assert.equal(judgeClock(at(-61)).status, 'warn');
    assert.match(judgeClock(at(-61)).detail, /61 s behind/);
    assert.equal(judgeClock(at(301)).status, 'fail');
    assert.match(judgeClock(at(301)).detail, /301 s ahead of/);
  });

  it('skips without a Date header', () => {
    assert.equal(judgeClock({ sentAt: 0, receivedAt: 0 }).status, 'skip');
  });
});

describe('doctor: judging CORS', () => {
  const appOrigin = 'http://localhost:4200';
  const options = {
    appOrigin,
    requestHeaders: 'content-type, dpop',
    tokenUrl: `${ORG_ISSUER}/v1/token`,
    jwksUri: `${ORG_ISSUER}/v1/keys`,
  };
  const answer = (headers, status = 200) => ({ status, headers });
  const allowed = {
    'access-control-allow-origin': appOrigin,
    'access-control-allow-headers': 'Content-Type, DPoP',
  };

  it('passes when both answers allow the app origin and the preflight its headers', () => {
    const result = judgeCors({ preflight: answer(allowed), keys: answer(allowed) }, options);
    assert.equal(result.status, 'pass');
  });

  it('fails another origin or none, and a preflight that does not allow DPoP', () => {
    const other = { ...allowed, 'access-control-allow-origin': 'https://app.example.com' };
    const noDpop = { ...allowed, 'access-control-allow-headers': 'content-type' };
    const cases = [
      [
        { preflight: answer({}, 403), keys: answer(allowed) },
        /answered 403 without Access-Control-Allow-Origin/,
      ],
      [{ preflight: answer(allowed), keys: answer(other) }, /allowing https:\/\/app\.example\.com/],
      [{ preflight: answer(noDpop), keys: answer(allowed) }, /does not allow the dpop header/],
    ];
    for (const [answers, detail] of cases) {
      const result = judgeCors(answers, options);
      assert.equal(result.status, 'fail');
      assert.match(result.detail, detail);
      assert.equal(
        result.fix,
        `Add ${appOrigin} in Security → API → Trusted Origins with CORS checked.`,
      );
    }
  });
});

describe('doctor: judging the authorization request', () => {
  const context = { redirectUri: REDIRECT_URI, clientId: '0oa1', state: 'st', scopes: ['openid'] };
  const redirect = (params) => ({
    url: 'https://dev-7.okta.com/oauth2/default/v1/authorize',
    status: 302,
    headers: { location: `${REDIRECT_URI}?${new URLSearchParams({ state: 'st', ...params })}` },
    body: '',
  });
  const page = (status, body, type = 'text/html;charset=utf-8') => ({
    status,
    headers: { 'content-type': type },
    body,
  });

  it('accepts login_required and a code', () => {
    assert.equal(judgeAuthorize(redirect({ error: 'login_required' }), context).kind, 'accepted');
    assert.equal(judgeAuthorize(redirect({ code: 'abc' }), context).kind, 'accepted');
  });

  it('tells a grant type that is not enabled, naming the Grant type screen', () => {
    const result = judgeAuthorize(
      redirect({
        error: 'unauthorized_client',
        error_description: 'The client is not authorized to use the provided grant type.',
      }),
      context,
    );
    assert.equal(result.kind, 'unauthorized-client');
    assert.match(
      result.report.fix,
      /Applications → your app \(client id 0oa1\) → General → Grant type/,
    );
  });

  it('tells a refused scope and an access policy that denies, or a user not assigned', () => {
    assert.equal(
      judgeAuthorize(redirect({ error: 'invalid_scope' }), context).kind,
      'invalid-scope',
    );
    const policy = judgeAuthorize(
      redirect({ error: 'access_denied', error_description: 'Policy evaluation failed.' }),
      context,
    );
    assert.match(policy.report.fix, /Access Policies/);
    const unassigned = judgeAuthorize(
      redirect({
        error: 'access_denied',
        error_description: 'User is not assigned to the client application.',
      }),
      context,
    );
    assert.match(unassigned.report.fix, /Assignments/);
  });

  it("reads Okta's error page for a redirect URI that is not registered", () => {
    const result = judgeAuthorize(
      page(
        400,
        `<html><body><div class="content"><h2>400 Bad Request</h2>
<p>Identity Provider: Unknown</p><p>Error Code: <b>invalid_request</b></p>
<p>Description: The &#x27;redirect_uri&#x27; parameter must be a Login redirect URI in the client
app settings: https://dev-7-admin.okta.com/admin/app/oidc_client/instance/0oa1#tab-general</p>
</div></body></html>`,
      ),
      context,
    );
    assert.equal(result.kind, 'redirect-uri');
    assert.equal(
      result.report.fix,
      `Add ${REDIRECT_URI} to Sign-in redirect URIs in Applications → your app (client id 0oa1) → General.`,
    );
  });

  it("reads Okta's error page and JSON answer for an unknown client id", () => {
    const html = page(
      400,
      "<p>Error Code: invalid_client</p><p>Description: Invalid value for 'client_id' parameter.</p>",
    );
    const json = page(
      400,
      JSON.stringify({
        errorCode: 'invalid_client',
        errorSummary: "Invalid value for 'client_id'.",
      }),
      'application/json',
    );
    for (const answer of [html, json]) {
      const result = judgeAuthorize(answer, context);
      assert.equal(result.kind, 'unknown-client');
      assert.match(result.report.fix, /OKTA_CLIENT_ID/);
    }
  });

  it('tells an app with Implicit instead of Authorization Code (unsupported_response_type)', () => {
    const result = judgeAuthorize(redirect({ error: 'unsupported_response_type' }), context);
    assert.equal(result.kind, 'unauthorized-client');
  });

  it('asks again without offline_access after invalid_scope, to tell a missing refresh grant', async () => {
    const asked = [];
    const send = async (url) => {
      const scope = new URL(url).searchParams.get('scope');
      asked.push(scope);
      const error = scope.includes('offline_access') ? 'invalid_scope' : 'login_required';
      return redirect({ error, state: new URL(url).searchParams.get('state') });
    };
    const params = authorizationParams({
      clientId: '0oa1',
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'offline_access'],
    });
    const result = await checkAuthorize(send, {
      authorizeUrl: 'https://dev-7.okta.com/oauth2/default/v1/authorize',
      params,
      redirectUri: REDIRECT_URI,
    });
    assert.deepEqual(asked, ['openid offline_access', 'openid']);
    assert.equal(result.kind, 'no-refresh-grant');
    assert.match(result.report.fix, /Enable Refresh Token/);
  });

  it('sends the parameters okta-auth-js sends, with PKCE S256 and prompt=none', () => {
    const params = authorizationParams({
      clientId: '0oa1',
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'email'],
    });
    assert.deepEqual([...params.keys()].sort(), [
      'client_id',
      'code_challenge',
      'code_challenge_method',
      'nonce',
      'prompt',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
    ]);
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge'), /^[\w-]{43}$/);
    assert.equal(params.get('scope'), 'openid email');
    assert.equal(params.get('prompt'), 'none');
  });

  it('does not trust an answer without the request state', () => {
    const answer = redirect({ code: 'abc' });
    answer.headers.location = answer.headers.location.replace('state=st', 'state=other');
    assert.equal(judgeAuthorize(answer, context).report.status, 'warn');
  });

  it('decodes the entities of an HTML error page', () => {
    const { error, text } = readErrorAnswer(
      page(400, '<p>Error Code: invalid_request</p><p>The &#39;redirect_uri&#39; &amp; co</p>'),
    );
    assert.equal(error, 'invalid_request');
    assert.equal(text, "Error Code: invalid_request The 'redirect_uri' & co");
  });
});

describe('doctor: judging the token endpoint', () => {
  const answer = (status, error) => ({ status, body: JSON.stringify({ error }), headers: {} });
  const auth = { dpop: true, dpopAllowBearer: false, clientId: '0oa1' };

  it('passes when the DPoP requirement matches OKTA_DPOP, either way', () => {
    assert.equal(judgeTokenProbe(answer(400, 'invalid_dpop_proof'), auth).status, 'pass');
    assert.equal(
      judgeTokenProbe(answer(400, 'invalid_grant'), { ...auth, dpop: false }).status,
      'pass',
    );
  });

  it('fails when they differ, and only warns when unbound tokens are allowed', () => {
    assert.equal(judgeTokenProbe(answer(400, 'invalid_grant'), auth).status, 'fail');
    assert.equal(
      judgeTokenProbe(answer(400, 'invalid_grant'), { ...auth, dpopAllowBearer: true }).status,
      'warn',
    );
    const requiredButOff = judgeTokenProbe(answer(400, 'invalid_dpop_proof'), {
      ...auth,
      dpop: false,
    });
    assert.equal(requiredButOff.status, 'fail');
    assert.match(requiredButOff.fix, /Set OKTA_DPOP=true/);
  });

  it('tells a confidential (Web) app by its demand for a secret', () => {
    const result = judgeTokenProbe(answer(401, 'invalid_client'), auth);
    assert.equal(result.status, 'fail');
    assert.match(result.fix, /Single-Page Application/);
  });
});

describe('doctor: judging the refresh token grant', () => {
  const answer = (status, error, description) => ({
    status,
    body: JSON.stringify({ error, error_description: description }),
    headers: {},
  });
  const auth = { scopes: ['openid', 'offline_access'], dpop: true, clientId: '0oa1' };

  it('passes when the grant gets as far as the token', () => {
    assert.equal(judgeRefreshGrant(answer(400, 'invalid_grant'), auth).status, 'pass');
  });

  it("fails a grant that is not enabled, quoting Okta's configured grant types", () => {
    const refused = answer(
      400,
      'unauthorized_client',
      'The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].',
    );
    const result = judgeRefreshGrant(refused, auth);
    assert.equal(result.status, 'fail');
    assert.match(result.detail, /Configured grant types: \[authorization_code\]/);
    assert.equal(judgeRefreshGrant(refused, { ...auth, scopes: ['openid'] }).status, 'warn');
  });
});

describe('doctor: API and CSP settings', () => {
  it('fails an API_URL whose origin is not in API_ORIGINS', () => {
    const settings = orgSettings(ORG_ISSUER, { API_ORIGINS: 'https://api.example.com' });
    const result = checkApiSettings(settings);
    assert.equal(result.status, 'fail');
    assert.equal(result.fix, 'Add http://localhost:8000 to API_ORIGINS.');
  });

  it('warns about an audience the default authorization server does not issue', () => {
    const result = checkApiSettings(orgSettings(ORG_ISSUER, { OKTA_AUDIENCE: 'api://mine' }));
    assert.equal(result.status, 'warn');
  });

  it("warns when APP_CONFIG_FILE's connect-src lacks the API", () => {
    const settings = orgSettings(ORG_ISSUER);
    const { issuer, clientId } = settings.runtimeConfig;
    const text = JSON.stringify({ issuer, clientId, apiUrl: 'https://api.example.com' });
    const result = checkCsp(settings, { path: 'deploy/config.json', text });
    assert.equal(result.status, 'warn');
    assert.match(result.detail, /lacks http:\/\/localhost:8000/);
    assert.match(result.fix, /deploy\/config\.json/);
    assert.equal(checkCsp(settings, null).status, 'pass');
  });
});

describe('doctor: the report', () => {
  it('prints one line per check, the fix under anything but a pass, and a summary', () => {
    const text = formatReport('Heading', [
      { status: 'pass', title: 'A', detail: 'fine', fix: 'unused' },
      { status: 'fail', title: 'B', detail: 'broken', fix: 'Do this.' },
      { status: 'warn', title: 'C', detail: 'odd', fix: 'Do that.' },
      { status: 'skip', title: 'D', detail: 'later', fix: null },
    ]);
    assert.equal(
      text,
      [
        'Heading',
        '',
        'PASS  A: fine',
        'FAIL  B: broken',
        '      Fix: Do this.',
        'WARN  C: odd',
        '      Fix: Do that.',
        'SKIP  D: later',
        '',
        '1 passed, 1 warning, 1 failed, 1 skipped.',
        '',
      ].join('\n'),
    );
  });
});

describe('doctor against the embedded provider, configured well', () => {
  const context = useDevProvider({ port: 0 });

  it('passes every check it can make and skips the two that need a sign-in', async () => {
    const reports = await runChecks(orgSettings(context.issuer));
    assert.deepEqual(statuses(reports), {
      issuer: 'pass',
      discovery: 'pass',
      clock: 'pass',
      cors: 'pass',
      authorize: 'pass',
      token: 'pass',
      refresh: 'pass',
      scopes: 'pass',
      api: 'pass',
      csp: 'pass',
      'post-logout': 'skip',
      'signed-in': 'skip',
    });
  });

  it('in quick mode makes only the checks that need a request or none', async () => {
    const reports = await runChecks(orgSettings(context.issuer), { quick: true });
    assert.deepEqual(
      reports.map(({ id }) => id),
      ['issuer', 'discovery', 'clock', 'cors', 'authorize', 'token', 'refresh', 'scopes'],
    );
    assert.ok(reports.every(({ status }) => status === 'pass'));
  });

  it('checks the embedded provider when no org is configured, and exits 0', async () => {
    const port = new URL(context.issuer).port;
    const { code, output } = await runDoctor({ DEV_PROVIDER_PORT: port });
    assert.equal(code, 0);
    assert.match(
      output,
      /^Checking the embedded provider at http:\/\/localhost:\d+\/oauth2\/default/,
    );
    assert.match(output, /\n10 passed, 0 warnings, 0 failed, 2 skipped\.\n$/);
  });

  it('prints { ok, checks } with --json', async () => {
    const { code, output } = await runDoctor(
      { OKTA_ISSUER: context.issuer, OKTA_CLIENT_ID: CLIENT_ID },
      ['--json'],
    );
    const json = JSON.parse(output);
    assert.equal(code, 0);
    assert.equal(json.ok, true);
    assert.equal(json.checks.find(({ id }) => id === 'authorize').status, 'pass');
  });

  it('fails an unknown client id and asks nothing more of the token endpoint', async () => {
    const reports = byId(
      await runChecks(orgSettings(context.issuer, { OKTA_CLIENT_ID: '0oaunknown' })),
    );
    assert.equal(reports.authorize.status, 'fail');
    assert.match(reports.authorize.detail, /knows no app with client id 0oaunknown/);
    assert.match(reports.authorize.fix, /OKTA_CLIENT_ID/);
    assert.equal(reports.token.status, 'skip');
  });

  it('fails a wrong authorization server id (404) and skips what needs discovery', async () => {
    const issuer = context.issuer.replace(/default$/, 'aus-wrong');
    const reports = byId(await runChecks(orgSettings(issuer)));
    assert.equal(reports.discovery.status, 'fail');
    assert.match(reports.discovery.detail, /404: there is no authorization server "aus-wrong"/);
    assert.equal(reports.cors.status, 'skip');
    assert.equal(reports.authorize.status, 'skip');
  });

  it('warns about the org authorization server', async () => {
    const reports = byId(await runChecks(orgSettings(new URL(context.issuer).origin)));
    assert.equal(reports.issuer.status, 'warn');
    assert.match(reports.issuer.detail, /org authorization server/);
  });

  it('fails OKTA_DPOP=false against an app that requires DPoP', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer, { OKTA_DPOP: 'false' })));
    assert.equal(reports.token.status, 'fail');
    assert.match(reports.token.detail, /requires DPoP, but OKTA_DPOP=false/);
  });

  it("fails this computer's clock when it is far from the provider's", async () => {
    const ahead = () => Date.now() + 400_000;
    const reports = byId(await runChecks(orgSettings(context.issuer), { now: ahead }));
    assert.equal(reports.clock.status, 'fail');
  });
});

describe('doctor against an embedded provider with the wrong issuer in discovery', () => {
  const context = useDevProvider({ port: 0, faults: true });

  it('fails the issuer mismatch and names the one discovery gives', async () => {
    const issuer = `${context.issuer}/`;
    const response = await fetch(`${context.provider.testApiUrl}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ discoveryIssuer: issuer }),
    });
    assert.equal(response.status, 200);
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.discovery.status, 'fail');
    assert.match(reports.discovery.fix, new RegExp(`exactly "${issuer}"`));
  });
});

describe('doctor against an embedded provider that does not require DPoP', () => {
  const context = useDevProvider({ port: 0, dpop: 'off' });

  it('fails OKTA_DPOP=true, since sign-in would stop at the unbound tokens', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.token.status, 'fail');
    assert.match(reports.token.fix, /Require Demonstrating Proof of Possession/);
  });
});

describe('doctor against an embedded provider that does not trust the app origin', () => {
  const context = useDevProvider({ port: 0, trustedOrigins: ['http://localhost:4300'] });

  it('fails CORS, naming Trusted Origins, and nothing else', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.cors.status, 'fail');
    assert.equal(
      reports.cors.fix,
      'Add http://localhost:4200 in Security → API → Trusted Origins with CORS checked.',
    );
    assert.equal(reports.authorize.status, 'pass');
  });
});

describe('doctor against an embedded provider without the redirect URI', () => {
  const context = useDevProvider({
    port: 0,
    redirectUris: ['http://localhost:4200/implicit/callback'],
  });

  it('fails the redirect URI, naming Sign-in redirect URIs and the exact URI', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.authorize.status, 'fail');
    assert.match(
      reports.authorize.fix,
      new RegExp(`^Add ${REDIRECT_URI} to Sign-in redirect URIs`),
    );
    assert.equal(reports.cors.status, 'pass');
  });
});

describe('doctor against an embedded provider whose app has no Refresh Token grant', () => {
  const context = useDevProvider({ port: 0, grantTypes: ['authorization_code'] });

  it('fails the Refresh Token grant when offline_access is asked for', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.refresh.status, 'fail');
    assert.match(reports.refresh.detail, /may not use the Refresh Token grant.*signed out/);
    assert.equal(
      reports.refresh.fix,
      `Enable Refresh Token in Applications → your app (client id ${CLIENT_ID}) → General → Grant type.`,
    );
  });

  it('only warns without offline_access, and warns that users are signed out', async () => {
    const reports = byId(
      await runChecks(orgSettings(context.issuer, { OKTA_SCOPES: 'openid profile email' })),
    );
    assert.equal(reports.authorize.status, 'pass');
    assert.equal(reports.refresh.status, 'warn');
    assert.equal(reports.scopes.status, 'warn');
    assert.match(reports.scopes.detail, /no offline_access/);
  });

  it('leaves the grant to the token endpoint check when the app requires DPoP and OKTA_DPOP=false', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer, { OKTA_DPOP: 'false' })));
    assert.equal(reports.refresh.status, 'skip');
    assert.match(reports.refresh.detail, /requires DPoP/);
  });
});

describe('doctor against an embedded provider whose app has Implicit instead of Authorization Code', () => {
  const context = useDevProvider({ port: 0, grantTypes: ['implicit', 'refresh_token'] });

  it('fails the grant type, naming the Grant type screen', async () => {
    const reports = byId(await runChecks(orgSettings(context.issuer)));
    assert.equal(reports.authorize.status, 'fail');
    assert.match(reports.authorize.detail, /may not use the authorization code flow/);
    assert.match(reports.authorize.fix, /→ General → Grant type/);
  });
});

describe('doctor against an embedded provider whose clock is off', () => {
  const ahead = useDevProvider({ port: 0, clockSkewSeconds: 120 });
  const farAhead = useDevProvider({ port: 0, clockSkewSeconds: -400 });

  it('warns above a minute and fails above what okta-auth-js tolerates', async () => {
    const warned = byId(await runChecks(orgSettings(ahead.issuer)));
    assert.equal(warned.clock.status, 'warn');
    const failed = byId(await runChecks(orgSettings(farAhead.issuer)));
    assert.equal(failed.clock.status, 'fail');
    assert.match(failed.clock.fix, /Sync this computer's clock/);
  });
});

describe('doctor without a reachable provider, and with settings npm start refuses', () => {
  it('says to run npm start first when the embedded provider is not running, and exits 0', async () => {
    const { code, output } = await runDoctor({ DEV_PROVIDER_PORT: String(await closedPort()) });
    assert.equal(code, 0);
    assert.match(output, /SKIP {2}Embedded provider: not running at/);
    assert.match(output, /Fix: Run npm start first/);
  });

  it('fails the -admin issuer without sending a request, and exits 1', async () => {
    const { urls, fetch } = recordingFetch();
    const { code, output } = await runDoctor(
      { OKTA_ISSUER: 'https://dev-7-admin.okta.com/oauth2/default', OKTA_CLIENT_ID: '0oa1' },
      [],
      fetch,
    );
    assert.equal(code, 1);
    assert.match(output, /FAIL {2}Issuer: OKTA_ISSUER names the Admin Console host/);
    assert.match(output, /Fix: Remove "-admin" from OKTA_ISSUER/);
    assert.deepEqual(urls, []);
  });

  it('fails the example issuer without sending a request', async () => {
    const { urls, fetch } = recordingFetch();
    const { code, output } = await runDoctor(
      { OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default', OKTA_CLIENT_ID: '0oa1' },
      [],
      fetch,
    );
    assert.equal(code, 1);
    assert.match(output, /FAIL {2}Issuer: OKTA_ISSUER is still the example/);
    assert.deepEqual(urls, []);
  });

  it("reads APP_CONFIG_FILE from the project folder for serve:prod's CSP", async () => {
    const root = emptyProject();
    writeFileSync(
      join(root, 'config.json'),
      JSON.stringify({ issuer: ORG_ISSUER, clientId: '0oa1', apiUrl: 'https://api.example.com' }),
    );
    const env = { DEV_PROVIDER_PORT: String(await closedPort()), APP_CONFIG_FILE: 'config.json' };
    const { output } = await runDoctor(env, [], globalThis.fetch, root);
    assert.match(
      output,
      /WARN {2}Content-Security-Policy: .*lacks http:\/\/localhost:\d+, http:\/\/localhost:8000/,
    );
    const missing = await runDoctor(
      { ...env, APP_CONFIG_FILE: 'nowhere.json' },
      [],
      globalThis.fetch,
      root,
    );
    assert.match(
      missing.output,
      /FAIL {2}Content-Security-Policy: APP_CONFIG_FILE "nowhere.json" cannot be read \(ENOENT\)/,
    );
    assert.equal(missing.code, 1);
  });

  it('exits 1 from the command line on a failure, and writes JSON with --json', async () => {
    const child = spawn(process.execPath, [join(here, 'doctor.mjs'), '--json'], {
      env: {
        PATH: process.env.PATH,
        OKTA_ISSUER: 'https://dev-7-admin.okta.com/oauth2/default',
        OKTA_CLIENT_ID: '0oa1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'close');
    assert.equal(code, 1);
    const json = JSON.parse(output);
    assert.equal(json.ok, false);
    assert.equal(json.checks[0].status, 'fail');
  });
});
