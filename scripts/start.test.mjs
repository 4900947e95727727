// `npm start`'s plan (start-plan.mjs): which servers it runs and with what environment.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { childEnv } from './processes.mjs';
import { resolveSettings } from './settings.mjs';
import { hostAppConfig, planStart } from './start-plan.mjs';
import { spawnServer } from './testing/spawn-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ORG = {
  OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
  OKTA_CLIENT_ID: '0oa1realclient',
};
const PROVIDER_READY = /^Dev OpenID provider ready at (http:\/\/localhost:\d+)\/oauth2\/default$/m;

const plan = (vars) => planStart(resolveSettings(vars), { root });
const server = (servers, name) => servers.find((entry) => entry.name === name);

describe('npm start', () => {
  it('with no configuration runs the embedded provider, the API and the app', () => {
    assert.deepEqual(
      plan({}).map(({ name }) => name),
      ['provider', 'api', 'app'],
    );
  });

  it('for an app of your own (npm run servers) runs the provider and the API, not this app', () => {
    assert.deepEqual(
      planStart(resolveSettings({}), { root, withApp: false }).map(({ name }) => name),
      ['provider', 'api'],
    );
  });

  it("tells an app of your own the config.json that matches the servers' settings", () => {
    assert.deepEqual(hostAppConfig(resolveSettings({ APP_PORT: '4300' })), {
      issuer: 'http://localhost:3000/oauth2/default',
      clientId: '0oadevspaclient00001',
      apiOrigins: ['http://localhost:8000'],
    });
    assert.deepEqual(hostAppConfig(resolveSettings({ ...ORG, OKTA_DPOP: 'false' })), {
      issuer: ORG.OKTA_ISSUER,
      clientId: ORG.OKTA_CLIENT_ID,
      apiOrigins: ['http://localhost:8000'],
      dpop: false,
    });
  });

  it("gives the API the audit log's step-up settings from .env", () => {
    const { env } = server(plan({ API_ADMIN_ACR: 'phr', API_ADMIN_MAX_AGE: '60' }), 'api');
    assert.equal(env.API_ADMIN_ACR, 'phr');
    assert.equal(env.API_ADMIN_MAX_AGE, '60');
    assert.equal(server(plan({}), 'api').env.API_ADMIN_ACR, undefined);
  });

  it('with an Okta org runs no provider', () => {
    assert.deepEqual(
      plan(ORG).map(({ name }) => name),
      ['api', 'app'],
    );
  });

  it("forces the provider's fault switch off whatever the shell says", () => {
    const { env } = server(plan({ DEV_PROVIDER_FAULTS: 'on' }), 'provider');
    assert.equal(env.DEV_PROVIDER_FAULTS, 'off');
    assert.equal(childEnv(env, { DEV_PROVIDER_FAULTS: 'on' }).DEV_PROVIDER_FAULTS, 'off');
  });

  it(
    'starts a provider whose fault switch stays off with DEV_PROVIDER_FAULTS=on in the shell',
    { timeout: 20_000 },
    async () => {
      const shell = { PATH: process.env.PATH, DEV_PROVIDER_FAULTS: 'on' };
      const { args, env } = server(plan({}), 'provider');
      // Port 0 instead of npm start's fixed port, so that the test can run beside anything.
      const asStarted = spawnServer(args[0], {
        env: childEnv({ ...env, DEV_PROVIDER_PORT: '0' }, shell),
      });
      // The control: the same provider with the shell's setting does turn the switch on, so the
      // 404 below means "off", not "the test API moved".
      const withShellSetting = spawnServer(args[0], {
        env: childEnv({ ...env, DEV_PROVIDER_PORT: '0', DEV_PROVIDER_FAULTS: 'on' }),
      });
      try {
        const [[, origin], [, controlOrigin]] = await Promise.all([
          asStarted.waitFor(PROVIDER_READY),
          withShellSetting.waitFor(PROVIDER_READY),
        ]);
        assert.equal((await fetch(`${controlOrigin}/__test__/stats`)).status, 200);
        assert.match(withShellSetting.output.stdout, /Fault switch ON/);

        const testApi = await fetch(`${origin}/__test__/stats`);
        assert.equal(testApi.status, 404);
        assert.doesNotMatch(asStarted.output.stdout, /Fault switch ON/);
      } finally {
        await Promise.all([asStarted.stop(), withShellSetting.stop()]);
      }
    },
  );

  it("lets the API accept the app's own client by default", () => {
    assert.equal(server(plan({}), 'api').env.API_CLIENT_IDS, '0oadevspaclient00001');
    assert.equal(
      server(plan({ DEV_PROVIDER_CLIENT_ID: '0oadevother' }), 'api').env.API_CLIENT_IDS,
      '0oadevother',
    );
    assert.equal(server(plan(ORG), 'api').env.API_CLIENT_IDS, ORG.OKTA_CLIENT_ID);
  });

  it('passes API_CLIENT_IDS and API_REQUIRED_SCOPES from .env or the shell to the API', () => {
    const { env } = server(
      plan({ ...ORG, API_CLIENT_IDS: '0oa1realclient,0oa2other', API_REQUIRED_SCOPES: 'x:read' }),
      'api',
    );
    assert.equal(env.API_CLIENT_IDS, '0oa1realclient,0oa2other');
    assert.equal(env.API_REQUIRED_SCOPES, 'x:read');
    assert.equal('API_REQUIRED_SCOPES' in server(plan(ORG), 'api').env, false);
  });

  it('requires DPoP at the embedded provider and the API by default, as OKTA_DPOP says', () => {
    assert.equal(server(plan({}), 'provider').env.DEV_PROVIDER_DPOP, 'required');
    assert.equal(server(plan({}), 'api').env.API_DPOP, 'required');
    assert.equal(server(plan({ OKTA_DPOP: 'false' }), 'provider').env.DEV_PROVIDER_DPOP, 'off');
    assert.equal(server(plan({ OKTA_DPOP: 'false' }), 'api').env.API_DPOP, 'allowed');
    assert.equal(server(plan({ OKTA_DPOP_ALLOW_BEARER: 'true' }), 'api').env.API_DPOP, 'allowed');
    assert.equal(server(plan(ORG), 'api').env.API_DPOP, 'required');
  });

  it('tells the API its public URL, which DPoP proofs name, from API_URL', () => {
    const { env } = server(
      plan({ API_URL: 'https://api.example.com/v1', API_PORT: '8000' }),
      'api',
    );
    assert.equal(env.API_PUBLIC_URL, 'https://api.example.com/v1');
  });
});
