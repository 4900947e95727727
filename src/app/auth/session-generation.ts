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
export class SessionGenerations {
  private readonly sharedKey: string;
  private readonly tabKey: string;
  private seen = 0;

  constructor(clientId: string) {
    this.sharedKey = `${clientId}-session-generation`;
    this.tabKey = `${clientId}-tab-session-generation`;
  }

  /** The generation a session beginning now belongs to. */
  current(): number {
    return Math.max(
      readCount(() => localStorage.getItem(this.sharedKey)),
      this.seen,
    );
  }

  /** Ends the current generation (a session ended) and returns the new one. */
  next(): number {
    const next = this.current() + 1;
    this.observe(next);
    try {
      localStorage.setItem(this.sharedKey, String(next));
    } catch {
      // Storage blocked: the other tabs learn it from the channel's `signed-out` message.
    }
    return next;
  }

  /** Another tab said the session ended and `generation` began. */
  observe(generation: number): void {
    this.seen = Math.max(this.seen, generation);
  }

  /**
   * The generation of the session this tab's sessionStorage holds (0 if never written): kept with
   * the tokens, so a tab that slept through a sign-out still knows its session is over on reload.
   */
  storedForTab(): number {
    return readCount(() => sessionStorage.getItem(this.tabKey));
  }

  storeForTab(generation: number | null): void {
    try {
      if (generation === null) sessionStorage.removeItem(this.tabKey);
      else sessionStorage.setItem(this.tabKey, String(generation));
    } catch {
      // Storage blocked: the tokens are not kept either.
    }
  }
}

function readCount(read: () => string | null): number {
  try {
    const value = Number(read() ?? '0');
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}
