// npm start's quick checks of a real Okta org (start-checks.mjs), against the embedded provider
// standing in for an org, set up well and badly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULTS as PROVIDER_DEFAULTS } from '../dev-provider/settings.mjs';
import { useDevProvider } from '../dev-provider/testing/provider.mjs';
import { resolveSettings } from './settings.mjs';
import { quickCheckReport } from './start-checks.mjs';

/** The settings of an app pointed at `issuer` as if it were an Okta org. */
const asOrg = (issuer) =>
  resolveSettings({ OKTA_ISSUER: issuer, OKTA_CLIENT_ID: PROVIDER_DEFAULTS.clientId });

describe('npm start, with an org set up well', () => {
  const context = useDevProvider({ port: 0 });

  it('prints nothing', async () => {
    assert.equal(await quickCheckReport(asOrg(context.issuer)), '');
  });
});

describe('npm start, with an org that does not trust the app and lacks the refresh grant', () => {
  const context = useDevProvider({
    port: 0,
    trustedOrigins: ['http://localhost:4300'],
    grantTypes: ['authorization_code'],
  });

  it('prints each failure with its fix, and says the app starts anyway', async () => {
    const report = await quickCheckReport(asOrg(context.issuer));
    assert.match(report, /!! Your Okta org is not set up for this app yet/);
    assert.match(report, /FAIL {2}CORS \(Trusted Origin\)/);
    assert.match(report, /Fix: Add http:\/\/localhost:4200 in Security → API → Trusted Origins/);
    assert.match(report, /FAIL {2}Refresh Token grant/);
    assert.doesNotMatch(report, /PASS/);
    assert.match(report, /npm run doctor runs every check\. The app starts anyway\./);
  });
});

describe('npm start with the embedded provider', () => {
  it('checks nothing: the provider starts with the app', async () => {
    let fetched = false;
    const report = await quickCheckReport(resolveSettings({}), {
      fetch: async () => {
        fetched = true;
        throw new Error('no request expected');
      },
    });
    assert.equal(report, '');
    assert.equal(fetched, false);
  });
});
