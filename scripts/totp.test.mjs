// `npm run totp`: the demo users' current codes, from their secrets or DEV_PROVIDER_TOTP_SECRET.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEMO_USERS } from '../dev-provider/accounts.mjs';
import { totpCode } from '../dev-provider/totp.mjs';
import { totp } from './totp.mjs';

function run(env, now) {
  let text = '';
  const code = totp({ env, now, write: (chunk) => (text += chunk) });
  return { code, text };
}

test("prints each demo user's current code, its seconds left and the next code", () => {
  const now = 1_700_000_005_000;
  const { code, text } = run({}, now);
  assert.equal(code, 0);
  for (const user of DEMO_USERS) {
    const current = totpCode(user.totpSecret, { time: now });
    const next = totpCode(user.totpSecret, { time: now + 30_000 });
    assert.match(
      text,
      new RegExp(
        `\\n  ${user.email.replaceAll('.', '\\.')} +${current}  \\(5 s left; then ${next},`,
      ),
    );
  }
});

test('uses DEV_PROVIDER_TOTP_SECRET for every user, and refuses a malformed one with exit code 1', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const { text } = run({ DEV_PROVIDER_TOTP_SECRET: secret }, 59_000);
  assert.equal(text.match(/ 287082 /g)?.length, DEMO_USERS.length);

  const bad = run({ DEV_PROVIDER_TOTP_SECRET: 'not base32!' }, 59_000);
  assert.equal(bad.code, 1);
  assert.match(bad.text, /^DEV_PROVIDER_TOTP_SECRET must be a base32 secret/);
});
