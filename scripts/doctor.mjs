// `npm run doctor`: checks the Okta org (or the running embedded provider) that `npm start` would
// use, from outside and before anyone signs in, and says for each problem how to fix it.
// `--json` prints { ok, checks } instead. Exit code 1 when a check fails.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkIssuerShape, runChecks } from './doctor-checks.mjs';
import { readEnvironment, resolveSettings, SettingsError } from './settings.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const LABELS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/**
 * Runs the doctor with the settings of `root`'s `.env` and `.okta.env` and `env`, and writes its
 * report to `write`. Resolves to the exit code.
 */
export async function doctor({
  root: folder = root,
  env = process.env,
  args = [],
  fetch = globalThis.fetch,
  now = Date.now,
  write = (text) => process.stdout.write(text),
} = {}) {
  const json = args.includes('--json');
  const { heading, checks } = await examine({ folder, env, fetch, now });
  const ok = !checks.some(({ status }) => status === 'fail');
  write(json ? `${JSON.stringify({ ok, checks }, null, 2)}\n` : formatReport(heading, checks));
  return ok ? 0 : 1;
}

async function examine({ folder, env, fetch, now }) {
  const vars = readEnvironment(folder, env);
  let settings;
  try {
    settings = resolveSettings(vars);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return {
      heading: 'Checking the settings in .env, .okta.env and the environment',
      checks: settingsFailure(vars, error),
    };
  }
  const { auth, devProvider } = settings;
  const heading = devProvider
    ? `Checking the embedded provider at ${auth.issuer} (OKTA_ISSUER is not set)`
    : `Checking your Okta org at ${auth.issuer}, client id ${auth.clientId}, app ${settings.appOrigin}`;
  const checks = await runChecks(settings, { fetch, now, appConfig: readAppConfig(folder, vars) });
  return { heading, checks };
}

/**
 * Settings that `npm start` refuses: the issuer's own check when the issuer is what is wrong (it
 * names the fix), else the sentence settings.mjs says; nothing else can be checked.
 */
function settingsFailure(vars, error) {
  const issuer = checkIssuerShape(vars.OKTA_ISSUER);
  const variable = /^[A-Z][A-Z0-9_]+/.exec(error.message)?.[0];
  const first =
    issuer.status === 'fail' && (!variable || variable === 'OKTA_ISSUER')
      ? issuer
      : {
          id: 'settings',
          title: 'Settings',
          status: 'fail',
          detail: error.message.replace(/\.$/, ''),
          fix: `Correct ${variable ?? 'the setting named above'} in .env or the environment.`,
        };
  return [
    first,
    {
      id: 'checks',
      title: 'Other checks',
      status: 'skip',
      detail: 'npm start would refuse these settings, so nothing else was checked',
      fix: null,
    },
  ];
}

/** serve:prod's APP_CONFIG_FILE, read as serve.mjs reads it (relative paths from the project). */
function readAppConfig(folder, vars) {
  const path = vars.APP_CONFIG_FILE;
  if (!path) return null;
  try {
    return { path, text: readFileSync(resolve(folder, path), 'utf8') };
  } catch (error) {
    return { path, error: error.code ?? error.message };
  }
}

/** One line per check, the fix under anything but a pass, and a summary line. */
export function formatReport(heading, checks) {
  const lines = [heading, ''];
  for (const { status, title, detail, fix } of checks) {
    lines.push(`${LABELS[status]}  ${title}: ${detail}`);
    if (status !== 'pass' && fix) lines.push(`      Fix: ${fix}`);
  }
  const count = (status) => checks.filter((check) => check.status === status).length;
  const [failed, warned, skipped] = [count('fail'), count('warn'), count('skip')];
  lines.push(
    '',
    `${count('pass')} passed, ${warned} ${warned === 1 ? 'warning' : 'warnings'}, ${failed} failed, ${skipped} skipped.`,
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await doctor({ args: process.argv.slice(2) });
}
