// The DPoP replay cache (RFC 9449 §11.1): each proof's jti may be used once while the proof is
// fresh enough to pass the iat check. A replay cache is one method:
//
//   claim(key, expiresAtMs) -> Promise<boolean>
//
// true the first time `key` is claimed, false while an earlier claim of it has not expired (it
// lives until `expiresAtMs`, included); it rejects when it cannot tell, and the proof is then
// refused. This one lives in the process's memory, which is right for one instance only: behind a
// load balancer, a proof replayed to another instance would be new there. Several instances need a
// store they share, with a TTL, that implements the same method; with Redis, for instance,
// `SET key 1 NX PXAT expiresAtMs` answers OK the first time and nothing afterwards (api/README.md).

export const DEFAULT_MAX_ENTRIES = 50_000;

/** The cache holds `maxEntries` proofs that are all still fresh: it cannot take another. */
export class ReplayCacheFullError extends Error {
  name = 'ReplayCacheFullError';
}

/**
 * An in-memory replay cache holding at most `maxEntries` keys. Expired keys are dropped when room
 * is needed. When every key is still unexpired it refuses the new claim (rejects with a
 * ReplayCacheFullError) rather than forget one: a forgotten key is a proof that could be replayed,
 * while a refused claim is one request to retry a moment later, when the oldest proofs have aged
 * out. Only a proof that passed every other check is claimed, so only holders of valid tokens and
 * their keys can fill it.
 */
export function createMemoryReplayCache({
  maxEntries = DEFAULT_MAX_ENTRIES,
  now = () => Date.now(),
} = {}) {
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new TypeError('maxEntries must be a positive whole number.');
  }
  // key -> expiresAtMs. A Map keeps insertion order, but expiries are not in that order (a proof's
  // iat may be a little in the past or the future), so the sweep looks at every entry.
  const entries = new Map();
  // The earliest expiry left by the last sweep: until then a sweep could not free anything, so a
  // full cache under load costs one comparison per claim, not a walk over every entry.
  let nextExpiryMs = -Infinity;

  function sweep(nowMs) {
    nextExpiryMs = Infinity;
    for (const [key, expiresAtMs] of entries) {
      if (expiresAtMs < nowMs) entries.delete(key);
      else if (expiresAtMs < nextExpiryMs) nextExpiryMs = expiresAtMs;
    }
  }

  return {
    async claim(key, expiresAtMs) {
      if (typeof key !== 'string' || !Number.isFinite(expiresAtMs)) {
        throw new TypeError('claim needs a string key and a numeric expiry.');
      }
      const nowMs = now();
      const existing = entries.get(key);
      if (existing !== undefined && existing >= nowMs) return false;
      entries.delete(key);
      if (entries.size >= maxEntries && nextExpiryMs < nowMs) sweep(nowMs);
      if (entries.size >= maxEntries) {
        throw new ReplayCacheFullError(`it holds ${maxEntries} proofs that are all still fresh`);
      }
      entries.set(key, expiresAtMs);
      if (expiresAtMs < nextExpiryMs) nextExpiryMs = expiresAtMs;
      return true;
    },

    /** How many keys it holds, expired ones included until a sweep: for tests and monitoring. */
    get size() {
      return entries.size;
    },
  };
}
