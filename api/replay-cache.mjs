// The DPoP replay cache (RFC 9449 §11.1): each proof's jti may be used once while the proof is
// fresh enough to pass the iat check. A replay cache is one method:
//
//   claim(key, expiresAtMs, { owner }) -> Promise<boolean>
//
// true the first time `key` is claimed, false while an earlier claim of it has not expired (it
// lives until `expiresAtMs`, a whole number of milliseconds, included); it rejects when it cannot
// tell, or will not record the claim, and the proof is then refused. `owner` is the proof key's
// thumbprint: a cache with a bounded capacity gives each owner a bounded share of it, so that one
// key cannot fill it and lock every other user out. A store with no practical bound may ignore
// it. This one lives in the process's memory, which is right for one instance only: behind a load
// balancer, a proof replayed to another instance would be new there. Several instances need a
// store they share, with a TTL, that implements the same method; with Redis, for instance,
// `SET key 1 NX PXAT expiresAtMs` answers OK the first time and nothing afterwards (api/README.md).

export const DEFAULT_MAX_ENTRIES = 50_000;

/**
 * Into how many shares the capacity is divided by default: one owner may hold at most
 * maxEntries / DEFAULT_OWNER_SHARES fresh proofs (500 of the default 50,000, some 8 requests a
 * second for 60 s from one key, far more than the app makes), and it takes that many keys, each
 * from its own sign-in, to fill the cache.
 */
export const DEFAULT_OWNER_SHARES = 100;

/**
 * The cache cannot take another claim: it holds `maxEntries` proofs that are all still fresh, or
 * the claim's owner holds its whole share of them.
 */
export class ReplayCacheFullError extends Error {
  name = 'ReplayCacheFullError';
}

/**
 * An in-memory replay cache holding at most `maxEntries` keys, at most `maxEntriesPerOwner` of
 * them claimed by one owner. Expired keys are dropped when room is needed. When every key (or
 * every key of the owner) is still unexpired it refuses the new claim (rejects with a
 * ReplayCacheFullError) rather than forget one: a forgotten key is a proof that could be replayed,
 * while a refused claim is one request to retry a moment later, when the oldest proofs have aged
 * out. Only a proof that passed every other check is claimed, so only holders of valid tokens and
 * their keys can fill it, and each only its share.
 */
export function createMemoryReplayCache({
  maxEntries = DEFAULT_MAX_ENTRIES,
  maxEntriesPerOwner = Math.max(1, Math.floor(maxEntries / DEFAULT_OWNER_SHARES)),
  now = () => Date.now(),
} = {}) {
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError('maxEntries must be a positive whole number.');
  }
  if (
    !Number.isInteger(maxEntriesPerOwner) ||
    maxEntriesPerOwner <= 0 ||
    maxEntriesPerOwner > maxEntries
  ) {
    throw new TypeError('maxEntriesPerOwner must be a positive whole number, up to maxEntries.');
  }
  // key -> { expiresAtMs, owner }. A Map keeps insertion order, but expiries are not in that order
  // (a proof's iat may be a little in the past or the future), so the sweep looks at every entry.
  const entries = new Map();
  // owner -> how many of the entries it claimed, expired ones included until a sweep.
  const owned = new Map();
  // The earliest expiry left by the last sweep: until then a sweep could not free anything, so a
  // full cache (or a full share) under load costs one comparison per claim, not a walk over every
  // entry.
  let nextExpiryMs = -Infinity;

  function forget(key, { owner }) {
    entries.delete(key);
    if (owner === undefined) return;
    const count = owned.get(owner) - 1;
    if (count === 0) owned.delete(owner);
    else owned.set(owner, count);
  }

  function sweep(nowMs) {
    nextExpiryMs = Infinity;
    for (const [key, entry] of entries) {
      if (entry.expiresAtMs < nowMs) forget(key, entry);
      else if (entry.expiresAtMs < nextExpiryMs) nextExpiryMs = entry.expiresAtMs;
    }
  }

  const isFull = (owner) =>
    entries.size >= maxEntries ||
    (owner !== undefined && (owned.get(owner) ?? 0) >= maxEntriesPerOwner);

  return {
    async claim(key, expiresAtMs, { owner } = {}) {
      if (typeof key !== 'string' || !Number.isFinite(expiresAtMs)) {
        throw new TypeError('claim needs a string key and a numeric expiry.');
      }
      if (owner !== undefined && typeof owner !== 'string') {
        throw new TypeError('claim needs a string owner, when it has one.');
      }
      const nowMs = now();
      const existing = entries.get(key);
      // A replay is a replay, whatever the share of its owner.
      if (existing !== undefined && existing.expiresAtMs >= nowMs) return false;
      if (existing !== undefined) forget(key, existing);
      if (isFull(owner) && nextExpiryMs < nowMs) sweep(nowMs);
      if (entries.size >= maxEntries) {
        throw new ReplayCacheFullError(`it holds ${maxEntries} proofs that are all still fresh`);
      }
      if (isFull(owner)) {
        throw new ReplayCacheFullError(
          `it holds ${maxEntriesPerOwner} fresh proofs by this key, the most one key may have`,
        );
      }
      entries.set(key, { expiresAtMs, owner });
      if (owner !== undefined) owned.set(owner, (owned.get(owner) ?? 0) + 1);
      if (expiresAtMs < nextExpiryMs) nextExpiryMs = expiresAtMs;
      return true;
    },

    /** How many keys it holds, expired ones included until a sweep: for tests and monitoring. */
    get size() {
      return entries.size;
    },
  };
}
