import {
  AuthConfig,
  AuthConfigError,
  ConfigFieldNames,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  DEFAULT_SCOPES,
  isLoopbackUrl,
  parseAuthConfig,
  requiresDpop,
} from './auth-config';
import { TEST_CLIENT_ID, TEST_ISSUER } from './testing/auth-fixtures';

const ISSUER = TEST_ISSUER;
const CLIENT_ID = TEST_CLIENT_ID;

/** A minimal valid config.json with `overrides` applied on top. */
function raw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { issuer: ISSUER, clientId: CLIENT_ID, ...overrides };
}

/** Runs `parseAuthConfig` and returns the AuthConfigError it throws, failing if it throws nothing. */
function errorFrom(input: unknown, names?: ConfigFieldNames): AuthConfigError {
  try {
    parseAuthConfig(input, names);
  } catch (error) {
    if (error instanceof AuthConfigError) return error;
    throw error;
  }
  throw new Error(`parseAuthConfig accepted ${JSON.stringify(input)}`);
}

describe('parseAuthConfig', () => {
  describe('with valid settings', () => {
    it('removes trailing slashes from the issuer', () => {
      expect(parseAuthConfig(raw({ issuer: `${ISSUER}//` })).issuer).toBe(ISSUER);
    });

    it('accepts an org authorization server (bare host) as the issuer', () => {
      expect(parseAuthConfig(raw({ issuer: 'https://dev-123456.okta.com/' })).issuer).toBe(
        'https://dev-123456.okta.com',
      );
    });

    it('ignores whitespace around the issuer and the client id', () => {
      const config = parseAuthConfig(raw({ issuer: `  ${ISSUER}\n`, clientId: ` ${CLIENT_ID} ` }));

      expect(config.issuer).toBe(ISSUER);
      expect(config.clientId).toBe(CLIENT_ID);
    });

    it('defaults to the standard scopes, sessionStorage, no API origins and DPoP that fails closed', () => {
      const config = parseAuthConfig(raw());

      expect(config).toEqual({
        issuer: ISSUER,
        clientId: CLIENT_ID,
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        apiOrigins: [],
        tokenStorage: 'sessionStorage',
        requestTimeoutSeconds: 15,
        dpop: true,
        dpopAllowBearer: false,
        idleTimeoutMinutes: 0,
      });
    });

    it('reads an idle timeout in whole minutes, from JSON or an environment variable', () => {
      expect(parseAuthConfig(raw({ idleTimeoutMinutes: 15 })).idleTimeoutMinutes).toBe(15);
      expect(parseAuthConfig(raw({ idleTimeoutMinutes: '2' })).idleTimeoutMinutes).toBe(2);
      expect(parseAuthConfig(raw({ idleTimeoutMinutes: '0' })).idleTimeoutMinutes).toBe(0);
      expect(parseAuthConfig(raw({ idleTimeoutMinutes: 1440 })).idleTimeoutMinutes).toBe(1440);
    });

    const switches: [string, unknown, boolean][] = [
      ['true', true, true],
      ['false', false, false],
      ['the string "true" (an environment variable)', 'true', true],
      ['the string "false" (an environment variable)', 'false', false],
      ['an empty string (an unset environment variable)', '', true],
    ];
    for (const [what, value, expected] of switches) {
      it(`reads the DPoP setting from ${what}`, () => {
        expect(parseAuthConfig(raw({ dpop: value })).dpop).toBe(expected);
      });
    }

    it('reads whether DPoP may fall back to Bearer tokens', () => {
      expect(parseAuthConfig(raw({ dpopAllowBearer: 'true' })).dpopAllowBearer).toBeTrue();
      expect(parseAuthConfig(raw({ dpopAllowBearer: false })).dpopAllowBearer).toBeFalse();
    });

    it('treats empty scopes, token storage and timeout (unset environment variables) as the defaults', () => {
      const config = parseAuthConfig(
        raw({ scopes: '', tokenStorage: '', requestTimeoutSeconds: '' }),
      );

      expect(config.scopes).toEqual(DEFAULT_SCOPES);
      expect(config.tokenStorage).toBe('sessionStorage');
      expect(config.requestTimeoutSeconds).toBe(DEFAULT_REQUEST_TIMEOUT_SECONDS);
    });

    const timeouts: [string, unknown, number][] = [
      ['a number of seconds', 30, 30],
      ['the lowest allowed value, 1', 1, 1],
      ['the highest allowed value, 120', 120, 120],
      ['a fraction of a second above 1', 2.5, 2.5],
      ['a numeric string (an environment variable)', '45', 45],
      ['a numeric string with whitespace around it', ' 20\n', 20],
    ];
    for (const [what, value, expected] of timeouts) {
      it(`reads the request timeout from ${what}`, () => {
        expect(parseAuthConfig(raw({ requestTimeoutSeconds: value })).requestTimeoutSeconds).toBe(
          expected,
        );
      });
    }

    it('does not share the default scopes array with the caller', () => {
      const config = parseAuthConfig(raw());

      expect(config.scopes).not.toBe(DEFAULT_SCOPES);
    });

    it('reads scopes from a space-separated string', () => {
      expect(parseAuthConfig(raw({ scopes: '  openid   profile\tgroups ' })).scopes).toEqual([
        'openid',
        'profile',
        'groups',
      ]);
    });

    it('reads scopes from an array', () => {
      expect(parseAuthConfig(raw({ scopes: ['openid', 'email'] })).scopes).toEqual([
        'openid',
        'email',
      ]);
    });

    it('removes duplicate scopes, keeping the first occurrence', () => {
      expect(parseAuthConfig(raw({ scopes: 'openid email openid profile email' })).scopes).toEqual([
        'openid',
        'email',
        'profile',
      ]);
    });

    for (const storage of ['sessionStorage', 'localStorage', 'memory'] as const) {
      it(`accepts ${storage} as the token storage`, () => {
        expect(parseAuthConfig(raw({ tokenStorage: storage })).tokenStorage).toBe(storage);
      });
    }

    it('reads API origins from an array and drops a trailing slash', () => {
      expect(
        parseAuthConfig(raw({ apiOrigins: ['http://localhost:8000/', 'https://api.example.com'] }))
          .apiOrigins,
      ).toEqual(['http://localhost:8000', 'https://api.example.com']);
    });

    it('reads API origins from a comma- or space-separated string', () => {
      expect(
        parseAuthConfig(raw({ apiOrigins: 'http://localhost:8000, https://api.example.com' }))
          .apiOrigins,
      ).toEqual(['http://localhost:8000', 'https://api.example.com']);
    });

    // Deployers write origins both ways; each is an origin and must compare equal to the request's.
    it('accepts an origin written with its default port or in upper case, normalised', () => {
      expect(
        parseAuthConfig(
          raw({ apiOrigins: ['https://api.example.com:443', 'HTTP://LOCALHOST:8000'] }),
        ).apiOrigins,
      ).toEqual(['https://api.example.com', 'http://localhost:8000']);
    });

    for (const issuer of [
      'http://localhost:3000/oauth2/default',
      'http://127.0.0.1:3000/oauth2/default',
      'http://[::1]:3000/oauth2/default',
    ]) {
      it(`accepts plain http on a loopback issuer (${issuer})`, () => {
        expect(parseAuthConfig(raw({ issuer })).issuer).toBe(issuer);
      });
    }

    it('returns a frozen config whose lists are frozen too', () => {
      const config: AuthConfig = parseAuthConfig(raw({ apiOrigins: ['http://localhost:8000'] }));

      expect(Object.isFrozen(config)).toBeTrue();
      expect(Object.isFrozen(config.scopes)).toBeTrue();
      expect(Object.isFrozen(config.apiOrigins)).toBeTrue();
    });
  });

  describe('with bad settings', () => {
    const cases: {
      readonly what: string;
      readonly input: unknown;
      readonly field: keyof AuthConfig;
      readonly message: string | RegExp;
    }[] = [
      {
        what: 'a config that is not an object',
        input: 'issuer=https://dev-123456.okta.com',
        field: 'issuer',
        message: 'The configuration must be a JSON object.',
      },
      {
        what: 'a null config',
        input: null,
        field: 'issuer',
        message: 'The configuration must be a JSON object.',
      },
      {
        what: 'a config that is an array',
        input: [ISSUER, CLIENT_ID],
        field: 'issuer',
        message: 'The configuration must be a JSON object.',
      },
      {
        what: 'a missing issuer',
        input: { clientId: CLIENT_ID },
        field: 'issuer',
        message: 'issuer is missing: set it to e.g. https://dev-123456.okta.com/oauth2/default.',
      },
      {
        what: 'a blank issuer',
        input: raw({ issuer: '   ' }),
        field: 'issuer',
        message: /^issuer is missing/,
      },
      {
        what: 'an issuer that is not a string',
        input: raw({ issuer: 42 }),
        field: 'issuer',
        message: /^issuer is missing/,
      },
      {
        what: 'an issuer that is not a URL',
        input: raw({ issuer: 'dev-123456.okta.com/oauth2/default' }),
        field: 'issuer',
        message:
          'issuer must be an http(s) URL such as https://dev-123456.okta.com/oauth2/default, not "dev-123456.okta.com/oauth2/default".',
      },
      {
        what: 'an ftp: issuer',
        input: raw({ issuer: 'ftp://dev-123456.okta.com/oauth2/default' }),
        field: 'issuer',
        message:
          'issuer must be an https URL (plain http only on localhost), not "ftp://dev-123456.okta.com/oauth2/default".',
      },
      {
        what: 'a plain http issuer on a non-loopback host',
        input: raw({ issuer: 'http://dev-123456.okta.com/oauth2/default' }),
        field: 'issuer',
        message: /^issuer must be an https URL \(plain http only on localhost\)/,
      },
      {
        what: 'a plain http issuer on a host that merely starts with "localhost"',
        input: raw({ issuer: 'http://localhost.evil.example/oauth2/default' }),
        field: 'issuer',
        message: /^issuer must be an https URL/,
      },
      {
        what: 'the Admin Console host as the issuer',
        input: raw({ issuer: 'https://dev-123456-admin.okta.com/oauth2/default' }),
        field: 'issuer',
        message:
          'issuer points at the Okta Admin Console ("dev-123456-admin.okta.com"); remove "-admin" to use your org\'s URL.',
      },
      {
        what: 'the {yourOktaDomain} placeholder in the issuer',
        input: raw({ issuer: 'https://{yourOktaDomain}/oauth2/default' }),
        field: 'issuer',
        message:
          'issuer still holds a placeholder ("https://{yourOktaDomain}/oauth2/default"); use your Okta org\'s issuer.',
      },
      {
        what: 'a query in the issuer',
        input: raw({ issuer: `${ISSUER}?client_id=x` }),
        field: 'issuer',
        message: `issuer must not contain a query, fragment or credentials ("${ISSUER}?client_id=x").`,
      },
      {
        what: 'a fragment in the issuer',
        input: raw({ issuer: `${ISSUER}#top` }),
        field: 'issuer',
        message: /^issuer must not contain a query, fragment or credentials/,
      },
      // `URL.search`/`URL.hash` are empty for a bare "?" or "#", so a check of those alone would
      // let through an issuer ending in "?" or "#", which okta-auth-js turns into broken endpoint URLs.
      {
        what: 'an empty query marker at the end of the issuer',
        input: raw({ issuer: `${ISSUER}?` }),
        field: 'issuer',
        message: /^issuer must not contain a query, fragment or credentials/,
      },
      {
        what: 'an empty fragment marker at the end of the issuer',
        input: raw({ issuer: `${ISSUER}#` }),
        field: 'issuer',
        message: /^issuer must not contain a query, fragment or credentials/,
      },
      {
        what: 'credentials in the issuer',
        input: raw({ issuer: 'https://admin:secret@dev-123456.okta.com/oauth2/default' }),
        field: 'issuer',
        message: /^issuer must not contain a query, fragment or credentials/,
      },
      {
        what: 'a missing client id',
        input: { issuer: ISSUER },
        field: 'clientId',
        message: 'clientId is missing: set it to the Client ID of your Okta SPA app.',
      },
      {
        what: 'a blank client id',
        input: raw({ clientId: ' \t ' }),
        field: 'clientId',
        message: /^clientId is missing/,
      },
      {
        what: 'a client id with spaces inside',
        input: raw({ clientId: '0oa1b2c3 d4e5f6' }),
        field: 'clientId',
        message: 'clientId must be the Client ID of your Okta SPA app, not "0oa1b2c3 d4e5f6".',
      },
      {
        what: 'the {clientId} placeholder',
        input: raw({ clientId: '{clientId}' }),
        field: 'clientId',
        message: 'clientId must be the Client ID of your Okta SPA app, not "{clientId}".',
      },
      {
        what: 'scopes without openid',
        input: raw({ scopes: 'profile email' }),
        field: 'scopes',
        message: 'scopes must be a space-separated list of scopes that includes "openid".',
      },
      {
        what: 'an empty scopes array',
        input: raw({ scopes: [] }),
        field: 'scopes',
        message: /^scopes must be a space-separated list/,
      },
      {
        what: 'scopes that are not strings',
        input: raw({ scopes: ['openid', 7] }),
        field: 'scopes',
        message: /^scopes must be a space-separated list/,
      },
      {
        what: 'scopes given as a number',
        input: raw({ scopes: 42 }),
        field: 'scopes',
        message: /^scopes must be a space-separated list/,
      },
      {
        what: 'scopes where openid only appears inside another scope',
        input: raw({ scopes: ['openid profile'] }),
        field: 'scopes',
        message: /^scopes must be a space-separated list/,
      },
      {
        what: 'an unknown token storage',
        input: raw({ tokenStorage: 'cookie' }),
        field: 'tokenStorage',
        message: 'tokenStorage must be one of sessionStorage, localStorage, memory, not "cookie".',
      },
      {
        what: 'a token storage that is not a string',
        input: raw({ tokenStorage: true }),
        field: 'tokenStorage',
        message: 'tokenStorage must be one of sessionStorage, localStorage, memory, not "true".',
      },
      {
        what: 'a token storage in the wrong case',
        input: raw({ tokenStorage: 'SessionStorage' }),
        field: 'tokenStorage',
        message: /^tokenStorage must be one of/,
      },
      {
        what: 'an API origin with a path',
        input: raw({ apiOrigins: ['http://localhost:8000/api'] }),
        field: 'apiOrigins',
        message:
          'apiOrigins must hold origins only (scheme, host and port), not "http://localhost:8000/api".',
      },
      {
        what: 'an API origin with a query',
        input: raw({ apiOrigins: ['http://localhost:8000?x=1'] }),
        field: 'apiOrigins',
        message: /^apiOrigins must hold origins only/,
      },
      {
        what: 'an API origin with credentials',
        input: raw({ apiOrigins: ['http://user@localhost:8000'] }),
        field: 'apiOrigins',
        message: /^apiOrigins must hold origins only/,
      },
      {
        what: 'an API origin with a non-http scheme',
        input: raw({ apiOrigins: ['ftp://files.example.com'] }),
        field: 'apiOrigins',
        message:
          'apiOrigins must hold origins only (scheme, host and port), not "ftp://files.example.com".',
      },
      {
        what: 'an API origin that is not a URL',
        input: raw({ apiOrigins: 'localhost:8000' }),
        field: 'apiOrigins',
        message: /^apiOrigins must hold origins only/,
      },
      {
        what: 'an API origin that is not a string',
        input: raw({ apiOrigins: [8000] }),
        field: 'apiOrigins',
        message: 'apiOrigins must hold origins only (scheme, host and port), not "8000".',
      },
      {
        what: 'API origins that are neither a list nor a string',
        input: raw({ apiOrigins: { url: 'http://localhost:8000' } }),
        field: 'apiOrigins',
        message: 'apiOrigins must be a list of origins such as https://api.example.com.',
      },
      ...[1, 1441, 2.5, -5, 'soon', true].map((minutes) => ({
        what: `an idle timeout of ${JSON.stringify(minutes)} minutes`,
        input: raw({ idleTimeoutMinutes: minutes }),
        field: 'idleTimeoutMinutes' as const,
        message: `idleTimeoutMinutes must be 0 (off) or a whole number of minutes from 2 to 1440, not "${String(minutes)}".`,
      })),
      {
        what: 'a request timeout of 0 seconds',
        input: raw({ requestTimeoutSeconds: 0 }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "0".',
      },
      {
        what: 'a request timeout just below 1 second',
        input: raw({ requestTimeoutSeconds: 0.5 }),
        field: 'requestTimeoutSeconds',
        message: /^requestTimeoutSeconds must be a number of seconds between 1 and 120/,
      },
      {
        what: 'a negative request timeout',
        input: raw({ requestTimeoutSeconds: -15 }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "-15".',
      },
      {
        what: 'a request timeout above 120 seconds',
        input: raw({ requestTimeoutSeconds: 121 }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "121".',
      },
      {
        what: 'a request timeout string that is not a number',
        input: raw({ requestTimeoutSeconds: '15s' }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "15s".',
      },
      {
        what: 'a DPoP setting that is neither true nor false',
        input: raw({ dpop: 'yes' }),
        field: 'dpop',
        message: 'dpop must be true or false, not "yes".',
      },
      {
        what: 'a DPoP setting given as a number',
        input: raw({ dpop: 1 }),
        field: 'dpop',
        message: 'dpop must be true or false, not "1".',
      },
      {
        what: 'a Bearer fallback setting that is neither true nor false',
        input: raw({ dpopAllowBearer: 'TRUE ' }),
        field: 'dpopAllowBearer',
        message: 'dpopAllowBearer must be true or false, not "TRUE ".',
      },
      {
        what: 'a request timeout string of blanks',
        input: raw({ requestTimeoutSeconds: '   ' }),
        field: 'requestTimeoutSeconds',
        message: /^requestTimeoutSeconds must be a number of seconds between 1 and 120/,
      },
      {
        what: 'an infinite request timeout',
        input: raw({ requestTimeoutSeconds: Infinity }),
        field: 'requestTimeoutSeconds',
        message: /^requestTimeoutSeconds must be a number of seconds between 1 and 120/,
      },
      {
        what: 'a request timeout that is NaN',
        input: raw({ requestTimeoutSeconds: NaN }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "NaN".',
      },
      {
        what: 'a request timeout that is a boolean',
        input: raw({ requestTimeoutSeconds: true }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "true".',
      },
      {
        what: 'a null request timeout',
        input: raw({ requestTimeoutSeconds: null }),
        field: 'requestTimeoutSeconds',
        message: 'requestTimeoutSeconds must be a number of seconds between 1 and 120, not "null".',
      },
      {
        what: 'a request timeout given as a list',
        input: raw({ requestTimeoutSeconds: [30] }),
        field: 'requestTimeoutSeconds',
        message: /^requestTimeoutSeconds must be a number of seconds between 1 and 120/,
      },
    ];

    for (const { what, input, field, message } of cases) {
      it(`rejects ${what}, naming the ${field} setting`, () => {
        const error = errorFrom(input);

        expect(error).toBeInstanceOf(AuthConfigError);
        expect(error.name).toBe('AuthConfigError');
        expect(error.field).toBe(field);
        if (typeof message === 'string') {
          expect(error.message).toBe(message);
        } else {
          expect(error.message).toMatch(message);
        }
      });
    }
  });

  describe('with the environment variable names the start-up scripts pass', () => {
    const envNames: ConfigFieldNames = {
      issuer: 'OKTA_ISSUER',
      clientId: 'OKTA_CLIENT_ID',
      scopes: 'OKTA_SCOPES',
      apiOrigins: 'API_URL',
      tokenStorage: 'OKTA_TOKEN_STORAGE',
      requestTimeoutSeconds: 'OKTA_REQUEST_TIMEOUT_SECONDS',
      dpop: 'OKTA_DPOP',
      dpopAllowBearer: 'OKTA_DPOP_ALLOW_BEARER',
      idleTimeoutMinutes: 'OKTA_IDLE_TIMEOUT_MINUTES',
    };
    const cases: [keyof AuthConfig, Record<string, unknown>, RegExp][] = [
      ['issuer', { clientId: CLIENT_ID }, /^OKTA_ISSUER is missing/],
      ['issuer', raw({ issuer: 'http://dev-123456.okta.com' }), /^OKTA_ISSUER must be an https/],
      ['clientId', raw({ clientId: undefined }), /^OKTA_CLIENT_ID is missing/],
      ['clientId', raw({ clientId: '{clientId}' }), /^OKTA_CLIENT_ID must be the Client ID/],
      ['scopes', raw({ scopes: 'profile' }), /^OKTA_SCOPES must be a space-separated list/],
      ['apiOrigins', raw({ apiOrigins: ['ftp://x.example'] }), /^API_URL must hold origins only/],
      ['tokenStorage', raw({ tokenStorage: 'disk' }), /^OKTA_TOKEN_STORAGE must be one of/],
      [
        'requestTimeoutSeconds',
        raw({ requestTimeoutSeconds: '600' }),
        /^OKTA_REQUEST_TIMEOUT_SECONDS must be a number of seconds between 1 and 120, not "600"\.$/,
      ],
    ];

    for (const [field, input, message] of cases) {
      it(`names ${envNames[field]} in the message about ${field}`, () => {
        const error = errorFrom(input, envNames);

        expect(error.field).toBe(field);
        expect(error.message).toMatch(message);
      });
    }
  });
});

describe('isLoopbackUrl', () => {
  const cases: [string, boolean][] = [
    ['http://localhost:4200/', true],
    ['http://127.0.0.1:8000/', true],
    ['http://[::1]:8000/', true],
    ['https://localhost/', true],
    ['http://LOCALHOST:4200/', true],
    ['http://localhost.evil.example/', false],
    ['http://evil.example/?localhost', false],
    ['http://127.0.0.1.evil.example/', false],
    ['http://dev-123456.okta.com/', false],
    ['http://0.0.0.0:4200/', false],
  ];

  for (const [url, expected] of cases) {
    it(`says ${url} is ${expected ? '' : 'not '}a loopback URL`, () => {
      expect(isLoopbackUrl(new URL(url))).toBe(expected);
    });
  }
});

describe('requiresDpop', () => {
  it('is true only with DPoP on and no Bearer fallback', () => {
    expect(requiresDpop({ dpop: true, dpopAllowBearer: false })).toBeTrue();
    expect(requiresDpop({ dpop: true, dpopAllowBearer: true })).toBeFalse();
    expect(requiresDpop({ dpop: false, dpopAllowBearer: false })).toBeFalse();
  });
});
