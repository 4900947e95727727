// Server-issued DPoP nonces (RFC 9449 §9), for API_DPOP_NONCE=on. A nonce proves that the proof
// was made after the server handed it out, whatever the client's clock says, so a proof made in
// advance (by code that ran in the page for a while, say) goes stale with the nonce.
//
// Stateless: a nonce is the HMAC of a time slot's number under a secret drawn at start-up, so there
// is nothing to store or share between requests. Nonces of the current and the previous slot are
// accepted, so a nonce handed out just before the slot turns stays good for at least one slot. A
// restart draws a new secret: every client then gets one use_dpop_nonce challenge and retries. Several
// instances would need the same secret (and clocks within a slot of each other).

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEFAULT_NONCE_SLOT_SECONDS = 300;

/**
 * Returns `{ current(), check(nonce) }`: `current()` is the nonce to hand out now; `check(nonce)`
 * says `'current'`, `'previous'` (still accepted, but a fresh one should be sent) or `'invalid'`.
 */
export function createDpopNonces({
  slotSeconds = DEFAULT_NONCE_SLOT_SECONDS,
  secret = randomBytes(32),
  now = () => Date.now(),
} = {}) {
  if (!Number.isInteger(slotSeconds) || slotSeconds <= 0) {
    throw new TypeError('slotSeconds must be a positive whole number.');
  }
  const slotMs = slotSeconds * 1000;
  const nonceOf = (slot) => createHmac('sha256', secret).update(`dpop-nonce:${slot}`).digest();
  const slotNow = () => Math.floor(now() / slotMs);
  const matches = (candidate, slot) => {
    const expected = nonceOf(slot);
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  };

  return {
    current: () => nonceOf(slotNow()).toString('base64url'),

    check(nonce) {
      // A base64url HMAC-SHA256 is 43 characters; anything else is not one of ours.
      if (typeof nonce !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) return 'invalid';
      const candidate = Buffer.from(nonce, 'base64url');
      // 43 characters carry 258 bits and the decoder drops the last 2, so four strings decode to
      // the same 32 bytes: only the one this server wrote is its nonce.
      if (candidate.toString('base64url') !== nonce) return 'invalid';
      const slot = slotNow();
      if (matches(candidate, slot)) return 'current';
      if (matches(candidate, slot - 1)) return 'previous';
      return 'invalid';
    },
  };
}
