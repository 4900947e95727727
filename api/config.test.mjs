import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ConfigError, loadConfig, parseIssuer, parseOrigins, parsePort } from './config.mjs';

describe('Configuration from the environment', () => {
  test('needs only OKTA_ISSUER and defaults the rest', () => {
    const config = loadConfig({ OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default' });

    assert.deepEqual(config, {
      issuer: 'https://dev-123456.okta.com/oauth2/default',
      audience: 'api://default',
      port: 8000,
      appOrigins: ['http://localhost:4200'],
    });
  });

  test('reads OKTA_AUDIENCE, API_PORT and a comma-separated APP_ORIGINS', () => {
    const config = loadConfig({
      OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/aus1a2b3c',
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
      assert.throws(() => loadConfig({ OKTA_ISSUER: value }), {
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
