import { SignInAttempts } from './sign-in-attempts';

/** Where SignInAttempts keeps its counts; the tests write garbage there on purpose. */
const STORAGE_KEY = 'app.sign-in-attempts';

describe('SignInAttempts', () => {
  let attempts: SignInAttempts;

  beforeEach(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    attempts = new SignInAttempts();
  });

  afterEach(() => sessionStorage.removeItem(STORAGE_KEY));

  describe('in a tab that has not tried to sign in', () => {
    it('does not stop sign-in', () => {
      expect(attempts.mustStop()).toBeFalse();
    });

    it('has no failures and no last error', () => {
      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
    });
  });

  describe('failures', () => {
    it('are counted one by one', () => {
      attempts.recordFailure('first');
      attempts.recordFailure('second');

      expect(attempts.failures()).toBe(2);
    });

    it('do not stop sign-in after the first one', () => {
      attempts.recordFailure('The token endpoint could not be reached.');

      expect(attempts.mustStop()).toBeFalse();
    });

    it('stop sign-in after the second one in a row', () => {
      attempts.recordFailure('The token endpoint could not be reached.');
      attempts.recordFailure('The token endpoint could not be reached.');

      expect(attempts.mustStop()).toBeTrue();
    });

    it('leave the message of the latest one as the last error', () => {
      attempts.recordFailure('The token endpoint could not be reached.');
      attempts.recordFailure('Okta did not answer within 15 seconds.');

      expect(attempts.lastError()).toBe('Okta did not answer within 15 seconds.');
    });
  });

  describe('automatic starts', () => {
    it('do not stop sign-in after the first one', () => {
      attempts.recordAutomaticStart();

      expect(attempts.mustStop()).toBeFalse();
    });

    it('stop sign-in after the second one that did not let the user in', () => {
      attempts.recordAutomaticStart();
      attempts.recordAutomaticStart();

      expect(attempts.mustStop()).toBeTrue();
    });

    it('are not failures and leave no error', () => {
      attempts.recordAutomaticStart();

      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
    });

    it('are counted apart from failures: one of each does not stop sign-in', () => {
      attempts.recordAutomaticStart();
      attempts.recordFailure('The token endpoint could not be reached.');

      expect(attempts.mustStop()).toBeFalse();
    });
  });

  describe('reset', () => {
    beforeEach(() => {
      attempts.recordAutomaticStart();
      attempts.recordAutomaticStart();
      attempts.recordFailure('The token endpoint could not be reached.');
      attempts.recordFailure('The token endpoint could not be reached.');
    });

    it('lets sign-in go ahead again', () => {
      attempts.reset();

      expect(attempts.mustStop()).toBeFalse();
    });

    it('forgets the failures and the last error', () => {
      attempts.reset();

      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
    });

    it('starts the count from zero: one more failure does not stop sign-in', () => {
      attempts.reset();

      attempts.recordFailure('The token endpoint could not be reached.');

      expect(attempts.mustStop()).toBeFalse();
    });
  });

  describe('clearFailures (a sign-in just succeeded)', () => {
    it('forgets the failures and the last error', () => {
      attempts.recordFailure('The token endpoint could not be reached.');
      attempts.recordFailure('The token endpoint could not be reached.');

      attempts.clearFailures();

      expect(attempts.failures()).toBe(0);
      expect(attempts.lastError()).toBeNull();
      expect(attempts.mustStop()).toBeFalse();
    });

    it('keeps the automatic starts, so a guard that still refuses stops at the second one', () => {
      attempts.recordAutomaticStart();

      attempts.clearFailures();
      attempts.recordAutomaticStart();

      expect(attempts.mustStop()).toBeTrue();
    });
  });

  describe('storage', () => {
    it('keeps the attempts across page loads in the same tab (a new instance sees them)', () => {
      attempts.recordFailure('The token endpoint could not be reached.');
      attempts.recordFailure('The token endpoint could not be reached.');

      const afterReload = new SignInAttempts();

      expect(afterReload.mustStop()).toBeTrue();
      expect(afterReload.lastError()).toBe('The token endpoint could not be reached.');
    });

    it('is sessionStorage, so other tabs (and localStorage) are not affected', () => {
      const inLocalStorage = localStorage.getItem(STORAGE_KEY);

      attempts.recordFailure('The token endpoint could not be reached.');

      expect(sessionStorage.getItem(STORAGE_KEY)).not.toBeNull();
      expect(localStorage.getItem(STORAGE_KEY)).toBe(inLocalStorage);
    });

    const garbage: [string, string][] = [
      ['text that is not JSON', 'not json {'],
      ['JSON null', 'null'],
      ['a JSON number', '42'],
      ['a JSON string', '"failures"'],
      ['a JSON boolean', 'true'],
      ['a JSON array', '[2, 2]'],
      ['an empty string', ''],
    ];
    for (const [what, stored] of garbage) {
      describe(`holding ${what}`, () => {
        beforeEach(() => sessionStorage.setItem(STORAGE_KEY, stored));

        it('counts as no attempts at all', () => {
          expect(attempts.mustStop()).toBeFalse();
          expect(attempts.failures()).toBe(0);
          expect(attempts.lastError()).toBeNull();
        });

        it('still stops sign-in after two new failures', () => {
          attempts.recordFailure('The token endpoint could not be reached.');
          attempts.recordFailure('The token endpoint could not be reached.');

          expect(attempts.mustStop()).toBeTrue();
        });
      });
    }

    it('keeps the fields it understands from a partial record', () => {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ failures: 1 }));

      attempts.recordFailure('The token endpoint could not be reached.');

      expect(attempts.mustStop()).toBeTrue();
      expect(attempts.lastError()).toBe('The token endpoint could not be reached.');
    });

    // sessionStorage is writable by any script of the origin: spread unchecked, a string count
    // would grow as "x" + 1 + 1 = "x11", never reach 2, and the loop breaker would never stop a loop.
    describe('holding a record whose fields have the wrong types', () => {
      beforeEach(() =>
        sessionStorage.setItem(
          STORAGE_KEY,
          JSON.stringify({ automaticStarts: 'many', failures: 'x', lastError: 42 }),
        ),
      );

      it('reports no last error rather than a value that is not a message', () => {
        expect(attempts.lastError()).toBeNull();
      });

      it('still stops sign-in after two new failures', () => {
        attempts.recordFailure('The token endpoint could not be reached.');
        attempts.recordFailure('The token endpoint could not be reached.');

        expect(attempts.mustStop()).toBeTrue();
      });
    });
  });
});
