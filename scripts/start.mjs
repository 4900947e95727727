// `npm start`: the app (ng serve), the sample API and, when no Okta org is configured, the
// embedded Okta-compatible provider. Prints where to go once everything answers; Ctrl-C stops all.
// `npm run servers` (--servers-only): the same without the app, for an app of your own that
// follows the README's "Add it to your app"; it prints the config.json that app needs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_USERS, demoUserTotpLines } from '../dev-provider/accounts.mjs';
import { startProcess, stopAll, waitForUrl } from './processes.mjs';
import { loadSettingsOrExit } from './settings.mjs';
import { quickCheckReport } from './start-checks.mjs';
import { hostAppConfig, planStart } from './start-plan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const settings = loadSettingsOrExit(root);
const withApp = !process.argv.includes('--servers-only');

// ng serve serves .runtime/config.json as /config.json (see angular.json, development assets).
const runtimeDir = join(root, '.runtime');
mkdirSync(runtimeDir, { recursive: true });
writeFileSync(
  join(runtimeDir, 'config.json'),
  JSON.stringify(settings.runtimeConfig, null, 2) + '\n',
);

// With a real org, its set-up is checked first (a few seconds at most); problems do not block.
const report = await quickCheckReport(settings);
if (report) console.error(report);

const { auth, devProvider } = settings;
const children = [];
const waits = [];

for (const { name, command, args, env, readyUrl, readyTimeoutMs } of planStart(settings, {
  root,
  withApp,
})) {
  const child = startProcess(name, command, args, env);
  children.push(child);
  waits.push(waitForUrl(readyUrl, { ...alive(child), timeoutMs: readyTimeoutMs }));
}

for (const child of children) {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\nA server stopped unexpectedly (exit ${code ?? signal}); stopping the others.`);
    void shutdown(1);
  });
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  await stopAll(children);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await Promise.all(waits);
} catch (error) {
  console.error(`\nStart-up failed: ${error.message}`);
  await shutdown(1);
}

const lines = [
  '',
  ...(withApp
    ? [`  Open ${settings.appOrigin} and choose "Sign in".`]
    : [
        `  For your app at ${settings.appOrigin} (redirect URI ${settings.appOrigin}/login/callback),`,
        '  serve this as its public/config.json:',
        '',
        ...JSON.stringify(hostAppConfig(settings), null, 2)
          .split('\n')
          .map((line) => `    ${line}`),
      ]),
  '',
  devProvider
    ? `  Identity provider: the embedded Okta-compatible provider at ${auth.issuer}`
    : `  Identity provider: your Okta org at ${auth.issuer}`,
  `  Sample API:        ${settings.apiUrl}`,
];
if (devProvider) {
  lines.push('', '  Demo users (password for both shown):');
  for (const user of DEMO_USERS) {
    lines.push(`    ${user.email.padEnd(22)} ${user.password}   groups: ${user.groups.join(', ')}`);
  }
  // /admin asks for a second factor: a code from an authenticator app enrolled with these
  // (or from npm run totp, for a try without a phone).
  lines.push('', '  Second factor (TOTP) for /admin:');
  for (const line of demoUserTotpLines({ totpSecret: process.env.DEV_PROVIDER_TOTP_SECRET })) {
    lines.push(`    ${line}`);
  }
}
lines.push('', '  Press Ctrl-C to stop.', '');
console.log(lines.join('\n'));

function alive(child) {
  return { isAlive: () => child.exitCode === null && child.signalCode === null };
}
