import { DEMO_USERS } from '../dev-provider/accounts.mjs';

/**
 * Ports and settings of the e2e stack. They differ from `npm start`'s defaults on purpose:
 * the app learns them only from its runtime configuration, never from code.
 */
const providerPort = Number(process.env['E2E_PROVIDER_PORT'] ?? 3100);
const apiPort = Number(process.env['E2E_API_PORT'] ?? 8100);
const appPort = Number(process.env['E2E_APP_PORT'] ?? 4300);
const clientId = '0oae2etestclient0001';

const issuer = `http://localhost:${providerPort}/oauth2/default`;
const appOrigin = `http://localhost:${appPort}`;
const apiUrl = `http://localhost:${apiPort}`;

export const E2E = {
  issuer,
  appOrigin,
  apiUrl,
  clientId,
  providerEnv: {
    DEV_PROVIDER_PORT: String(providerPort),
    DEV_PROVIDER_CLIENT_ID: clientId,
    DEV_PROVIDER_APP_ORIGINS: appOrigin,
  },
  apiEnv: { OKTA_ISSUER: issuer, API_PORT: String(apiPort), APP_ORIGINS: appOrigin },
  appEnv: {
    OKTA_ISSUER: issuer,
    OKTA_CLIENT_ID: clientId,
    OKTA_SCOPES: 'openid profile email offline_access',
    OKTA_TOKEN_STORAGE: 'sessionStorage',
    API_URL: apiUrl,
    APP_PORT: String(appPort),
  },
};

export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly name: string;
  readonly groups: readonly string[];
}

const [demo] = DEMO_USERS;
export const TEST_USER: TestUser = {
  username: demo.email,
  password: process.env['DEV_PROVIDER_PASSWORD'] ?? demo.password,
  name: demo.name,
  groups: demo.groups,
};
