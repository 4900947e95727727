import { Injectable } from '@angular/core';

const STORAGE_KEY = 'app.sign-in-attempts';

interface Attempts {
  /** Sign-ins the app started on its own (the guard) that have not yet let the user in. */
  readonly automaticStarts: number;
  /** Callback failures in a row. */
  readonly failures: number;
  readonly lastError: string | null;
}

const NONE: Attempts = { automaticStarts: 0, failures: 0, lastError: null };

/**
 * The loop breaker. A redirect loop between the app and Okta (a failing callback sending the user
 * to a guarded page, whose guard starts a new sign-in, which fails again...) is the classic failure
 * of SPA sign-in; this counts attempts per tab and tells the guard when to stop and explain.
 */
@Injectable({ providedIn: 'root' })
export class SignInAttempts {
  /** True once two sign-ins in a row have failed, or two automatic ones did not let the user in. */
  mustStop(): boolean {
    const { automaticStarts, failures } = this.read();
    return failures >= 2 || automaticStarts >= 2;
  }

  lastError(): string | null {
    return this.read().lastError;
  }

  failures(): number {
    return this.read().failures;
  }

  recordAutomaticStart(): void {
    const attempts = this.read();
    this.write({ ...attempts, automaticStarts: attempts.automaticStarts + 1 });
  }

  recordFailure(message: string): void {
    const attempts = this.read();
    this.write({ ...attempts, failures: attempts.failures + 1, lastError: message });
  }

  /** The answer passed every check: its message is no longer true, though the count may still be. */
  forgetMessage(): void {
    this.write({ ...this.read(), lastError: null });
  }

  /** A sign-in just succeeded: forget failures, but not automatic starts (see authGuard). */
  clearFailures(): void {
    this.write({ ...this.read(), failures: 0, lastError: null });
  }

  /** The user reached a guarded page, or deliberately asked to sign in again. */
  reset(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  }

  private read(): Attempts {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
      if (typeof stored !== 'object' || stored === null) return NONE;
      // Anything else could have written this key: trust only well-typed fields.
      const { automaticStarts, failures, lastError } = stored as Record<string, unknown>;
      return {
        automaticStarts: toCount(automaticStarts),
        failures: toCount(failures),
        lastError: typeof lastError === 'string' ? lastError : null,
      };
    } catch {
      return NONE;
    }
  }

  private write(attempts: Attempts): void {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(attempts));
  }
}

function toCount(value: unknown): number {
  return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : 0;
}
