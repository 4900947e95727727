import { AuthConfigError } from './auth-config';
import { fetchConfigJson, loadAuthConfig } from './load-auth-config';

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
