import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createDpopNonces } from './dpop-nonces.mjs';

const SLOT_MS = 300_000;

describe('DPoP nonces', () => {
  test('hands out the same nonce within a time slot and a new one in the next', () => {
    const clock = { ms: 10 * SLOT_MS };
    const nonces = createDpopNonces({ now: () => clock.ms });
    const first = nonces.current();

    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    clock.ms += SLOT_MS - 1;
    assert.equal(nonces.current(), first);
    clock.ms += 1;
    assert.notEqual(nonces.current(), first);
  });

  test('accepts the current and the previous slot’s nonce, and no older one', () => {
    const clock = { ms: 10 * SLOT_MS };
    const nonces = createDpopNonces({ now: () => clock.ms });
    const nonce = nonces.current();

    assert.equal(nonces.check(nonce), 'current');
    clock.ms += SLOT_MS;
    assert.equal(nonces.check(nonce), 'previous');
    clock.ms += SLOT_MS;
    assert.equal(nonces.check(nonce), 'invalid');
  });

  test('refuses a nonce from another secret (another process), a future one and junk', () => {
    const clock = { ms: 10 * SLOT_MS };
    const nonces = createDpopNonces({ now: () => clock.ms });
    const other = createDpopNonces({ now: () => clock.ms });
    assert.equal(nonces.check(other.current()), 'invalid');

    clock.ms += SLOT_MS;
    const future = nonces.current();
    clock.ms -= SLOT_MS;
    assert.equal(nonces.check(future), 'invalid');

    for (const junk of ['', 'x', 'A'.repeat(43), `${nonces.current()}=`, undefined, 42]) {
      assert.equal(nonces.check(junk), 'invalid', String(junk));
    }
  });
});
