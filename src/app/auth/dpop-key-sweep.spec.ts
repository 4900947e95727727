import { finishSigningIn, holdSharedLock, keyLockName, sweepKeyPairs } from './dpop-key-sweep';

/** okta-auth-js's key store (oidc/dpop.js), written and read the way it does. */
function store<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('OktaAuthJs', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('DPoPKeys');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = run(db.transaction('DPoPKeys', mode).objectStore('DPoPKeys'));
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  });
}
const addPair = (id: string) => store('readwrite', (s) => s.put(`key pair ${id}`, id));
const pairIds = async () => (await store('readonly', (s) => s.getAllKeys())).map(String).sort();

describe('DPoP key pair sweep', () => {
  let clientId: string;
  let number = 0;
  const releases: (() => void)[] = [];
  /** Holds the lock of `pairId` as a tab whose session uses it does. */
  const useInAnotherTab = (pairId: string) =>
    holdSharedLock(
      keyLockName(clientId, pairId),
      new Promise<void>((resolve) => releases.push(resolve)),
    ).granted;

  beforeEach(async () => {
    clientId = `sweep-spec-${++number}-${Date.now()}`;
    await store('readwrite', (s) => s.clear());
  });

  afterEach(async () => {
    releases.splice(0).forEach((release) => release());
    await store('readwrite', (s) => s.clear());
  });

  it('deletes the pairs no tab uses and keeps those a tab holds', async () => {
    await Promise.all(['aa', 'bb', 'cc'].map(addPair));
    await useInAnotherTab('bb');

    expect((await sweepKeyPairs(clientId)).sort()).toEqual(['aa', 'cc']);
    expect(await pairIds()).toEqual(['bb']);
  });

  it('deletes nothing while a sign-in is making its pair', async () => {
    await addPair('aa');
    let finish: () => void = () => undefined;
    const signingIn = finishSigningIn(
      clientId,
      () => new Promise<string>((resolve) => (finish = () => resolve('done'))),
      () => undefined,
    );

    expect(await sweepKeyPairs(clientId)).toEqual([]);
    expect(await pairIds()).toEqual(['aa']);
    finish();
    expect(await signingIn).toBe('done');
  });

  it('after a sign-in, keeps the pair it brought and sweeps the ones left behind', async () => {
    await Promise.all(['left', 'mine'].map(addPair));

    const outcome = await finishSigningIn(
      clientId,
      async () => 'signed in',
      () => 'mine',
    );

    expect(outcome).toBe('signed in');
    await expectAsync(waitFor(async () => (await pairIds()).join() === 'mine')).toBeResolved();
  });

  it('after a failed sign-in, sweeps the pair it made, and hands the failure on', async () => {
    await addPair('unused');

    await expectAsync(
      finishSigningIn(
        clientId,
        () => Promise.reject(new Error('refused')),
        () => undefined,
      ),
    ).toBeRejectedWithError('refused');
    await expectAsync(waitFor(async () => (await pairIds()).length === 0)).toBeResolved();
  });
});

/** Polls `condition` (the sweep after a sign-in runs in the background) for up to 2 seconds. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met');
}
