// In-memory storage for oidc-provider (the adapter interface of its example/my_adapter.js). A
// restart forgets every session and token, which is what a dev/test provider wants. It replaces the
// library's quick-start adapter, which warns on every start and evicts entries beyond 1000.

const SWEEP_INTERVAL_MS = 60_000;

/** Returns an adapter class whose instances (one per model) share one private store. */
export function createMemoryAdapter() {
  const entries = new Map(); // "Model:id" -> { payload, expiresAt }
  const grantMembers = new Map(); // grantId -> Set of "Model:id" (what revokeByGrantId removes)
  const sessionIdsByUid = new Map();
  let nextSweep = Date.now() + SWEEP_INTERVAL_MS;

  function remove(key) {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    const { payload } = entry;
    const id = key.slice(key.indexOf(':') + 1);
    if (payload.uid && sessionIdsByUid.get(payload.uid) === id) sessionIdsByUid.delete(payload.uid);
    const members = grantMembers.get(payload.grantId);
    members?.delete(key);
    if (members?.size === 0) grantMembers.delete(payload.grantId);
  }

  function isExpired(entry) {
    return entry.expiresAt !== undefined && entry.expiresAt <= Date.now();
  }

  // Expired entries are dropped when looked up; this catches the ones nobody asks for again.
  function sweep() {
    if (Date.now() < nextSweep) return;
    nextSweep = Date.now() + SWEEP_INTERVAL_MS;
    for (const [key, entry] of entries) if (isExpired(entry)) remove(key);
  }

  return class MemoryAdapter {
    #model;

    constructor(model) {
      this.#model = model;
    }

    #key(id) {
      return `${this.#model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      sweep();
      const key = this.#key(id);
      remove(key);
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
      entries.set(key, { payload, expiresAt });
      if (payload.grantId) {
        if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
        grantMembers.get(payload.grantId).add(key);
      }
      if (this.#model === 'Session' && payload.uid) sessionIdsByUid.set(payload.uid, id);
    }

    async find(id) {
      const key = this.#key(id);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (isExpired(entry)) {
        remove(key);
        return undefined;
      }
      return entry.payload;
    }

    async findByUid(uid) {
      const id = sessionIdsByUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    // Only the device flow looks tokens up by user code, and it is not enabled.
    async findByUserCode() {
      return undefined;
    }

    async consume(id) {
      const entry = entries.get(this.#key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      remove(this.#key(id));
    }

    async revokeByGrantId(grantId) {
      const prefix = `${this.#model}:`;
      for (const key of [...(grantMembers.get(grantId) ?? [])]) {
        if (key.startsWith(prefix)) remove(key);
      }
    }
  };
}
