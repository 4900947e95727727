import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ReplayCacheFullError, createMemoryReplayCache } from './replay-cache.mjs';

// A clock the test moves by hand.
function fakeClock(start = 1_000_000) {
  const clock = { ms: start, now: () => clock.ms };
  return clock;
}

describe('The in-memory DPoP replay cache', () => {
  test('says true the first time a key is claimed and false while that claim lasts', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ now: clock.now });

    assert.equal(await cache.claim('a', clock.ms + 1000), true);
    assert.equal(await cache.claim('a', clock.ms + 1000), false);
    assert.equal(await cache.claim('b', clock.ms + 1000), true);
    clock.ms += 1000;
    // Until its expiry included, like Redis PXAT.
    assert.equal(await cache.claim('a', clock.ms + 1000), false);
  });

  test('forgets a key once it has expired, so it can be claimed again', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ now: clock.now });

    assert.equal(await cache.claim('a', clock.ms + 1000), true);
    clock.ms += 1001;
    assert.equal(await cache.claim('a', clock.ms + 1000), true);
    assert.equal(await cache.claim('a', clock.ms + 1000), false);
  });

  test('when full of unexpired keys, refuses new claims and still remembers every old key', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 3, now: clock.now });
    for (const key of ['a', 'b', 'c']) assert.equal(await cache.claim(key, clock.ms + 5000), true);

    await assert.rejects(cache.claim('d', clock.ms + 5000), ReplayCacheFullError);
    for (const key of ['a', 'b', 'c']) assert.equal(await cache.claim(key, clock.ms + 5000), false);
    assert.equal(cache.size, 3);
  });

  test('makes room by dropping expired keys only, never one that is still fresh', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 3, now: clock.now });
    // Expiries out of insertion order, as proofs' iat can be.
    await cache.claim('late', clock.ms + 9000);
    await cache.claim('early', clock.ms + 1000);
    await cache.claim('middle', clock.ms + 5000);

    clock.ms += 2000;
    assert.equal(await cache.claim('new', clock.ms + 5000), true);
    assert.equal(cache.size, 3);
    assert.equal(await cache.claim('late', clock.ms + 9000), false);
    assert.equal(await cache.claim('middle', clock.ms + 5000), false);
    await assert.rejects(cache.claim('another', clock.ms + 5000), ReplayCacheFullError);

    clock.ms += 4000;
    assert.equal(await cache.claim('another', clock.ms + 5000), true);
    assert.equal(await cache.claim('late', clock.ms + 9000), false);
  });

  test('never holds more than maxEntries keys', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 50, now: clock.now });
    for (let i = 0; i < 500; i += 1) {
      clock.ms += 10;
      try {
        await cache.claim(`k${i}`, clock.ms + 200);
      } catch (err) {
        assert.ok(err instanceof ReplayCacheFullError);
      }
      assert.ok(cache.size <= 50);
    }
  });

  test('refuses a bad size, key or expiry', async () => {
    for (const maxEntries of [0, -1, 1.5, Infinity]) {
      assert.throws(() => createMemoryReplayCache({ maxEntries }), TypeError, String(maxEntries));
    }
    const cache = createMemoryReplayCache();
    await assert.rejects(cache.claim(1, Date.now()), TypeError);
    await assert.rejects(cache.claim('a', NaN), TypeError);
  });
});
