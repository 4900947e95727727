/**
 * okta-auth-js makes a DPoP key pair at every code exchange and keeps it in IndexedDB; it deletes
 * one only at sign-out. A sign-in that fails after the exchange began, or a memory-storage page
 * that reloads and signs in again, leaves a pair no token is bound to. This sweeps those away
 * without touching a pair that any tab of the app still uses, or is about to use:
 *
 * - every tab holds a shared Web Lock named after the pair its session uses (SessionSync);
 * - a tab finishing a sign-in holds the "signing in" lock from before its exchange until its own
 *   pair's lock is held, and nothing is swept while any tab holds it.
 *
 * Without Web Locks nothing is swept (sign-out still deletes every pair).
 *
 * The database and store names are okta-auth-js 7's (oidc/dpop.js): check them on an upgrade.
 */
import { holdSharedLock, keyLockName } from './key-pair-locks';

export { holdSharedLock, keyLockName };

const DATABASE = 'OktaAuthJs';
const STORE = 'DPoPKeys';

function signingInLockName(clientId: string): string {
  return `${clientId}-dpop-signing-in`;
}

/**
 * Runs a sign-in's `finish` under the "signing in" lock. Afterwards, in the background, once this
 * tab's own pair (if the sign-in brought one) is locked, deletes the pairs no tab holds.
 *
 * The lock is requested, not awaited, before the exchange: okta-auth-js makes the pair only after
 * its own checks, and waiting for the grant would only delay the sign-in.
 */
export async function finishSigningIn<T>(
  clientId: string,
  finish: () => Promise<T>,
  ownPairId: () => string | undefined,
): Promise<T> {
  let done: () => void = () => undefined;
  const signingIn = holdSharedLock(
    signingInLockName(clientId),
    new Promise<void>((resolve) => (done = resolve)),
  );
  try {
    return await finish();
  } finally {
    void (async () => {
      try {
        const pairId = ownPairId();
        const forever = new Promise(() => undefined);
        if (pairId) await holdSharedLock(keyLockName(clientId, pairId), forever).granted;
      } finally {
        done();
      }
      await signingIn.released;
      await sweepKeyPairs(clientId);
    })().catch(() => undefined);
  }
}

/** Deletes every key pair of the origin that no tab holds a lock for; resolves to their ids. */
export async function sweepKeyPairs(clientId: string): Promise<string[]> {
  const locks = navigator.locks as LockManager | undefined;
  if (!locks || typeof indexedDB === 'undefined') return [];
  const { held = [], pending = [] } = await locks.query();
  const names = new Set([...held, ...pending].map((lock) => lock.name));
  if (names.has(signingInLockName(clientId))) return []; // A sign-in is making its pair.
  const ids = await inStore('readonly', (store) => store.getAllKeys());
  const unused = ids.map(String).filter((id) => !names.has(keyLockName(clientId, id)));
  await Promise.all(unused.map((id) => inStore('readwrite', (store) => store.delete(id))));
  return unused;
}

function inStore<T>(
  mode: IDBTransactionMode,
  operation: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // Opened exactly as okta-auth-js opens it: a database this creates must have its store.
    const open = indexedDB.open(DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = operation(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => {
        db.close();
        reject(request.error);
      };
    };
  });
}
