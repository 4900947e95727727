import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSettings, SettingsError } from './settings.mjs';

/** A project folder with the given files, so .env handling is tested on real files. */
function projectWith(files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'settings-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const ORG = {
  OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
  OKTA_CLIENT_ID: '0oa1realclient',
};

describe('settings', () => {
  it('uses the embedded provider when no issuer is configured', () => {
    const settings = loadSettings(projectWith(), {});
    assert.deepEqual(settings.devProvider, { port: 3000, clientId: '0oadevspaclient00001' });
    assert.equal(settings.auth.issuer, 'http://localhost:3000/oauth2/default');
    assert.equal(settings.appOrigin, 'http://localhost:4200');
    assert.equal(settings.apiUrl, 'http://localhost:8000');
    assert.equal(settings.apiPort, 8000);
    assert.equal(settings.audience, 'api://default');
  });

  it('starts no embedded provider when an Okta org is configured', () => {
    const settings = loadSettings(projectWith(), ORG);
    assert.equal(settings.devProvider, null);
    assert.equal(settings.auth.issuer, ORG.OKTA_ISSUER);
    assert.equal(settings.auth.clientId, ORG.OKTA_CLIENT_ID);
  });

  it('reads .env, and lets the environment win over it', () => {
    const dir = projectWith({
      '.env': `OKTA_ISSUER=${ORG.OKTA_ISSUER}\nOKTA_CLIENT_ID=from-dotenv\n# a comment\nAPP_PORT="4400"\n`,
    });
    const settings = loadSettings(dir, { OKTA_CLIENT_ID: 'from-environment' });
    assert.equal(settings.auth.issuer, ORG.OKTA_ISSUER);
    assert.equal(settings.auth.clientId, 'from-environment');
    assert.equal(settings.appOrigin, 'http://localhost:4400');
  });

  it("reads the Okta CLI's .okta.env, with .env winning over it", () => {
    const dir = projectWith({
      '.okta.env': `export ISSUER=${ORG.OKTA_ISSUER}\nexport CLIENT_ID=from-okta-cli\n`,
    });
    assert.equal(loadSettings(dir, {}).auth.clientId, 'from-okta-cli');
    writeFileSync(join(dir, '.env'), 'OKTA_CLIENT_ID=from-dotenv\n');
    assert.equal(loadSettings(dir, {}).auth.clientId, 'from-dotenv');
  });

  it('writes the runtime configuration the browser app reads', () => {
    const settings = loadSettings(projectWith(), {
      ...ORG,
      OKTA_SCOPES: 'openid email',
      OKTA_TOKEN_STORAGE: 'localStorage',
      API_URL: 'https://api.example.com/',
    });
    assert.deepEqual(settings.runtimeConfig, {
      issuer: ORG.OKTA_ISSUER,
      clientId: ORG.OKTA_CLIENT_ID,
      scopes: ['openid', 'email'],
      tokenStorage: 'localStorage',
      requestTimeoutSeconds: 15,
      dpop: true,
      dpopAllowBearer: false,
      idleTimeoutMinutes: 0,
      apiUrl: 'https://api.example.com',
      apiOrigins: ['https://api.example.com'],
      adminGroup: 'Admins',
      adminAcr: 'urn:okta:loa:2fa:any',
      adminMaxAgeSeconds: 900,
      apiAudience: 'api://default',
    });
    assert.equal(settings.apiPort, 443);
  });

  it('passes the step-up of /admin and the idle timeout to the browser app', () => {
    const { runtimeConfig } = loadSettings(projectWith(), {
      ...ORG,
      OKTA_ADMIN_ACR: 'urn:okta:loa:1fa:any',
      OKTA_ADMIN_MAX_AGE: '60',
      OKTA_IDLE_TIMEOUT_MINUTES: '15',
    });
    assert.equal(runtimeConfig.adminAcr, 'urn:okta:loa:1fa:any');
    assert.equal(runtimeConfig.adminMaxAgeSeconds, 60);
    assert.equal(runtimeConfig.idleTimeoutMinutes, 15);
  });

  it('refuses a misspelt Okta acr, a bad maximum age and a bad idle timeout, naming the variable', () => {
    const refused = (vars) => () => loadSettings(projectWith(), { ...ORG, ...vars });
    assert.throws(refused({ OKTA_ADMIN_ACR: 'urn:okta:loa:2fa:anything' }), {
      name: 'Error',
      message:
        /^OKTA_ADMIN_ACR names "urn:okta:loa:2fa:anything", which is not one of Okta's acr values/,
    });
    assert.throws(refused({ OKTA_ADMIN_MAX_AGE: '15m' }), {
      message: 'OKTA_ADMIN_MAX_AGE must be a whole number of seconds, 1 or more, got "15m".',
    });
    assert.throws(refused({ OKTA_IDLE_TIMEOUT_MINUTES: '1' }), {
      message: /^OKTA_IDLE_TIMEOUT_MINUTES must be 0 \(off\) or a whole number of minutes from 2/,
    });
  });

  it('passes OKTA_DPOP and OKTA_DPOP_ALLOW_BEARER to the browser app', () => {
    const settings = loadSettings(projectWith(), {
      ...ORG,
      OKTA_DPOP: 'false',
      OKTA_DPOP_ALLOW_BEARER: 'true',
    });
    assert.equal(settings.runtimeConfig.dpop, false);
    assert.equal(settings.runtimeConfig.dpopAllowBearer, true);
  });

  it('sends the access token only to API_ORIGINS when set', () => {
    const settings = loadSettings(projectWith(), {
      ...ORG,
      API_URL: 'https://api.example.com',
      API_ORIGINS: 'https://api.example.com, https://reports.example.com',
    });
    assert.deepEqual(settings.runtimeConfig.apiOrigins, [
      'https://api.example.com',
      'https://reports.example.com',
    ]);
  });

  const bad = [
    [{ API_ORIGINS: 'https://api.example.com/v1' }, /^API_ORIGINS must hold origins only/],
    [
      { OKTA_REQUEST_TIMEOUT_SECONDS: '0' },
      /^OKTA_REQUEST_TIMEOUT_SECONDS must be a number of seconds/,
    ],
    [{ OKTA_ISSUER: 'dev-123456.okta.com' }, /^OKTA_ISSUER must be an http\(s\) URL/],
    [
      { ...ORG, OKTA_ISSUER: 'https://dev-123456-admin.okta.com/oauth2/default' },
      /^OKTA_ISSUER points at the Okta Admin Console/,
    ],
    [{ OKTA_ISSUER: ORG.OKTA_ISSUER }, /^OKTA_CLIENT_ID is missing/],
    [{ OKTA_CLIENT_ID: 'abc' }, /^OKTA_CLIENT_ID is set but OKTA_ISSUER is not/],
    [{ ...ORG, OKTA_SCOPES: 'profile email' }, /^OKTA_SCOPES must .* "openid"/],
    [{ ...ORG, OKTA_TOKEN_STORAGE: 'cookies' }, /^OKTA_TOKEN_STORAGE must be one of/],
    [{ ...ORG, OKTA_DPOP: 'on' }, /^OKTA_DPOP must be true or false, not "on"\.$/],
    [{ ...ORG, OKTA_DPOP_ALLOW_BEARER: '1' }, /^OKTA_DPOP_ALLOW_BEARER must be true or false/],
    [{ APP_PORT: 'eighty' }, /^APP_PORT must be a port number/],
    [{ API_URL: 'localhost:8000' }, /^API_URL must be an http\(s\) URL/],
    [{ API_URL: 'http://api.example.com' }, /^API_URL must use https/],
    [{ DEV_PROVIDER_PORT: '70000' }, /^DEV_PROVIDER_PORT must be a port number/],
  ];
  for (const [env, message] of bad) {
    it(`stops with one sentence naming the variable for ${JSON.stringify(env)}`, () => {
      assert.throws(
        () => loadSettings(projectWith(), env),
        (error) => {
          assert.ok(error instanceof SettingsError);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    });
  }
});
