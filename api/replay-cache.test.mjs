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

  test('gives one owner at most its share and keeps the rest for the other owners', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 4, maxEntriesPerOwner: 2, now: clock.now });
    const claim = (key, owner) => cache.claim(key, clock.ms + 5000, { owner });

    assert.equal(await claim('a1', 'a'), true);
    assert.equal(await claim('a2', 'a'), true);
    await assert.rejects(claim('a3', 'a'), ReplayCacheFullError);
    // A replay is still told apart from a claim beyond the share.
    assert.equal(await claim('a1', 'a'), false);
    assert.equal(await claim('b1', 'b'), true);
    assert.equal(await claim('c1', 'c'), true);
    assert.equal(cache.size, 4);
  });

  test('gives an owner room again once its own claims have expired', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 4, maxEntriesPerOwner: 1, now: clock.now });
    assert.equal(await cache.claim('a1', clock.ms + 1000, { owner: 'a' }), true);
    assert.equal(await cache.claim('b1', clock.ms + 9000, { owner: 'b' }), true);
    await assert.rejects(cache.claim('a2', clock.ms + 1000, { owner: 'a' }), ReplayCacheFullError);

    clock.ms += 1001;
    assert.equal(await cache.claim('a2', clock.ms + 1000, { owner: 'a' }), true);
    await assert.rejects(cache.claim('b2', clock.ms + 1000, { owner: 'b' }), ReplayCacheFullError);
    assert.equal(await cache.claim('b1', clock.ms + 9000, { owner: 'b' }), false);
  });

  test('by default, one owner may take a hundredth of the capacity', async () => {
    const clock = fakeClock();
    const cache = createMemoryReplayCache({ maxEntries: 300, now: clock.now });
    for (const key of ['a1', 'a2', 'a3']) {
      assert.equal(await cache.claim(key, clock.ms + 5000, { owner: 'a' }), true);
    }
    await assert.rejects(cache.claim('a4', clock.ms + 5000, { owner: 'a' }), ReplayCacheFullError);
    assert.equal(await cache.claim('b1', clock.ms + 5000, { owner: 'b' }), true);
  });

  test('refuses a bad size, share, key, expiry or owner', async () => {
    for (const maxEntries of [0, -1, 1.5, Infinity]) {
      assert.throws(() => createMemoryReplayCache({ maxEntries }), TypeError, String(maxEntries));
    }
    for (const maxEntriesPerOwner of [0, 1.5, 11]) {
      assert.throws(
        () => createMemoryReplayCache({ maxEntries: 10, maxEntriesPerOwner }),
        TypeError,
        String(maxEntriesPerOwner),
      );
    }
    const cache = createMemoryReplayCache();
    await assert.rejects(cache.claim(1, Date.now()), TypeError);
    await assert.rejects(cache.claim('a', NaN), TypeError);
    await assert.rejects(cache.claim('a', Date.now(), { owner: 42 }), TypeError);
  });
});
