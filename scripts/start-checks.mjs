// The quick checks `npm start` runs before it starts anything, when a real Okta org is configured:
// the doctor's checks that take one short request each. A problem is printed prominently, but the
// start goes on, so that the developer can still look around.
import { runChecks } from './doctor-checks.mjs';
import { formatReport } from './doctor.mjs';

/**
 * The report to print before the start, or '' when every quick check passed (or there is nothing
 * to check: the embedded provider starts with the app). Never throws.
 */
export async function quickCheckReport(
  settings,
  { fetch = globalThis.fetch, now = Date.now } = {},
) {
  if (settings.devProvider) return '';
  let checks;
  try {
    checks = await runChecks(settings, { quick: true, fetch, now });
  } catch (error) {
    return `\n  The quick checks of your Okta org could not run (${error.message}); try npm run doctor.\n`;
  }
  const problems = checks.filter(({ status }) => status === 'fail' || status === 'warn');
  if (!problems.length) return '';
  const failed = problems.some(({ status }) => status === 'fail');
  const banner = failed
    ? '!! Your Okta org is not set up for this app yet: sign-in will fail until these are fixed.'
    : 'Your Okta org works with this app, with these warnings.';
  return [
    '',
    `  ${banner}`,
    '',
    formatReport(`Quick checks of ${settings.auth.issuer}:`, problems)
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n'),
    '  npm run doctor runs every check. The app starts anyway.',
    '',
  ].join('\n');
}
