// The second factor of the demo users: RFC 6238 time-based one-time passwords, as Okta Verify and
// Google Authenticator compute them (HMAC-SHA-1, 6 digits, 30-second steps), with RFC 4648 base32
// secrets and Google's otpauth:// key URIs. The verifier mirrors Okta's rules for wrong codes.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Seconds each code lasts (RFC 6238's default time step X). */
export const PERIOD_SECONDS = 30;
export const DIGITS = 6;
/**
 * Okta Identity Engine locks an authenticator after five wrong codes in a row, for five minutes
 * (Okta support, "OTP Verification Attempts Limitations"; "Configurable Lockout Settings for
 * Multi-Factor Authentication Failure Attempts"): the count is not configurable there either.
 */
export const MAX_WRONG_CODES = 5;
/** RFC 4226 §4 R6: the shared secret must have at least 128 bits. */
export const MIN_SECRET_BYTES = 16;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The bytes of an RFC 4648 base32 string. Authenticator apps show secrets in lower case or in
 * groups of four, so case, spaces and trailing `=` padding are ignored, and so are bits left over
 * after the last whole byte, as those apps ignore them. Throws a TypeError on any other character.
 */
export function base32Decode(text) {
  const clean = String(text).replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index === -1) throw new TypeError(`"${char}" is not a base32 character.`);
    // Only the bits not yet output matter: at most 7 carried plus these 5.
    value = ((value << 5) | index) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4648 base32 without padding, as authenticator apps expect in a key URI. */
export function base32Encode(bytes) {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32[(value >>> bits) & 31];
    }
  }
  if (bits > 0) text += BASE32[(value << (5 - bits)) & 31];
  return text;
}

/** RFC 4226 HOTP with HMAC-SHA-1: the `digits`-digit code of `counter` for the key `secret`. */
export function hotp(secret, counter, digits = DIGITS) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', secret).update(message).digest();
  // Dynamic truncation (RFC 4226 §5.3).
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step (T) that contains `timeMs` (milliseconds since the epoch). */
export function timeStep(timeMs = Date.now()) {
  return Math.floor(timeMs / 1000 / PERIOD_SECONDS);
}

/** Seconds until the step containing `timeMs` ends (1 to 30). */
export function secondsLeft(timeMs = Date.now()) {
  return PERIOD_SECONDS - (Math.floor(timeMs / 1000) % PERIOD_SECONDS);
}

/**
 * The TOTP code of the base32 `secret` at `time` (ms), or of the time step `step` when given:
 * what an authenticator app shows.
 */
export function totpCode(secret, { time = Date.now(), step = timeStep(time), digits } = {}) {
  return hotp(base32Decode(secret), step, digits);
}

/**
 * Google Authenticator's key URI (github.com/google/google-authenticator/wiki/Key-Uri-Format),
 * which a phone app reads from a QR code or a pasted link: otpauth://totp/<issuer>:<account>?...
 */
export function otpauthUri({ issuer, account, secret }) {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: base32Encode(base32Decode(secret)),
    issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(PERIOD_SECONDS),
  });
  // URLSearchParams writes spaces as "+", which key URI readers do not all take for a space.
  return `otpauth://totp/${label}?${query.toString().replaceAll('+', '%20')}`;
}

/**
 * Checks the codes users type, with per-user memory. `secretFor(user)` is the user's base32
 * secret; `lockoutSeconds` how long MAX_WRONG_CODES wrong codes in a row lock the user's
 * authenticator; `now()` the clock in ms.
 *
 * `verify(user, code)` returns one of:
 * - `{ outcome: 'accepted' }`: the code of the current step or of one step either side (RFC 6238
 *   §5.2's allowance for clock drift and typing time), not used before;
 * - `{ outcome: 'reused' }`: a right code whose step was already used by this user, or is older
 *   than one that was (RFC 6238 §5.2: the verifier must not accept a second attempt of an OTP);
 *   not counted as a wrong code, as it came from the user's own authenticator;
 * - `{ outcome: 'wrong', attemptsLeft }`: anything else; the last of them locks;
 * - `{ outcome: 'locked', secondsLeft }`: the authenticator is locked; the code is not even read.
 * A right code clears the count of wrong ones, as with Okta.
 */
export function createTotpVerifier({ secretFor, lockoutSeconds, now = Date.now }) {
  const state = new Map(); // user id -> { lastStep, wrong, lockedUntil }

  const stateOf = (user) => {
    let entry = state.get(user.id);
    if (!entry) {
      entry = { lastStep: -Infinity, wrong: 0, lockedUntil: 0 };
      state.set(user.id, entry);
    }
    return entry;
  };

  return {
    verify(user, code) {
      const entry = stateOf(user);
      const time = now();
      if (time < entry.lockedUntil) {
        return { outcome: 'locked', secondsLeft: Math.ceil((entry.lockedUntil - time) / 1000) };
      }

      const typed = String(code ?? '').replace(/\s+/g, '');
      const secret = base32Decode(secretFor(user));
      const current = timeStep(time);
      let matched;
      if (/^\d+$/.test(typed) && typed.length === DIGITS) {
        // Every step of the window is compared, so timing does not tell which one matched.
        for (const step of [current - 1, current, current + 1]) {
          if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(typed))) {
            matched ??= step;
          }
        }
      }

      if (matched !== undefined && matched <= entry.lastStep) return { outcome: 'reused' };
      if (matched !== undefined) {
        entry.lastStep = matched;
        entry.wrong = 0;
        return { outcome: 'accepted' };
      }

      entry.wrong += 1;
      if (entry.wrong >= MAX_WRONG_CODES) {
        entry.wrong = 0;
        entry.lockedUntil = time + lockoutSeconds * 1000;
        return { outcome: 'locked', secondsLeft: lockoutSeconds };
      }
      return { outcome: 'wrong', attemptsLeft: MAX_WRONG_CODES - entry.wrong };
    },

    /** Forgets every user's used codes, wrong codes and lockout (the fault switch's reset). */
    reset() {
      state.clear();
    },

    /** Seconds the user's authenticator stays locked (0 when it is not). */
    lockedFor(user) {
      const left = stateOf(user).lockedUntil - now();
      return left > 0 ? Math.ceil(left / 1000) : 0;
    },
  };
}
