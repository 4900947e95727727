/**
 * Session generations: one counter per browser profile and app, moved on every time a session ends
 * (sign-out, failed renewal). A session belongs to the generation that was current when it began;
 * once the counter has moved on, that session is over, whatever a tab, a late renewal answer or a
 * message on the channel still holds of it.
 *
 * The counter lives in localStorage, so every tab of the origin reads the new value the moment the
 * ending tab wrote it, before the channel's `signed-out` message arrives. It is a number, never a
 * token. Without localStorage (blocked by the browser) it falls back to what this tab has seen.
 */
/**
 * The highest generation the app writes. A profile signs out far fewer times; a larger value was not
 * written by the app, and `next()` stays within the safe integers, so tabs always agree on it.
 */
export const MAX_GENERATION = Number.MAX_SAFE_INTEGER - 1;

export class SessionGenerations {
  private readonly sharedKey: string;
  private readonly tabKey: string;
  /** The highest generation this tab read, wrote or was told of. */
  private seen = 0;

  constructor(clientId: string) {
    this.sharedKey = `${clientId}-session-generation`;
    this.tabKey = `${clientId}-tab-session-generation`;
  }

  /**
   * The generation a session beginning now belongs to. A stored value the app cannot have written
   * (not a whole number, negative, too large) fails closed: it counts as one more ended session,
   * so no session any tab holds is current, and storage is repaired with that generation.
   */
  current(): number {
    let stored: number | null;
    try {
      stored = readCount(localStorage.getItem(this.sharedKey) ?? '0');
    } catch {
      return this.seen; // localStorage blocked: what this tab has seen is all there is.
    }
    if (stored === null) {
      const repaired = Math.min(this.seen + 1, MAX_GENERATION);
      this.write(repaired);
      stored = repaired;
    }
    this.seen = Math.max(this.seen, stored);
    return this.seen;
  }

  /** Ends the current generation (a session ended) and returns the new one. */
  next(): number {
    const next = Math.min(this.current() + 1, MAX_GENERATION);
    this.seen = next;
    this.write(next);
    return next;
  }

  /**
   * Another tab said the session ended and `generation` began. Only the next generation is taken:
   * a tab that ends a session writes it to localStorage before saying so, so anything further is
   * a forged message, which must not move the counter out of reach of the real sign-outs.
   */
  observe(generation: number): void {
    if (generation === this.current() + 1 && generation <= MAX_GENERATION) this.seen = generation;
  }

  /** Whether a `generation` another tab sends can be a session of now (this one or the next). */
  isPlausible(generation: number): boolean {
    const current = this.current();
    return generation === current || generation === current + 1;
  }

  /**
   * The generation of the session this tab's sessionStorage holds (0 if never written): kept with
   * the tokens, so a tab that slept through a sign-out still knows its session is over on reload.
   * A value the app cannot have written reads as -1, the generation of no session.
   */
  storedForTab(): number {
    try {
      return readCount(sessionStorage.getItem(this.tabKey) ?? '0') ?? -1;
    } catch {
      return -1;
    }
  }

  storeForTab(generation: number | null): void {
    try {
      if (generation === null) sessionStorage.removeItem(this.tabKey);
      else sessionStorage.setItem(this.tabKey, String(generation));
    } catch {
      // Storage blocked: the tokens are not kept either.
    }
  }

  private write(generation: number): void {
    try {
      localStorage.setItem(this.sharedKey, String(generation));
    } catch {
      // Storage blocked: the other tabs learn it from the channel's `signed-out` message.
    }
  }
}

/** A generation as stored, or null when the app cannot have written it. */
function readCount(text: string): number | null {
  const value = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(value) && value <= MAX_GENERATION
    ? value
    : null;
}
