import { AuthConfigError, showStartupError } from './auth';
import { loadRuntimeConfig, parseRuntimeConfig } from './runtime-config';
import { embeddedConfigBlock, loadOutcome } from './auth/testing/auth-fixtures';

const ISSUER = 'https://dev-123456.okta.com/oauth2/default';
const CLIENT_ID = '0oa1b2c3d4e5f6g7h8i9';
const VALID = { issuer: ISSUER, clientId: CLIENT_ID, apiUrl: 'http://localhost:8000' };

describe('parseRuntimeConfig', () => {
  it('returns the API URL without a trailing slash and the validated auth settings', () => {
    const config = parseRuntimeConfig({ ...VALID, apiUrl: 'http://localhost:8000/' });

    expect(config.apiUrl).toBe('http://localhost:8000');
    expect(config.auth.issuer).toBe(ISSUER);
    expect(config.auth.clientId).toBe(CLIENT_ID);
  });

  it('keeps the path of an API URL that has one', () => {
    expect(parseRuntimeConfig({ ...VALID, apiUrl: 'https://api.example.com/v1/' }).apiUrl).toBe(
      'https://api.example.com/v1',
    );
  });

  it('allow-lists the API origin for the access token by default', () => {
    const config = parseRuntimeConfig({ ...VALID, apiUrl: 'https://api.example.com/v1' });

    expect(config.auth.apiOrigins).toEqual(['https://api.example.com']);
  });

  it('uses explicit apiOrigins instead of the API origin', () => {
    const config = parseRuntimeConfig({
      ...VALID,
      apiUrl: 'https://api.example.com/v1',
      apiOrigins: ['https://other.example.com'],
    });

    expect(config.auth.apiOrigins).toEqual(['https://other.example.com']);
  });

  it('lets an explicit empty apiOrigins send the token nowhere', () => {
    expect(parseRuntimeConfig({ ...VALID, apiOrigins: [] }).auth.apiOrigins).toEqual([]);
  });

  const badApiUrls: [string, unknown, string][] = [
    ['a missing apiUrl', undefined, 'undefined'],
    ['an empty apiUrl', '', ''],
    ['an apiUrl without a scheme', 'localhost:8000', 'localhost:8000'],
    ['a relative apiUrl', '/api', '/api'],
    ['an ftp: apiUrl', 'ftp://api.example.com', 'ftp://api.example.com'],
    ['a javascript: apiUrl', 'javascript:alert(1)', 'javascript:alert(1)'],
    ['an apiUrl that is not a string', 8000, '8000'],
  ];
  for (const [what, apiUrl, shown] of badApiUrls) {
    it(`rejects ${what} with a sentence naming apiUrl`, () => {
      expect(() => parseRuntimeConfig({ ...VALID, apiUrl })).toThrowError(
        `apiUrl must be an http(s) URL such as http://localhost:8000, not "${shown}".`,
      );
    });
  }

  it('rejects a config.json that is not an object, naming apiUrl', () => {
    expect(() => parseRuntimeConfig('not json at all')).toThrowError(
      /^apiUrl must be an http\(s\)/,
    );
  });

  it('passes the request timeout from config.json to the auth settings', () => {
    expect(
      parseRuntimeConfig({ ...VALID, requestTimeoutSeconds: 30 }).auth.requestTimeoutSeconds,
    ).toBe(30);
  });

  it('gives Okta requests the default timeout when config.json sets none', () => {
    expect(parseRuntimeConfig(VALID).auth.requestTimeoutSeconds).toBe(15);
  });

  it('rejects a bad request timeout, naming requestTimeoutSeconds', () => {
    expect(() => parseRuntimeConfig({ ...VALID, requestTimeoutSeconds: 0 })).toThrowMatching(
      (error) => error instanceof AuthConfigError && error.field === 'requestTimeoutSeconds',
    );
  });

  it('uses the Admins group for /admin when config.json names none', () => {
    expect(parseRuntimeConfig(VALID).adminGroup).toBe('Admins');
  });

  it('reads the admin group from config.json, without surrounding whitespace', () => {
    expect(parseRuntimeConfig({ ...VALID, adminGroup: '  Platform Admins ' }).adminGroup).toBe(
      'Platform Admins',
    );
  });

  const badGroups: [string, unknown, string][] = [
    ['a blank admin group', '   ', '   '],
    ['an admin group that is not a string', ['Admins'], 'Admins'],
  ];
  for (const [what, adminGroup, shown] of badGroups) {
    it(`rejects ${what} with a sentence naming adminGroup`, () => {
      expect(() => parseRuntimeConfig({ ...VALID, adminGroup })).toThrowError(
        `adminGroup must be the name of an Okta group, not "${shown}".`,
      );
    });
  }

  it('passes on the auth settings error when the Okta settings are wrong', () => {
    expect(() => parseRuntimeConfig({ ...VALID, clientId: '' })).toThrowMatching(
      (error) => error instanceof AuthConfigError && error.field === 'clientId',
    );
  });
});

describe('loadRuntimeConfig', () => {
  const jsonResponse = (body: string, status = 200) =>
    new Response(body, { status, headers: { 'Content-Type': 'application/json' } });

  it('fetches config.json and returns the validated config', async () => {
    const fetchJson = jasmine
      .createSpy<(url: string) => Promise<Response>>('fetchJson')
      .and.resolveTo(jsonResponse(JSON.stringify(VALID)));

    const config = await loadRuntimeConfig(undefined, fetchJson);

    expect(fetchJson).toHaveBeenCalledOnceWith('config.json');
    expect(config.apiUrl).toBe('http://localhost:8000');
    expect(config.auth.apiOrigins).toEqual(['http://localhost:8000']);
  });

  it('rejects with the validation sentence when the JSON holds bad settings', async () => {
    const fetchJson = () =>
      Promise.resolve(
        jsonResponse(JSON.stringify({ ...VALID, issuer: 'https://{yourOktaDomain}' })),
      );

    await expectAsync(loadRuntimeConfig('config.json', fetchJson)).toBeRejectedWithError(
      AuthConfigError,
      /^issuer still holds a placeholder/,
    );
  });

  describe('with config.json embedded in the page', () => {
    let block: HTMLScriptElement;
    let fetchJson: jasmine.Spy<(url: string) => Promise<Response>>;

    beforeEach(() => {
      block = embeddedConfigBlock();
      fetchJson = jasmine
        .createSpy('fetchJson')
        .and.callFake(() => Promise.resolve(jsonResponse(JSON.stringify(VALID))));
    });

    afterEach(() => block.remove());

    it('starts from the embedded copy without fetching config.json', async () => {
      block.textContent = JSON.stringify({ ...VALID, apiUrl: 'https://api.example.com/v1' });

      const config = await loadRuntimeConfig(undefined, fetchJson);

      expect(fetchJson).not.toHaveBeenCalled();
      expect(config.apiUrl).toBe('https://api.example.com/v1');
      expect(config.auth.issuer).toBe(ISSUER);
    });

    it('shows a readable start-up error for an embedded copy that is not JSON, fetching nothing', async () => {
      const savedBody = Array.from(document.body.childNodes);
      spyOn(console, 'error');
      const bootstrap = jasmine.createSpy('bootstrap');
      block.textContent = JSON.stringify(VALID).slice(0, -1); // cut short

      try {
        // As main.ts does.
        await loadRuntimeConfig(undefined, fetchJson).then(bootstrap).catch(showStartupError);

        expect(bootstrap).not.toHaveBeenCalled();
        expect(fetchJson).not.toHaveBeenCalled();
        expect(document.body.querySelector('[role="alert"]')?.textContent).toBe(
          'The app could not load its configuration (config.json embedded in the page: not valid JSON).',
        );
      } finally {
        document.body.replaceChildren(...savedBody);
      }
    });

    const badConfigs: [string, unknown][] = [
      ['a placeholder issuer', { ...VALID, issuer: 'https://{yourOktaDomain}' }],
      ['an empty clientId', { ...VALID, clientId: '' }],
      ['a relative apiUrl', { ...VALID, apiUrl: '/api' }],
      ['a blank admin group', { ...VALID, adminGroup: '  ' }],
      ['a bad adminMaxAgeSeconds', { ...VALID, adminMaxAgeSeconds: 0 }],
      ['JSON that is not an object', ['not', 'an', 'object']],
    ];
    for (const [what, bad] of badConfigs) {
      it(`refuses ${what} embedded with the error it gives when fetched`, async () => {
        const fetchBad = () => Promise.resolve(jsonResponse(JSON.stringify(bad)));
        const fromFile = await loadOutcome(loadRuntimeConfig(undefined, fetchBad));
        block.textContent = JSON.stringify(bad);

        const fromPage = await loadOutcome(loadRuntimeConfig(undefined, fetchJson));

        expect(fromFile).not.toBe('accepted');
        expect(fromPage).toEqual(fromFile);
        expect(fetchJson).not.toHaveBeenCalled();
      });
    }
  });
});
