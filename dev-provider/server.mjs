// Entry point: `node dev-provider/server.mjs`. Reads DEV_PROVIDER_* once (see settings.mjs), starts
// the Okta-compatible dev provider and prints one ready line; Ctrl-C or SIGTERM stops it cleanly.
// A start-up problem prints one sentence and sets exit code 1.
import { startDevProvider, StartupError } from './create-server.mjs';
import { readSettings, SettingsError } from './settings.mjs';

try {
  const { issuer, testApiUrl, close } = await startDevProvider(readSettings(process.env));
  console.log(`Dev OpenID provider ready at ${issuer}`);
  if (testApiUrl) {
    // Said at every start, so that nobody mistakes a provider that misbehaves on purpose for a bug.
    console.log(
      `Fault switch ON (DEV_PROVIDER_FAULTS=on): ${testApiUrl}/ makes this provider misbehave on request. For security tests only.`,
    );
  }

  const stop = () => {
    close().catch((err) => {
      console.error('Dev OpenID provider did not stop cleanly:', err);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  if (!(err instanceof SettingsError || err instanceof StartupError)) throw err;
  console.error(`Dev OpenID provider cannot start: ${err.message}`);
  process.exitCode = 1;
}
