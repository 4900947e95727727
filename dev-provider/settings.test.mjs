// DEV_PROVIDER_* variables: defaults, validation, their effect on tokens, and server.mjs start-up.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';

import { spawnServer, startServer } from '../scripts/testing/spawn-server.mjs';
import { DEMO_USERS } from './accounts.mjs';
import { startDevProvider } from './create-server.mjs';
import { DEFAULTS, readSettings, SettingsError, withDerivedSettings } from './settings.mjs';
import { createBrowser, exchangeCode, refresh, signIn } from './testing/oidc-client.mjs';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));
const TTL_VARIABLES = [
  'DEV_PROVIDER_ACCESS_TOKEN_TTL',
  'DEV_PROVIDER_ID_TOKEN_TTL',
  'DEV_PROVIDER_REFRESH_TOKEN_TTL',
  'DEV_PROVIDER_SESSION_TTL',
];

describe('readSettings', () => {
  test('uses Okta-like defaults when nothing is set', () => {
    assert.deepEqual(readSettings({}), { ...DEFAULTS });
    assert.equal(DEFAULTS.accessTokenTtl, 3600);
    assert.equal(DEFAULTS.refreshTokenTtl, 604800);
    assert.equal(DEFAULTS.sessionTtl, 7200);
  });

  test('reads every variable', () => {
    const settings = readSettings({
      DEV_PROVIDER_PORT: '3100',
      DEV_PROVIDER_CLIENT_ID: '0oae2etestclient0001',
      DEV_PROVIDER_APP_ORIGINS:
        'http://localhost:4300/, http://localhost:4400,http://localhost:4300',
      DEV_PROVIDER_AUDIENCE: 'api://reference',
      DEV_PROVIDER_ACCESS_TOKEN_TTL: '20',
      DEV_PROVIDER_ID_TOKEN_TTL: '30',
      DEV_PROVIDER_REFRESH_TOKEN_TTL: '40',
      DEV_PROVIDER_SESSION_TTL: '50',
      DEV_PROVIDER_PASSWORD: 'another one',
      DEV_PROVIDER_TOTP_SECRET: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq',
      DEV_PROVIDER_LOCKOUT_SECONDS: '5',
      DEV_PROVIDER_DPOP: 'optional',
      DEV_PROVIDER_FAULTS: 'on',
      DEV_PROVIDER_TRUSTED_ORIGINS: 'https://app.example.com/, http://localhost:4300',
      DEV_PROVIDER_REDIRECT_URIS:
        'http://localhost:4300/login/callback/, http://localhost:4300/Login/Callback',
      DEV_PROVIDER_POST_LOGOUT_URIS: 'http://localhost:4300',
      DEV_PROVIDER_GRANT_TYPES: 'Authorization_Code, authorization_code',
      DEV_PROVIDER_GROUPS_CLAIM: 'OFF',
      DEV_PROVIDER_CLOCK_SKEW_SECONDS: '-90',
    });
    assert.deepEqual(settings, {
      port: 3100,
      clientId: '0oae2etestclient0001',
      appOrigins: ['http://localhost:4300', 'http://localhost:4400'],
      trustedOrigins: ['https://app.example.com', 'http://localhost:4300'],
      // Kept as written: Okta compares redirect URIs as exact, case-sensitive strings.
      redirectUris: [
        'http://localhost:4300/login/callback/',
        'http://localhost:4300/Login/Callback',
      ],
      postLogoutRedirectUris: ['http://localhost:4300'],
      grantTypes: ['authorization_code'],
      groupsClaim: false,
      audience: 'api://reference',
      accessTokenTtl: 20,
      idTokenTtl: 30,
      refreshTokenTtl: 40,
      sessionTtl: 50,
      password: 'another one',
      // As authenticator apps show it, canonical: upper case, no spaces.
      totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      lockoutSeconds: 5,
      dpop: 'optional',
      faults: true,
      clockSkewSeconds: -90,
    });
  });

  test("derives the trusted origins and the app's redirect URIs from the app origins unless set", () => {
    const derived = withDerivedSettings(
      readSettings({ DEV_PROVIDER_APP_ORIGINS: 'http://localhost:4300,https://app.example.com' }),
    );
    assert.deepEqual(derived.trustedOrigins, ['http://localhost:4300', 'https://app.example.com']);
    assert.deepEqual(derived.redirectUris, [
      'http://localhost:4300/login/callback',
      'https://app.example.com/login/callback',
    ]);
    assert.deepEqual(derived.postLogoutRedirectUris, [
      'http://localhost:4300',
      'http://localhost:4300/',
      'https://app.example.com',
      'https://app.example.com/',
    ]);

    const set = withDerivedSettings(
      readSettings({
        DEV_PROVIDER_TRUSTED_ORIGINS: 'http://localhost:9999',
        DEV_PROVIDER_REDIRECT_URIS: 'http://localhost:4200/callback',
        DEV_PROVIDER_POST_LOGOUT_URIS: 'http://localhost:4200/bye',
      }),
    );
    assert.deepEqual(set.trustedOrigins, ['http://localhost:9999']);
    assert.deepEqual(set.redirectUris, ['http://localhost:4200/callback']);
    assert.deepEqual(set.postLogoutRedirectUris, ['http://localhost:4200/bye']);
  });

  test('keeps both grant types, the groups claim and the real clock unless told otherwise', () => {
    assert.deepEqual(DEFAULTS.grantTypes, ['authorization_code', 'refresh_token']);
    assert.equal(DEFAULTS.groupsClaim, true);
    assert.equal(DEFAULTS.clockSkewSeconds, 0);
    for (const value of [undefined, '', ' ']) {
      const settings = readSettings({
        DEV_PROVIDER_GRANT_TYPES: value,
        DEV_PROVIDER_GROUPS_CLAIM: value,
        DEV_PROVIDER_CLOCK_SKEW_SECONDS: value,
      });
      assert.deepEqual(settings.grantTypes, DEFAULTS.grantTypes, String(value));
      assert.equal(settings.groupsClaim, true, String(value));
      assert.equal(settings.clockSkewSeconds, 0, String(value));
    }
    assert.deepEqual(
      readSettings({ DEV_PROVIDER_GRANT_TYPES: 'implicit, refresh_token' }).grantTypes,
      ['implicit', 'refresh_token'],
    );
    assert.equal(readSettings({ DEV_PROVIDER_GROUPS_CLAIM: ' On ' }).groupsClaim, true);
    assert.equal(readSettings({ DEV_PROVIDER_CLOCK_SKEW_SECONDS: '+600' }).clockSkewSeconds, 600);
  });

  test('refuses misconfiguration settings that are malformed, in one sentence naming the variable', () => {
    for (const [name, value, message] of [
      [
        'DEV_PROVIDER_TRUSTED_ORIGINS',
        'localhost:4200',
        'DEV_PROVIDER_TRUSTED_ORIGINS must be a comma-separated list of origins such as http://localhost:4200, not "localhost:4200".',
      ],
      [
        'DEV_PROVIDER_REDIRECT_URIS',
        '/login/callback',
        'DEV_PROVIDER_REDIRECT_URIS must be a comma-separated list of absolute http or https URIs without a fragment, such as http://localhost:4200/login/callback, not "/login/callback".',
      ],
      [
        'DEV_PROVIDER_POST_LOGOUT_URIS',
        'http://localhost:4200/#bye',
        'DEV_PROVIDER_POST_LOGOUT_URIS must be a comma-separated list of absolute http or https URIs without a fragment, such as http://localhost:4200/login/callback, not "http://localhost:4200/#bye".',
      ],
      [
        'DEV_PROVIDER_GRANT_TYPES',
        'refresh_token',
        'DEV_PROVIDER_GRANT_TYPES must be a comma-separated list of authorization_code, implicit and refresh_token that names authorization_code or implicit, not "refresh_token".',
      ],
      [
        'DEV_PROVIDER_GROUPS_CLAIM',
        'no',
        'DEV_PROVIDER_GROUPS_CLAIM must be "on" or "off" (or unset, which is on), not "no".',
      ],
      [
        'DEV_PROVIDER_CLOCK_SKEW_SECONDS',
        '1.5',
        'DEV_PROVIDER_CLOCK_SKEW_SECONDS must be a whole number of seconds from -31536000 to 31536000 (negative puts the provider\'s clock behind), not "1.5".',
      ],
    ]) {
      assert.throws(() => readSettings({ [name]: value }), { name: 'SettingsError', message });
    }
    for (const [name, value] of [
      ['DEV_PROVIDER_TRUSTED_ORIGINS', 'http://localhost:4200/app'],
      ['DEV_PROVIDER_TRUSTED_ORIGINS', ','],
      ['DEV_PROVIDER_REDIRECT_URIS', 'com.okta.example:/callback'],
      ['DEV_PROVIDER_REDIRECT_URIS', 'http://user:pw@localhost:4200/login/callback'],
      ['DEV_PROVIDER_REDIRECT_URIS', ' , '],
      ['DEV_PROVIDER_GRANT_TYPES', 'authorization_code,password'],
      ['DEV_PROVIDER_GRANT_TYPES', 'client_credentials'],
      ['DEV_PROVIDER_CLOCK_SKEW_SECONDS', '31536001'],
      ['DEV_PROVIDER_CLOCK_SKEW_SECONDS', '1e3'],
      ['DEV_PROVIDER_CLOCK_SKEW_SECONDS', '60s'],
    ]) {
      assert.throws(
        () => readSettings({ [name]: value }),
        (err) => {
          assert.ok(err instanceof SettingsError);
          assert.ok(err.message.startsWith(`${name} must `), err.message);
          return true;
        },
        `${name}=${value}`,
      );
    }
  });

  test("keeps each demo user's TOTP secret and Okta's 5-minute lockout unless told otherwise", () => {
    assert.equal(DEFAULTS.totpSecret, undefined);
    assert.equal(DEFAULTS.lockoutSeconds, 300);
    for (const value of [undefined, '', ' ']) {
      const settings = readSettings({
        DEV_PROVIDER_TOTP_SECRET: value,
        DEV_PROVIDER_LOCKOUT_SECONDS: value,
      });
      assert.equal(settings.totpSecret, undefined, String(value));
      assert.equal(settings.lockoutSeconds, 300, String(value));
    }
    assert.equal(
      readSettings({ DEV_PROVIDER_TOTP_SECRET: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====' }).totpSecret,
      'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    );
  });

  test('refuses a DEV_PROVIDER_TOTP_SECRET that is not base32 or shorter than 128 bits, without repeating it', () => {
    const message =
      'DEV_PROVIDER_TOTP_SECRET must be a base32 secret (letters A to Z and digits 2 to 7, spaces allowed) of at least 26 characters (128 bits), such as a 32-character authenticator key.';
    for (const value of [
      'JBSWY3DPEHPK3PXP', // 80 bits
      'JBSWY3DPEHPK3PXPJBSWY3DPEH1K3PXP', // 1 is not base32
      'correct-horse-battery-staple-0123456789',
    ]) {
      assert.throws(() => readSettings({ DEV_PROVIDER_TOTP_SECRET: value }), {
        name: 'SettingsError',
        message,
      });
    }
    assert.equal(
      readSettings({ DEV_PROVIDER_TOTP_SECRET: 'JBSWY3DPEHPK3PXPJBSWY3DPEH' }).totpSecret,
      'JBSWY3DPEHPK3PXPJBSWY3DPEE',
      '26 characters carry 128 bits; the 2 left over are dropped, as apps drop them',
    );
    assert.throws(() => readSettings({ DEV_PROVIDER_LOCKOUT_SECONDS: '0' }), {
      name: 'SettingsError',
      message: 'DEV_PROVIDER_LOCKOUT_SECONDS must be a positive whole number of seconds, not "0".',
    });
  });

  test('requires DPoP unless DEV_PROVIDER_DPOP says optional or off', () => {
    assert.equal(DEFAULTS.dpop, 'required');
    for (const value of [undefined, '', ' ', 'required', 'REQUIRED']) {
      assert.equal(readSettings({ DEV_PROVIDER_DPOP: value }).dpop, 'required', String(value));
    }
    assert.equal(readSettings({ DEV_PROVIDER_DPOP: ' Optional ' }).dpop, 'optional');
    assert.equal(readSettings({ DEV_PROVIDER_DPOP: 'off' }).dpop, 'off');
  });

  test('keeps the fault switch off unless DEV_PROVIDER_FAULTS is on', () => {
    assert.equal(DEFAULTS.faults, false);
    for (const value of [undefined, '', ' ', 'off', 'OFF']) {
      assert.equal(readSettings({ DEV_PROVIDER_FAULTS: value }).faults, false, String(value));
    }
    assert.equal(readSettings({ DEV_PROVIDER_FAULTS: ' On ' }).faults, true);
  });

  for (const name of TTL_VARIABLES) {
    test(`refuses a ${name} that is not a positive whole number, naming the variable`, () => {
      for (const value of ['0', '-5', '1.5', '1e3', 'ten', '20s']) {
        assert.throws(() => readSettings({ [name]: value }), {
          name: 'SettingsError',
          message: `${name} must be a positive whole number of seconds, not "${value}".`,
        });
      }
    });
  }

  test('names the variable when a port, origin, client id or audience is malformed', () => {
    for (const [name, value] of [
      ['DEV_PROVIDER_PORT', '70000'],
      ['DEV_PROVIDER_PORT', 'http'],
      ['DEV_PROVIDER_APP_ORIGINS', 'localhost:4200'],
      ['DEV_PROVIDER_APP_ORIGINS', 'http://localhost:4200/app'],
      ['DEV_PROVIDER_APP_ORIGINS', ','],
      ['DEV_PROVIDER_CLIENT_ID', 'client id'],
      ['DEV_PROVIDER_AUDIENCE', 'my api'],
      ['DEV_PROVIDER_FAULTS', 'yes'],
      ['DEV_PROVIDER_FAULTS', '1'],
      ['DEV_PROVIDER_DPOP', 'true'],
      ['DEV_PROVIDER_DPOP', 'on'],
    ]) {
      assert.throws(
        () => readSettings({ [name]: value }),
        (err) => {
          assert.ok(err instanceof SettingsError);
          assert.ok(err.message.startsWith(`${name} `), err.message);
          return true;
        },
      );
    }
  });
});

test('the TTL variables set expires_in and the tokens lifetimes', { timeout: 10_000 }, async () => {
  const settings = readSettings({
    DEV_PROVIDER_PORT: '0',
    DEV_PROVIDER_ACCESS_TOKEN_TTL: '20',
    DEV_PROVIDER_ID_TOKEN_TTL: '30',
    DEV_PROVIDER_DPOP: 'optional',
  });
  const provider = await startDevProvider(settings);
  try {
    const client = { id: settings.clientId, redirectUri: 'http://localhost:4200/login/callback' };
    const user = { username: DEMO_USERS[0].email, password: settings.password };
    const scope = 'openid offline_access';
    const { code, verifier } = await signIn(createBrowser(), {
      issuer: provider.issuer,
      client,
      user,
      scope,
    });
    const { body: tokens } = await exchangeCode(provider.issuer, { client, code, verifier });
    assert.equal(tokens.expires_in, 20);
    const access = decodeJwt(tokens.access_token);
    assert.equal(access.exp - access.iat, 20);
    const id = decodeJwt(tokens.id_token);
    assert.equal(id.exp - id.iat, 30);

    const { body: renewed } = await refresh(provider.issuer, {
      client,
      refreshToken: tokens.refresh_token,
      scope,
    });
    assert.equal(renewed.expires_in, 20);
  } finally {
    await provider.close();
  }
});

describe('server.mjs', { timeout: 15_000 }, () => {
  test('prints its ready line, answers, and exits 0 on SIGTERM', async () => {
    const server = await startServer(SERVER, {
      env: { DEV_PROVIDER_PORT: '0' },
      ready: /^Dev OpenID provider ready at (http:\/\/localhost:\d+\/oauth2\/default)\n/,
    });
    try {
      const [line, issuer] = server.ready;
      const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
      assert.equal((await discovery.json()).issuer, issuer);

      assert.deepEqual(await server.stop(), { code: 0, signal: null });
      // The ready line is all it prints.
      assert.equal(server.output.stdout, line);
      assert.equal(server.output.stderr, '');
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test('exits 1 with one sentence naming the variable when a TTL is invalid', async () => {
    const server = spawnServer(SERVER, { env: { DEV_PROVIDER_ACCESS_TOKEN_TTL: 'soon' } });
    try {
      assert.equal((await server.exited).code, 1);
      assert.equal(
        server.output.stderr,
        'Dev OpenID provider cannot start: DEV_PROVIDER_ACCESS_TOKEN_TTL must be a positive whole number of seconds, not "soon".\n',
      );
      assert.equal(server.output.stdout, '');
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test('exits 1 naming the port and DEV_PROVIDER_PORT when the port is taken', async () => {
    const running = await startDevProvider({ port: 0 });
    const server = spawnServer(SERVER, { env: { DEV_PROVIDER_PORT: String(running.port) } });
    try {
      assert.equal((await server.exited).code, 1);
      assert.match(
        server.output.stderr,
        new RegExp(
          `^Dev OpenID provider cannot start: Port ${running.port} .*DEV_PROVIDER_PORT.*\\.\\n$`,
        ),
      );
    } finally {
      await server.stop('SIGKILL');
      await running.close();
    }
  });
});
