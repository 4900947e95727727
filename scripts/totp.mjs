// `npm run totp`: the code each demo user's authenticator app would show now, for signing in to the
// embedded provider with a second factor without a phone. Reads DEV_PROVIDER_TOTP_SECRET from the
// environment, as the provider does. Exit code 1 when that setting is malformed.
import { fileURLToPath } from 'node:url';
import { demoUserTotps } from '../dev-provider/accounts.mjs';
import { parseTotpSecret, SettingsError } from '../dev-provider/settings.mjs';

/** Writes the report for `env` at `now` (ms) with `write`; returns the exit code. */
export function totp({
  env = process.env,
  now = Date.now(),
  write = (text) => process.stdout.write(text),
} = {}) {
  let totpSecret;
  try {
    totpSecret = parseTotpSecret(env.DEV_PROVIDER_TOTP_SECRET?.trim() || undefined);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    write(`${err.message}\n`);
    return 1;
  }
  const users = demoUserTotps({ totpSecret, now });
  const width = Math.max(...users.map(({ email }) => email.length));
  const lines = [
    'Codes of the demo users (embedded provider only; each is accepted once):',
    ...users.map(
      ({ email, code, next, secondsLeft }) =>
        `  ${email.padEnd(width)}  ${code}  (${secondsLeft} s left; then ${next}, which is also accepted now)`,
    ),
    '',
  ];
  write(lines.join('\n'));
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = totp();
}
