import { AuthConfigError } from './auth-config';
import { fetchConfigJson, loadAuthConfig } from './load-auth-config';
import { embeddedConfigBlock, loadOutcome } from './testing/auth-fixtures';

const jsonResponse = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'Content-Type': 'application/json' } });

const OKTA_SETTINGS = {
  issuer: 'https://dev-123456.okta.com/oauth2/default',
  clientId: '0oa1b2c3d4e5f6g7h8i9',
};

describe('fetchConfigJson', () => {
  it('asks the browser for a fresh copy rather than a cached one', async () => {
    const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse('{"a":1}'));

    expect(await fetchConfigJson('/settings/config.json')).toEqual({ a: 1 });
    expect(fetchSpy).toHaveBeenCalledOnceWith('/settings/config.json', { cache: 'no-store' });
  });

  it('rejects with a readable message when the network fails', async () => {
    const fetchConfig = () => Promise.reject(new TypeError('Failed to fetch'));

    await expectAsync(fetchConfigJson('config.json', fetchConfig)).toBeRejectedWithError(
      Error,
      'The app could not load its configuration (config.json).',
    );
  });

  it('rejects with the status when the server answers with an error', async () => {
    const fetchConfig = () => Promise.resolve(new Response('Not Found', { status: 404 }));

    await expectAsync(fetchConfigJson('config.json', fetchConfig)).toBeRejectedWithError(
      Error,
      'The app could not load its configuration (config.json answered 404).',
    );
  });

  it('rejects with a readable message when the file is not JSON', async () => {
    const fetchConfig = () => Promise.resolve(jsonResponse('<!doctype html><title>SPA</title>'));

    await expectAsync(fetchConfigJson('config.json', fetchConfig)).toBeRejectedWithError(
      Error,
      'The app could not load its configuration (config.json: not valid JSON).',
    );
  });
});

describe('loadAuthConfig', () => {
  it('reads the Okta settings of an app from its config.json, with the defaults filled in', async () => {
    const fetchConfig = jasmine
      .createSpy<(url: string) => Promise<Response>>('fetchConfig')
      .and.resolveTo(jsonResponse(JSON.stringify(OKTA_SETTINGS)));

    const config = await loadAuthConfig(undefined, fetchConfig);

    expect(fetchConfig).toHaveBeenCalledOnceWith('config.json');
    expect(config.issuer).toBe(OKTA_SETTINGS.issuer);
    expect(config.clientId).toBe(OKTA_SETTINGS.clientId);
    expect(config.scopes).toEqual(['openid', 'profile', 'email', 'offline_access']);
    // Without apiOrigins, the access token goes nowhere: an app opts its API in.
    expect(config.apiOrigins).toEqual([]);
    expect(config.dpop).toBeTrue();
  });

  it('rejects with the validation sentence when the file holds bad settings', async () => {
    const fetchConfig = () =>
      Promise.resolve(
        jsonResponse(JSON.stringify({ ...OKTA_SETTINGS, issuer: 'https://{yourOktaDomain}' })),
      );

    await expectAsync(loadAuthConfig('config.json', fetchConfig)).toBeRejectedWithError(
      AuthConfigError,
      /^issuer still holds a placeholder/,
    );
  });
});

describe('config.json embedded in the page', () => {
  let block: HTMLScriptElement;
  let fetchConfig: jasmine.Spy<(url: string) => Promise<Response>>;

  beforeEach(() => {
    block = embeddedConfigBlock();
    fetchConfig = jasmine
      .createSpy('fetchConfig')
      .and.callFake(() => Promise.resolve(jsonResponse(JSON.stringify(OKTA_SETTINGS))));
  });

  afterEach(() => block.remove());

  it('gives the Okta settings from the page without fetching config.json', async () => {
    block.textContent = JSON.stringify({ ...OKTA_SETTINGS, scopes: ['openid'] });

    const config = await loadAuthConfig(undefined, fetchConfig);

    expect(fetchConfig).not.toHaveBeenCalled();
    expect(config.issuer).toBe(OKTA_SETTINGS.issuer);
    expect(config.scopes).toEqual(['openid']);
  });

  it('takes the page’s copy when the block holds one, and fetches the file when it is empty', async () => {
    block.textContent = JSON.stringify({ from: 'page' });
    expect(await fetchConfigJson('config.json', fetchConfig)).toEqual({ from: 'page' });
    expect(fetchConfig).not.toHaveBeenCalled();

    block.textContent = ' \n ';
    expect(await fetchConfigJson('config.json', fetchConfig)).toEqual(OKTA_SETTINGS);
    expect(fetchConfig).toHaveBeenCalledOnceWith('config.json');
  });

  it('refuses a block that is not JSON with a readable sentence, and does not fetch the file instead', async () => {
    block.textContent = '{"issuer": "https://dev-123456.okta.com/oauth2/default",';

    await expectAsync(loadAuthConfig(undefined, fetchConfig)).toBeRejectedWithError(
      Error,
      'The app could not load its configuration (config.json embedded in the page: not valid JSON).',
    );
    expect(fetchConfig).not.toHaveBeenCalled();
  });

  const badSettings: [string, unknown][] = [
    ['a placeholder issuer', { ...OKTA_SETTINGS, issuer: 'https://{yourOktaDomain}' }],
    ['a missing clientId', { issuer: OKTA_SETTINGS.issuer }],
    ['a bad token storage', { ...OKTA_SETTINGS, tokenStorage: 'cookie' }],
    ['JSON that is not an object', 'settings'],
  ];
  for (const [what, bad] of badSettings) {
    it(`refuses ${what} in the page with the error it gives in the file`, async () => {
      const fetchBad = () => Promise.resolve(jsonResponse(JSON.stringify(bad)));
      const fromFile = await loadOutcome(loadAuthConfig(undefined, fetchBad));
      block.textContent = JSON.stringify(bad);

      const fromPage = await loadOutcome(loadAuthConfig(undefined, fetchConfig));

      expect(fromFile).not.toBe('accepted');
      expect(fromPage).toEqual(fromFile);
      expect(fetchConfig).not.toHaveBeenCalled();
    });
  }
});
