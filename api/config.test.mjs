import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  ConfigError,
  loadConfig,
  parseAdminAcr,
  parseAdminMaxAge,
  parseClientIds,
  parseDpopIatWindow,
  parseDpopMode,
  parseDpopNonce,
  parseIssuer,
  parseOrigins,
  parsePort,
  parsePublicUrl,
  parseScopes,
} from './config.mjs';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';

describe('Configuration from the environment', () => {
  test("needs only OKTA_ISSUER and the app's OKTA_CLIENT_ID, and defaults the rest", () => {
    const config = loadConfig({ OKTA_ISSUER: ISSUER, OKTA_CLIENT_ID: '0oa1spaclient' });

    assert.deepEqual(config, {
      issuer: 'https://dev-123456.okta.com/oauth2/default',
      audience: 'api://default',
      clientIds: ['0oa1spaclient'],
      // Each route then requires its own default scopes.
      requiredScopes: undefined,
      port: 8000,
      appOrigins: ['http://localhost:4200'],
      // Only DPoP-bound tokens, no nonces, and proofs name http://localhost:<port>.
      dpop: 'required',
      dpopNonces: false,
      dpopIatWindowSeconds: 60,
      publicUrl: undefined,
      // GET /api/admin/audit: two factors, at most 15 minutes ago.
      adminAcr: 'urn:okta:loa:2fa:any',
      adminMaxAgeSeconds: 900,
    });
  });

  test('reads API_ADMIN_ACR as one or more acr values and API_ADMIN_MAX_AGE in seconds', () => {
    const config = loadConfig({
      OKTA_ISSUER: ISSUER,
      OKTA_CLIENT_ID: '0oa1spaclient',
      API_ADMIN_ACR: ' phrh\turn:okta:loa:2fa:any  phrh ',
      API_ADMIN_MAX_AGE: ' 60 ',
    });
    assert.equal(config.adminAcr, 'phrh urn:okta:loa:2fa:any');
    assert.equal(config.adminMaxAgeSeconds, 60);
    // Values of other issuers pass as they are; only Okta's own namespace is checked for typos.
    assert.equal(parseAdminAcr('urn:example:loa:high'), 'urn:example:loa:high');
    assert.equal(parseAdminAcr('urn:okta:loa:1fa:pwd'), 'urn:okta:loa:1fa:pwd');
    assert.equal(parseAdminMaxAge('1'), 1);
    assert.equal(parseAdminMaxAge(''), 900);
  });

  test('rejects an API_ADMIN_ACR that is blank, unquotable, or a misspelt Okta value', () => {
    for (const value of [
      '  ',
      'urn:okta:loa:2fa:amy',
      'urn:okta:loa:2fa',
      'phr "phrh"',
      'phr\\phrh',
      'phr é',
    ]) {
      assert.throws(
        () => parseAdminAcr(value),
        { name: 'ConfigError', message: /API_ADMIN_ACR/ },
        value,
      );
    }
  });

  test('rejects an API_ADMIN_MAX_AGE that is not a whole number of seconds from 1', () => {
    for (const value of ['0', '-5', '1.5', '15m', '1e3', '0x10', ' ', '9007199254740993']) {
      assert.throws(
        () => parseAdminMaxAge(value),
        { name: 'ConfigError', message: /API_ADMIN_MAX_AGE/ },
        value,
      );
    }
  });

  test('reads API_DPOP, API_DPOP_NONCE, API_DPOP_IAT_WINDOW_SECONDS and API_PUBLIC_URL', () => {
    const config = loadConfig({
      OKTA_ISSUER: ISSUER,
      OKTA_CLIENT_ID: '0oa1spaclient',
      API_DPOP: ' Allowed ',
      API_DPOP_NONCE: 'ON',
      API_DPOP_IAT_WINDOW_SECONDS: '120',
      API_PUBLIC_URL: 'HTTPS://API.Example.com:443/v1//',
    });
    assert.equal(config.dpop, 'allowed');
    assert.equal(config.dpopNonces, true);
    assert.equal(config.dpopIatWindowSeconds, 120);
    assert.equal(config.publicUrl, 'https://api.example.com/v1');
    assert.equal(parseDpopNonce('off'), false);
    assert.equal(parseDpopMode('required'), 'required');
    assert.equal(parsePublicUrl('http://127.0.0.1:8000'), 'http://127.0.0.1:8000');
  });

  test('rejects a DPoP setting that is not one of its values, naming it', () => {
    for (const value of ['optional', 'off', 'true', 'bearer']) {
      assert.throws(() => parseDpopMode(value), { name: 'ConfigError', message: /API_DPOP / });
    }
    for (const value of ['true', 'yes', '1', 'required']) {
      assert.throws(() => parseDpopNonce(value), {
        name: 'ConfigError',
        message: /API_DPOP_NONCE/,
      });
    }
    for (const value of ['0', '601', '1.5', '-5', 'sixty', '1e2']) {
      assert.throws(() => parseDpopIatWindow(value), {
        name: 'ConfigError',
        message: /API_DPOP_IAT_WINDOW_SECONDS/,
      });
    }
  });

  test('rejects an API_PUBLIC_URL that proofs could not match or that sends tokens in the clear', () => {
    for (const value of [
      'api.example.com',
      'ftp://api.example.com',
      'http://api.example.com',
      'https://user:pw@api.example.com',
      'https://api.example.com/?x=1',
      'https://api.example.com/#x',
    ]) {
      assert.throws(
        () => parsePublicUrl(value),
        { name: 'ConfigError', message: /API_PUBLIC_URL/ },
        value,
      );
    }
  });

  test('API_CLIENT_IDS, comma-separated, wins over OKTA_CLIENT_ID', () => {
    const config = loadConfig({
      OKTA_ISSUER: ISSUER,
      OKTA_CLIENT_ID: '0oa1spaclient',
      API_CLIENT_IDS: ' 0oa2webapp ,0oa3mobileapp,, ',
    });
    assert.deepEqual(config.clientIds, ['0oa2webapp', '0oa3mobileapp']);
  });

  test('without API_CLIENT_IDS or OKTA_CLIENT_ID it refuses to start rather than accept every app', () => {
    for (const env of [{}, { API_CLIENT_IDS: '' }, { OKTA_CLIENT_ID: '' }]) {
      assert.throws(() => loadConfig({ OKTA_ISSUER: ISSUER, ...env }), {
        name: 'ConfigError',
        message: /API_CLIENT_IDS .*OKTA_CLIENT_ID/,
      });
    }
  });

  test('rejects client ids that could never match an Okta cid claim', () => {
    for (const value of ['*', ' , ', '0oa1 0oa2', '"0oa1"', '0oa1;0oa2', '0oa1/2']) {
      assert.throws(() => parseClientIds(value, 'API_CLIENT_IDS'), ConfigError, value);
    }
    assert.deepEqual(parseClientIds('0oa1.a_b-c~d', 'API_CLIENT_IDS'), ['0oa1.a_b-c~d']);
  });

  test('reads API_REQUIRED_SCOPES separated by spaces or commas', () => {
    const config = loadConfig({
      OKTA_ISSUER: ISSUER,
      OKTA_CLIENT_ID: '0oa1spaclient',
      API_REQUIRED_SCOPES: 'openid  messages:read,email',
    });
    assert.deepEqual(config.requiredScopes, ['openid', 'messages:read', 'email']);
    assert.equal(parseScopes(undefined), undefined);
    assert.equal(parseScopes(''), undefined);
  });

  test('rejects an API_REQUIRED_SCOPES that is blank or not made of scope names', () => {
    for (const value of ['  ', ' , ', 'openid "email"', 'openid\\email', 'openid é']) {
      assert.throws(
        () => parseScopes(value),
        { name: 'ConfigError', message: /API_REQUIRED_SCOPES/ },
        value,
      );
    }
  });

  test('reads OKTA_AUDIENCE, API_PORT and a comma-separated APP_ORIGINS', () => {
    const config = loadConfig({
      OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/aus1a2b3c',
      OKTA_CLIENT_ID: '0oa1spaclient',
      OKTA_AUDIENCE: 'api://messages',
      API_PORT: '8081',
      APP_ORIGINS: 'http://localhost:4200, https://app.example.com',
    });

    assert.equal(config.audience, 'api://messages');
    assert.equal(config.port, 8081);
    assert.deepEqual(config.appOrigins, ['http://localhost:4200', 'https://app.example.com']);
  });

  test('a missing or blank OKTA_ISSUER is an error that names the variable', () => {
    for (const value of [undefined, '', '   ']) {
      assert.throws(() => loadConfig({ OKTA_ISSUER: value, OKTA_CLIENT_ID: '0oa1spaclient' }), {
        name: 'ConfigError',
        message: /OKTA_ISSUER is required/,
      });
    }
  });

  test('accepts https anywhere and http only on localhost or 127.0.0.1', () => {
    assert.equal(
      parseIssuer('http://localhost:3000/oauth2/default'),
      'http://localhost:3000/oauth2/default',
    );
    assert.equal(
      parseIssuer('http://127.0.0.1:3000/oauth2/default'),
      'http://127.0.0.1:3000/oauth2/default',
    );
    for (const value of [
      'http://dev-123456.okta.com/oauth2/default',
      'http://localhost.evil.test/oauth2/default',
      'http://127.0.0.1.evil.test/oauth2/default',
      'ftp://localhost/oauth2/default',
      'dev-123456.okta.com/oauth2/default',
      'https://user:pass@dev-123456.okta.com/oauth2/default',
      'https://dev-123456.okta.com/oauth2/default?x=1',
    ]) {
      assert.throws(() => parseIssuer(value), ConfigError, value);
    }
  });

  test('drops a trailing slash from the issuer so it matches the iss claim', () => {
    assert.equal(
      parseIssuer('https://dev-123456.okta.com/oauth2/default/'),
      'https://dev-123456.okta.com/oauth2/default',
    );
  });

  test('rejects APP_ORIGINS entries that are not exact origins', () => {
    for (const value of [
      '*',
      'null',
      'localhost:4200',
      'http://localhost:4200/',
      'http://localhost:4200/app',
      'HTTP://LOCALHOST:4200',
      'file:///tmp',
      ' , ',
    ]) {
      assert.throws(() => parseOrigins(value), ConfigError, value);
    }
  });

  test('rejects an API_PORT that is not a whole number from 0 to 65535', () => {
    assert.equal(parsePort('0'), 0);
    assert.equal(parsePort('65535'), 65535);
    for (const value of ['65536', '-1', '80.5', 'eighty', '0x50', '1e3']) {
      assert.throws(() => parsePort(value), ConfigError, value);
    }
  });
});
