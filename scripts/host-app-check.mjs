// `npm run test:host-app` (run by .ci/run): proves that src/app/auth/ lifts into an app of your
// own. It copies the `ng new` app in e2e/host-app to .host-app/, follows the README's "Add it to
// your app" and nothing else (host-app-steps.mjs), starts what `npm run servers` starts (on free
// ports, ignoring .env: test traffic stays on this machine) and `ng serve`, then in Chromium opens
// a guarded page, signs in at the embedded provider, sees the ID token's e-mail and the API's
// answer, and signs out. Exit code 1, with the reason, on any failure.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
import {
  importedPackages,
  installedPackages,
  installProblems,
  mergeBuildOptions,
  readGuide,
} from './host-app-steps.mjs';
import { startProcess, stopAll, waitForUrl } from './processes.mjs';
import { resolveSettings } from './settings.mjs';
import { hostAppConfig, planStart } from './start-plan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const host = join(root, '.host-app');
const authFolder = join(root, 'src/app/auth');
const started = Date.now();
const log = (line) => console.log(`[host-app] ${line}`);

/** The origins the guide's samples name (npm run servers' defaults), moved to free ports here. */
const GUIDE_ORIGINS = {
  provider: 'http://localhost:3000',
  api: 'http://localhost:8000',
  app: 'http://localhost:4200',
};

const children = [];
let browser;
try {
  const steps = readGuide(readFileSync(join(root, 'README.md'), 'utf8'));
  const ports = { provider: await freePort(), api: await freePort(), app: await freePort() };
  const origin = (name) => `http://localhost:${ports[name]}`;
  const onTheseOrigins = (text) =>
    Object.entries(GUIDE_ORIGINS).reduce(
      (result, [name, guideOrigin]) => result.replaceAll(guideOrigin, origin(name)),
      text,
    );

  rmSync(host, { recursive: true, force: true });
  cpSync(join(root, 'e2e/host-app'), host, { recursive: true });
  // Hard links: a real node_modules folder (a symlinked one breaks angular.json's fileReplacements),
  // in a second instead of an install.
  execFileSync('cp', ['-al', join(root, 'node_modules'), join(host, 'node_modules')]);

  for (const { action, target, code } of steps) {
    log(`${action} ${target}`.trim());
    if (action === 'install') {
      const dependencies = JSON.parse(
        readFileSync(join(root, 'package.json'), 'utf8'),
      ).dependencies;
      const problems = installProblems(
        installedPackages(code),
        dependencies,
        importedPackages(authFolder),
        'src/app/auth',
      );
      if (problems.length) throw new Error(problems.join('\n'));
    } else if (action === 'copy') {
      cpSync(join(root, target), join(host, target), { recursive: true });
    } else if (action === 'write') {
      if (target === 'public/config.json') {
        const expected = hostAppConfig(resolveSettings({}));
        if (JSON.stringify(JSON.parse(code)) !== JSON.stringify(expected)) {
          throw new Error(
            `The guide's config.json differs from what npm run servers prints:\n${JSON.stringify(expected, null, 2)}`,
          );
        }
      }
      writeFileSync(join(host, target), onTheseOrigins(code));
    } else if (action === 'merge') {
      const file = join(host, 'angular.json');
      const merged = mergeBuildOptions(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(code));
      writeFileSync(file, JSON.stringify(merged, null, 2));
    } else if (action === 'run') {
      const commands = code
        .split('\n')
        .map((line) => line.replace(/#.*/, '').trim())
        .filter(Boolean);
      if (commands.join(' | ') !== 'npm run servers | ng serve') {
        throw new Error(
          `The guide's run step says "${commands.join(' | ')}"; the check knows "npm run servers | ng serve".`,
        );
      }
    }
  }

  // `npm run servers`, as planned from these settings alone (no .env).
  const settings = resolveSettings({
    APP_PORT: String(ports.app),
    API_URL: origin('api'),
    DEV_PROVIDER_PORT: String(ports.provider),
  });
  const waits = [];
  for (const { name, command, args, env, readyUrl } of planStart(settings, {
    root,
    withApp: false,
  })) {
    children.push(startProcess(name, command, args, env));
    waits.push(waitForUrl(readyUrl));
  }
  const ngServe = startProcess(
    'ng serve',
    process.execPath,
    [join(host, 'node_modules/@angular/cli/bin/ng.js'), 'serve', '--port', String(ports.app)],
    { NG_CLI_ANALYTICS: 'false' },
    { cwd: host },
  );
  children.push(ngServe);
  // ng serve keeps serving after a failed build; the check stops at once, with the build's errors
  // above (a file the auth folder needs from elsewhere shows up here).
  const buildFailed = new Promise((_, reject) => {
    ngServe.stdout.on('data', (chunk) => {
      if (/bundle generation failed/i.test(String(chunk))) {
        reject(new Error('the host app does not build (see the errors above)'));
      }
    });
  });
  waits.push(
    Promise.race([waitForUrl(`${origin('app')}/config.json`, { timeoutMs: 300_000 }), buildFailed]),
  );
  await Promise.all(waits);
  log(`servers up after ${seconds()} s`);

  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Refused requests are logged by the browser itself, the DPoP nonce challenge at /v1/token
  // included (a 400 by design); what counts are the app's own errors.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });

  const [user] = DEMO_USERS;
  // A deep link to a guarded page goes to the provider and comes back to that page.
  await page.goto(`${origin('app')}/profile`);
  await page.getByLabel('Username').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Signed in as ${user.email}` }).waitFor();
  await page.waitForURL(`${origin('app')}/profile`);
  // The interceptor sent the access token (with its DPoP proof) and the API accepted it.
  await page.getByText(/^The API has [1-9]\d* messages for you\.$/).waitFor();
  log(`signed in and called the API after ${seconds()} s`);

  // Sign-out goes through the provider's /v1/logout and comes back to the app's origin.
  const loggedOut = page.waitForRequest((request) => request.url().includes('/v1/logout'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await loggedOut;
  await page.waitForURL(`${origin('app')}/`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  // The Okta session ended too: the guarded page asks for the password again.
  await page.goto(`${origin('app')}/profile`);
  await page.getByLabel('Password').waitFor();
  if (errors.length) throw new Error(`The browser reported errors:\n${errors.join('\n')}`);
  log(`passed: signed in, called the API and signed out, in ${seconds()} s`);
} catch (error) {
  console.error(`[host-app] FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await stopAll(children);
}

function seconds() {
  return ((Date.now() - started) / 1000).toFixed(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
