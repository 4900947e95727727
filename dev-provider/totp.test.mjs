// The TOTP codes of the second factor (RFC 6238, RFC 4226 and their test vectors), the verifier's
// rules for drift, reuse and lockout on a fake clock, and what `npm start` prints of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEMO_USERS, demoUserTotpLines, demoUserTotps, TOTP_ISSUER } from './accounts.mjs';
import {
  base32Decode,
  base32Encode,
  createTotpVerifier,
  hotp,
  MAX_WRONG_CODES,
  otpauthUri,
  secondsLeft,
  timeStep,
  totpCode,
} from './totp.mjs';

// The RFC 4226 / RFC 6238 SHA-1 test key, "12345678901234567890" in ASCII.
const RFC_KEY = Buffer.from('12345678901234567890');
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('codes', () => {
  test('base32 follows RFC 4648 and takes secrets as authenticator apps show them', () => {
    assert.equal(base32Encode(RFC_KEY), RFC_SECRET);
    assert.deepEqual(base32Decode(RFC_SECRET), RFC_KEY);
    assert.deepEqual(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq'), RFC_KEY);
    // RFC 4648 §10 test vectors.
    for (const [plain, encoded] of [
      ['f', 'MY======'],
      ['fo', 'MZXQ===='],
      ['foo', 'MZXW6==='],
      ['foob', 'MZXW6YQ='],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI======'],
    ]) {
      assert.equal(base32Encode(Buffer.from(plain)), encoded.replace(/=+$/, ''));
      assert.equal(base32Decode(encoded).toString(), plain);
    }
    assert.throws(() => base32Decode('MZXW1'), { name: 'TypeError' });
  });

  test('HOTP matches the RFC 4226 Appendix D test values', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expected.forEach((code, counter) => assert.equal(hotp(RFC_KEY, counter), code));
  });

  test('TOTP matches the RFC 6238 Appendix B SHA-1 test values, and 6-digit codes are their last digits', () => {
    for (const [seconds, code] of [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ]) {
      const time = seconds * 1000;
      assert.equal(totpCode(RFC_SECRET, { time, digits: 8 }), code, `T = ${seconds}`);
      assert.equal(totpCode(RFC_SECRET, { time }), code.slice(2), `T = ${seconds}`);
    }
    assert.equal(timeStep(59_000), 1);
    assert.equal(secondsLeft(59_000), 1);
    assert.equal(secondsLeft(60_000), 30);
  });

  test("the key URI follows Google Authenticator's format, with issuer, SHA1, 6 digits and 30 seconds", () => {
    assert.equal(
      otpauthUri({
        issuer: TOTP_ISSUER,
        account: 'ada@example.com',
        secret: 'gezd gnbv gy3t qojq',
      }),
      'otpauth://totp/Dev%20OpenID%20Provider:ada%40example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Dev%20OpenID%20Provider&algorithm=SHA1&digits=6&period=30',
    );
  });
});

describe('the verifier', () => {
  const USER = { id: '00utest' };
  const OTHER = { id: '00uother' };
  // A step boundary: the clock starts at the beginning of step 1000.
  const START = 1000 * 30_000;

  function verifier({ lockoutSeconds = 300 } = {}) {
    const clock = { now: START };
    return {
      clock,
      ...createTotpVerifier({
        secretFor: () => RFC_SECRET,
        lockoutSeconds,
        now: () => clock.now,
      }),
    };
  }
  const codeAt = (step) => totpCode(RFC_SECRET, { step });

  test('accepts the current step and one step either side, not two', () => {
    for (const [offset, outcome] of [
      [-2, 'wrong'],
      [-1, 'accepted'],
      [0, 'accepted'],
      [1, 'accepted'],
      [2, 'wrong'],
    ]) {
      const { verify } = verifier();
      assert.equal(verify(USER, codeAt(1000 + offset)).outcome, outcome, `step ${offset}`);
    }
  });

  test('takes the code with spaces and refuses anything but 6 digits', () => {
    const { verify } = verifier();
    const code = codeAt(1000);
    assert.equal(verify(USER, `${code.slice(0, 3)} ${code.slice(3)}`).outcome, 'accepted');
    for (const typed of [undefined, '', '12345', '1234567', 'abcdef', `${codeAt(1001)}0`]) {
      assert.equal(verifier().verify(USER, typed).outcome, 'wrong', String(typed));
    }
  });

  test("refuses a code already used, and any older step's, per user, without counting them as wrong", () => {
    const { verify } = verifier();
    assert.equal(verify(USER, codeAt(1000)).outcome, 'accepted');
    assert.equal(verify(USER, codeAt(1000)).outcome, 'reused');
    assert.equal(verify(USER, codeAt(999)).outcome, 'reused');
    assert.equal(verify(OTHER, codeAt(1000)).outcome, 'accepted', 'another user');
    for (let i = 0; i < MAX_WRONG_CODES + 1; i += 1) {
      assert.equal(verify(USER, codeAt(1000)).outcome, 'reused');
    }
    assert.equal(verify(USER, codeAt(1001)).outcome, 'accepted', 'not locked by reuses');
  });

  test(`locks after ${MAX_WRONG_CODES} wrong codes in a row for lockoutSeconds, whatever is typed, then counts afresh`, () => {
    const { verify, lockedFor, clock } = verifier({ lockoutSeconds: 300 });
    for (let attempt = 1; attempt < MAX_WRONG_CODES; attempt += 1) {
      assert.deepEqual(verify(USER, '000000'), {
        outcome: 'wrong',
        attemptsLeft: MAX_WRONG_CODES - attempt,
      });
    }
    assert.deepEqual(verify(USER, '000000'), { outcome: 'locked', secondsLeft: 300 });
    assert.equal(lockedFor(USER), 300);
    assert.equal(lockedFor(OTHER), 0);

    clock.now += 299_500;
    assert.deepEqual(verify(USER, totpCode(RFC_SECRET, { time: clock.now })), {
      outcome: 'locked',
      secondsLeft: 1,
    });
    clock.now += 500;
    assert.equal(lockedFor(USER), 0);
    assert.deepEqual(verify(USER, '000000'), { outcome: 'wrong', attemptsLeft: 4 });
    assert.equal(verify(USER, totpCode(RFC_SECRET, { time: clock.now })).outcome, 'accepted');
  });

  test('a right code clears the count of wrong ones', () => {
    const { verify } = verifier();
    for (let attempt = 1; attempt < MAX_WRONG_CODES; attempt += 1) verify(USER, '000000');
    assert.equal(verify(USER, codeAt(1000)).outcome, 'accepted');
    assert.deepEqual(verify(USER, '000000'), { outcome: 'wrong', attemptsLeft: 4 });
  });
});

describe("the demo users' authenticators", () => {
  test('each demo user has a base32 secret of 160 bits, and npm start can print its enrolment and code', () => {
    const now = 1_700_000_000_000;
    const totps = demoUserTotps({ now });
    assert.deepEqual(
      totps.map(({ email }) => email),
      DEMO_USERS.map(({ email }) => email),
    );
    for (const [index, user] of DEMO_USERS.entries()) {
      const { secret, uri, code, next, secondsLeft: left } = totps[index];
      assert.equal(base32Decode(user.totpSecret).length, 20);
      assert.equal(secret, user.totpSecret);
      assert.equal(code, totpCode(secret, { time: now }));
      assert.equal(next, totpCode(secret, { time: now + 30_000 }));
      assert.equal(left, 10);
      assert.ok(
        uri.startsWith(
          `otpauth://totp/Dev%20OpenID%20Provider:${encodeURIComponent(user.email)}?secret=${secret}&`,
        ),
      );
    }
    assert.notEqual(totps[0].secret, totps[1].secret);

    const lines = demoUserTotpLines({ now });
    assert.equal(lines.length, DEMO_USERS.length * 3);
    assert.equal(lines[0], `ada@example.com: TOTP secret ${DEMO_USERS[0].totpSecret} (demo only)`);
    assert.equal(lines[1], `  enrol: ${totps[0].uri}`);
    assert.equal(
      lines[2],
      `  code now: ${totps[0].code} (10 s left; npm run totp prints fresh ones)`,
    );
  });

  test("DEV_PROVIDER_TOTP_SECRET replaces every user's secret in what is printed", () => {
    const totps = demoUserTotps({ totpSecret: RFC_SECRET, now: 59_000 });
    for (const { secret, code } of totps) {
      assert.equal(secret, RFC_SECRET);
      assert.equal(code, '287082');
    }
  });
});
