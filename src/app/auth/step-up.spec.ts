import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, UrlTree } from '@angular/router';
import type { OktaAuth, SigninWithRedirectOptions, Tokens } from '@okta/okta-auth-js/core';
import { AuthenticationRequirement, OKTA_ACR } from './acr';
import { OKTA_AUTH } from './okta-auth-token';
import { SignInAttempts } from './sign-in-attempts';
import {
  answerStepUpChallenge,
  checkAuthentication,
  forgetStepUp,
  markStepUpCompleted,
  STEP_UP_UNMET_MESSAGE,
  stepUpProblem,
} from './step-up';
import { TEST_NOW_SECONDS, testIdToken, testIdTokenClaims } from './testing/auth-fixtures';

const NOW = TEST_NOW_SECONDS;
const { oneFactor: ONE, twoFactors: TWO, phishingResistantHardware: PHRH } = OKTA_ACR;
/** Where this tab keeps the step-up it started (step-up.ts). */
const STORAGE_KEY = 'app.step-up';
const RETURN_TO = '/admin?tab=audit#log';
const ADMIN: AuthenticationRequirement = { acr: TWO, maxAgeSeconds: 900 };
const UNREACHABLE = 'Okta could not be reached. Check your connection and try again.';

describe('step-up', () => {
  /** The claims of the ID token in the token manager. */
  let claims: Record<string, unknown>;
  let oktaAuth: {
    readonly tokenManager: { readonly getTokensSync: () => Tokens };
    readonly signInWithRedirect: jasmine.Spy<OktaAuth['signInWithRedirect']>;
  };
  let attempts: SignInAttempts;

  beforeEach(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    claims = testIdTokenClaims({ acr: ONE, auth_time: NOW - 60 });
    oktaAuth = {
      tokenManager: { getTokensSync: () => ({ idToken: testIdToken(claims) }) },
      signInWithRedirect: jasmine
        .createSpy<OktaAuth['signInWithRedirect']>('signInWithRedirect')
        .and.resolveTo(),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'admin', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
      ],
    });
    attempts = TestBed.inject(SignInAttempts);
  });

  // Both live in sessionStorage, which outlives the test.
  afterEach(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    attempts.reset();
  });

  function check(
    requirement: AuthenticationRequirement = ADMIN,
    at = NOW,
  ): Promise<boolean | UrlTree> {
    return TestBed.runInInjectionContext(() => checkAuthentication(requirement, RETURN_TO, at));
  }

  function answer(wwwAuthenticate: string | null, at = NOW): Promise<string | null> {
    return TestBed.runInInjectionContext(() =>
      answerStepUpChallenge(wwwAuthenticate, RETURN_TO, at),
    );
  }

  /** What the last step-up sign-in sent to okta-auth-js. */
  function sent(): SigninWithRedirectOptions {
    const options = oktaAuth.signInWithRedirect.calls.mostRecent()?.args[0];
    if (!options) throw new Error('No sign-in was started.');
    return options;
  }

  /** The callback accepted the last step-up at `at`, as completeSignIn does. */
  function completeStepUp(at: number): void {
    markStepUpCompleted(sent().state ?? null, at, claims['iat'] as number);
  }

  /** 'pending' while `promise` has not settled after the queued tasks ran. */
  async function settledOrPending<T>(promise: Promise<T>): Promise<T | 'pending'> {
    const later = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20));
    return Promise.race([promise, later]);
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve));

  const urlOf = (tree: boolean | UrlTree) =>
    tree instanceof UrlTree ? TestBed.inject(Router).serializeUrl(tree) : tree;

  describe('checkAuthentication', () => {
    it('lets the user through when the acr and auth_time meet the requirement', async () => {
      claims = testIdTokenClaims({ acr: TWO, auth_time: NOW - 899 });

      expect(await check()).toBeTrue();
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });

    it('signs in again with acr_values and max_age, back to the page, when the acr falls short', async () => {
      claims = testIdTokenClaims({ acr: ONE, auth_time: NOW - 10 });

      expect(await check()).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: RETURN_TO,
        state: jasmine.any(String),
        acrValues: TWO,
        maxAge: 900,
      });
    });

    it('signs in again, asking for the acr too, when the authentication is too old', async () => {
      claims = testIdTokenClaims({ acr: TWO, auth_time: NOW - 901 });

      expect(await check()).toBeFalse();
      expect(sent()).toEqual(jasmine.objectContaining({ acrValues: TWO, maxAge: 900 }));
    });

    it('sends only the first of several acceptable acr values', async () => {
      await check({ acr: `${PHRH} ${TWO}` });

      expect(sent().acrValues).toBe(PHRH);
    });

    it('sends neither acr_values nor max_age when the requirement does not name it', async () => {
      claims = testIdTokenClaims({ acr: ONE, auth_time: NOW - 120 });

      await check({ acr: TWO });
      const acrOnly = sent();
      await check({ maxAgeSeconds: 60 });
      const ageOnly = sent();

      expect(Object.keys(acrOnly)).not.toContain('maxAge');
      expect(Object.keys(ageOnly)).not.toContain('acrValues');
      expect(ageOnly.maxAge).toBe(60);
    });

    it('sends a fresh state of 32 random bytes in base64url each time', async () => {
      await check();
      const first = sent().state;
      await check();
      const second = sent().state;

      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second).not.toBe(first);
    });

    it('remembers what it asked for under that state, for the callback to check', async () => {
      await check({ acr: `${PHRH} ${TWO}`, maxAgeSeconds: 900 });

      expect(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null')).toEqual({
        state: sent().state,
        acrValues: `${PHRH} ${TWO}`,
        maxAge: 900,
        completions: [],
      });
    });

    describe('straight after the same step-up completed', () => {
      beforeEach(async () => {
        await check();
        completeStepUp(NOW);
        oktaAuth.signInWithRedirect.calls.reset();
      });

      it('does not leave for Okta again within a minute', async () => {
        await check(ADMIN, NOW + 59);

        expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
      });

      it('sends the user to the callback page, which explains, as a failed sign-in', async () => {
        const result = await check(ADMIN, NOW + 59);

        expect(urlOf(result)).toBe('/login/callback');
        expect(attempts.failures()).toBe(1);
        expect(attempts.lastError()).toBe(STEP_UP_UNMET_MESSAGE);
      });

      it('steps up again once the minute has passed', async () => {
        expect(await check(ADMIN, NOW + 60)).toBeFalse();
        expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
      });

      it('steps up at once for a different requirement', async () => {
        expect(await check({ acr: PHRH, maxAgeSeconds: 900 }, NOW + 1)).toBeFalse();
        expect(sent().acrValues).toBe(PHRH);
      });
    });

    it('counts a loop for no longer than max_age when that is shorter than a minute', async () => {
      const recent = { acr: TWO, maxAgeSeconds: 10 };
      await check(recent);
      completeStepUp(NOW);
      oktaAuth.signInWithRedirect.calls.reset();

      expect(await check(recent, NOW + 9)).toBeInstanceOf(UrlTree);
      expect(await check(recent, NOW + 10)).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
    });

    it('takes a step-up straight after a new sign-in (another session) as a new need, not a loop', async () => {
      await check();
      completeStepUp(NOW);
      // Signed out and in again: the session's ID token is not the one that step-up brought.
      claims = testIdTokenClaims({ acr: ONE, auth_time: NOW + 5, iat: NOW + 5 });

      expect(await check(ADMIN, NOW + 10)).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(2);
    });

    it('stops after four step-ups in two minutes, whatever each asked for (a page and an API taking turns)', async () => {
      const page = { acr: TWO, maxAgeSeconds: 900 };
      const api = { acr: OKTA_ACR.password, maxAgeSeconds: 900 };
      for (const [at, requirement] of [
        [NOW, page],
        [NOW + 5, api],
        [NOW + 10, page],
        [NOW + 12, api],
      ] as const) {
        expect(await check(requirement, at)).toBeFalse();
        // Each answer is a new session that meets what it asked, and not the other.
        claims = { ...claims, iat: at + 1 };
        completeStepUp(at + 1);
      }

      const result = await check(page, NOW + 15);

      expect(urlOf(result)).toBe('/login/callback');
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(4);
      expect(await check(page, NOW + 15 + 120)).toBeFalse();
    });

    it('steps up again after a step-up that never came back (no completed sign-in)', async () => {
      await check();

      expect(await check(ADMIN, NOW + 1)).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(2);
    });

    describe('when the sign-in cannot start', () => {
      beforeEach(() => oktaAuth.signInWithRedirect.and.rejectWith(new Error(UNREACHABLE)));

      it('sends the user to the callback page, which explains', async () => {
        const result = await check();

        expect(urlOf(result)).toBe('/login/callback');
        expect(attempts.lastError()).toBe(UNREACHABLE);
      });

      it('forgets the step-up it was about to start', async () => {
        await check();

        expect(sessionStorage.getItem(STORAGE_KEY)).toBeNull();
        expect(stepUpProblem(sent().state ?? null, { acr: ONE }, NOW)).toBeNull();
      });
    });
  });

  describe('answerStepUpChallenge', () => {
    // The page that made the request is still shown.
    beforeEach(() => TestBed.inject(Router).navigateByUrl(RETURN_TO));

    const CHALLENGE = `Bearer error="insufficient_user_authentication", error_description="A stronger sign-in is needed", acr_values="${TWO}", max_age=300`;

    it('starts the sign-in the challenge asks for, back to the page, and never settles', async () => {
      const answered = answer(CHALLENGE);

      expect(await settledOrPending(answered)).toBe('pending');
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({
        originalUri: RETURN_TO,
        state: jasmine.any(String),
        acrValues: TWO,
        maxAge: 300,
      });
    });

    for (const [what, header] of [
      ['no header', null],
      ['a malformed challenge', 'Bearer error="insufficient_user_authentication", max_age=soon'],
      ['another error', 'Bearer error="invalid_token"'],
    ] as const) {
      it(`leaves ${what} to the caller as a plain 401, without a sign-in`, async () => {
        expect(await answer(header)).toBeNull();
        expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
      });
    }

    it('leaves a challenge to the caller once the page that asked is gone: a slow answer takes no one to Okta', async () => {
      await TestBed.inject(Router).navigateByUrl('/admin?tab=users');

      expect(await answer(CHALLENGE)).toBeNull();
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });

    it('answers the same challenge straight after the step-up completed with the explanation', async () => {
      void answer(CHALLENGE);
      await tick(); // The page would be at Okta now.
      completeStepUp(NOW + 30);

      expect(await answer(CHALLENGE, NOW + 35)).toBe(STEP_UP_UNMET_MESSAGE);
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
    });

    it('answers a max_age=0 challenge that comes again right after its step-up with the explanation', async () => {
      const now = 'Bearer error="insufficient_user_authentication", max_age=0';
      void answer(now);
      await tick();
      completeStepUp(NOW + 30);

      // max_age=0 is never met after the fact: without a floor on the window, this would loop.
      expect(await answer(now, NOW + 33)).toBe(STEP_UP_UNMET_MESSAGE);
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
    });

    // Two API calls challenged at once. okta-auth-js ignores a sign-in started while one is
    // under way, as this stub does, so only the first one's state ever reaches the callback.
    describe('twice at once', () => {
      let leave: () => void = () => undefined;

      beforeEach(() => {
        let underWay = false;
        oktaAuth.signInWithRedirect.and.callFake(async () => {
          if (underWay) return;
          underWay = true;
          await new Promise<void>((resolve) => (leave = resolve));
          underWay = false;
        });
      });

      it('checks the answer against the sign-in that was sent, and leaves both callers waiting', async () => {
        const first = answer(CHALLENGE);
        const state = sent().state ?? null;
        const second = answer(
          `Bearer error="insufficient_user_authentication", acr_values="${PHRH}"`,
        );
        leave();

        expect(await settledOrPending(first)).toBe('pending');
        expect(await settledOrPending(second)).toBe('pending');
        expect(stepUpProblem(state, { acr: ONE, auth_time: NOW }, NOW)).toBe(
          `its acr "${ONE}" does not meet "${TWO}"`,
        );
      });
    });

    it('answers with why when the sign-in cannot start', async () => {
      oktaAuth.signInWithRedirect.and.rejectWith(new Error(UNREACHABLE));

      expect(await answer(CHALLENGE)).toBe(UNREACHABLE);
    });
  });

  describe('stepUpProblem', () => {
    /** Starts the step-up for `requirement` and returns its state, as the callback receives it. */
    async function stepUpFor(requirement: AuthenticationRequirement = ADMIN): Promise<string> {
      await check(requirement);
      return sent().state ?? '';
    }

    it('accepts an acr that meets the one asked, with a recent auth_time', async () => {
      const state = await stepUpFor();

      expect(stepUpProblem(state, { acr: TWO, auth_time: NOW - 5 }, NOW)).toBeNull();
    });

    it('accepts any of the acr values asked, not only the one sent', async () => {
      const state = await stepUpFor({ acr: `${PHRH} ${TWO}` });

      expect(stepUpProblem(state, { acr: TWO }, NOW)).toBeNull();
    });

    it('refuses a weaker acr, naming both', async () => {
      const state = await stepUpFor();

      expect(stepUpProblem(state, { acr: ONE, auth_time: NOW }, NOW)).toBe(
        `its acr "${ONE}" does not meet "${TWO}"`,
      );
    });

    it('refuses an answer without an acr', async () => {
      const state = await stepUpFor();

      expect(stepUpProblem(state, { auth_time: NOW }, NOW)).toBe(
        `its acr is missing and does not meet "${TWO}"`,
      );
    });

    it('refuses an answer without auth_time when max_age was sent', async () => {
      const state = await stepUpFor();

      expect(stepUpProblem(state, { acr: TWO }, NOW)).toBe(
        'it has no auth_time although max_age was sent',
      );
    });

    it('does without auth_time when no max_age was sent', async () => {
      const state = await stepUpFor({ acr: TWO });

      expect(stepUpProblem(state, { acr: TWO }, NOW)).toBeNull();
    });

    it('allows the provider 300 seconds of clock skew on max_age, and no more', async () => {
      const state = await stepUpFor();

      expect(stepUpProblem(state, { acr: TWO, auth_time: NOW - 900 - 300 }, NOW)).toBeNull();
      expect(stepUpProblem(state, { acr: TWO, auth_time: NOW - 900 - 301 }, NOW)).toBe(
        'its auth_time is older than the max_age of 900 seconds',
      );
    });

    it('has nothing to check in the answer to another sign-in', async () => {
      await stepUpFor();

      expect(stepUpProblem('state-of-another-sign-in', { acr: ONE }, NOW)).toBeNull();
      expect(stepUpProblem(null, { acr: ONE }, NOW)).toBeNull();
    });

    it('has nothing to check when this tab started no step-up', () => {
      expect(stepUpProblem('any-state', { acr: ONE }, NOW)).toBeNull();
    });

    describe('with a record that something else wrote', () => {
      it('ignores fields of the wrong type instead of failing', () => {
        sessionStorage.setItem(
          STORAGE_KEY,
          JSON.stringify({ state: 'state-1', acrValues: 42, maxAge: 'soon' }),
        );

        expect(stepUpProblem('state-1', { acr: ONE }, NOW)).toBeNull();
      });

      it('ignores text that is not JSON', () => {
        sessionStorage.setItem(STORAGE_KEY, '{"state": "state-1", ');

        expect(stepUpProblem('state-1', { acr: ONE }, NOW)).toBeNull();
      });

      it('does not let a record without a string state stop a step-up', async () => {
        sessionStorage.setItem(
          STORAGE_KEY,
          JSON.stringify({ state: 7, acrValues: TWO, maxAge: 900, completedAt: NOW }),
        );

        expect(await check(ADMIN, NOW + 1)).toBeFalse();
      });
    });
  });

  describe('forgetStepUp', () => {
    it('lets the same step-up start again at once after the completed one was forgotten', async () => {
      await check();
      completeStepUp(NOW);
      forgetStepUp(sent().state ?? null);

      expect(await check(ADMIN, NOW + 1)).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(2);
    });

    it('keeps the step-up of another state', async () => {
      await check();
      const state = sent().state ?? null;
      forgetStepUp('state-of-another-sign-in');

      expect(stepUpProblem(state, { acr: ONE }, NOW)).not.toBeNull();
    });
  });

  describe('markStepUpCompleted', () => {
    it('leaves the step-up of another state unfinished', async () => {
      await check();
      markStepUpCompleted('state-of-another-sign-in', NOW);

      expect(await check(ADMIN, NOW + 1)).toBeFalse();
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(2);
    });
  });
});
