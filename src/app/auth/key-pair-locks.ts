// In the initial bundle: every signed-in tab holds its key pair's lock (SessionSync). The sweep
// that honours these locks is in the Okta chunk (dpop-key-sweep.ts).

/** The shared lock a tab holds while its session's tokens are bound to `pairId`. */
export function keyLockName(clientId: string, pairId: string): string {
  return `${clientId}-dpop-key-${pairId}`;
}

/**
 * Holds `name` (shared) until `until` settles. `granted` resolves once the lock is held, `released`
 * once it has been let go; both resolve at once where Web Locks are missing.
 */
export function holdSharedLock(
  name: string,
  until: Promise<unknown>,
): { granted: Promise<void>; released: Promise<void> } {
  const locks = navigator.locks as LockManager | undefined;
  if (!locks) return { granted: Promise.resolve(), released: Promise.resolve() };
  let granted: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (granted = resolve));
  const released = locks
    .request(name, { mode: 'shared' }, () => {
      granted();
      return until.catch(() => undefined);
    })
    .then(
      () => undefined,
      () => granted(),
    );
  return { granted: held, released };
}
