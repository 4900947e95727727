import { inject } from '@angular/core';
import { Router, UrlTree } from '@angular/router';
import {
  acrSatisfies,
  acrValuesOf,
  authTimeFresh,
  AuthenticationRequirement,
  stepUpNeeded,
  StepUpRequest,
} from './acr';
import { CALLBACK_PATH } from './auth-paths';
import { OKTA_AUTH } from './okta-auth-token';
import { SignInAttempts } from './sign-in-attempts';
import { describeSignInError } from './sign-in-error';
import { parseStepUpChallenge } from './step-up-challenge';
import { MAX_CLOCK_SKEW_SECONDS } from './token-checks';

// Step-up sign-in (OIDC Core §3.1.2.1 acr_values and max_age; RFC 9470 for the API's challenge).
// In the Okta chunk: only a page with Okta needs it (see okta-runtime.ts).

/** What the user reads when a step-up did not bring what was asked, or would start a loop. */
export const STEP_UP_UNMET_MESSAGE =
  'This page needs a stronger or more recent sign-in than Okta gave. Please try again, or ask your administrator which sign-in it needs.';

/** The provider's answer when it cannot give the assurance asked for (OIDC Core §3.1.2.6). */
export const UNMET_REQUIREMENTS_MESSAGE =
  'Okta could not verify you as strongly as this page needs (for example with a security key your account does not have). Ask your administrator which sign-in it needs.';

const STORAGE_KEY = 'app.step-up';

/**
 * The step-up sign-in this tab started, kept in its sessionStorage (the callback comes back to
 * the tab that left): the callback checks the answer against it, and it stops a second, identical
 * step-up from starting straight after one completed.
 */
interface StepUpRecord extends StepUpRequest {
  /** The authorization request's `state`, tying the record to one sign-in. */
  readonly state: string;
  /** When the callback accepted the answer, in seconds. */
  readonly completedAt?: number;
  /** The `iat` of the ID token that answer brought: the loop rule holds only for that session. */
  readonly tokenIat?: number;
  /** When this tab's recent step-ups completed (seconds), whatever they asked for. */
  readonly completions?: readonly number[];
}

/**
 * How long after a completed step-up the same request counts as a loop rather than a new need:
 * a minute, or the maximum age itself when that is shorter (after it, re-authenticating is due).
 */
const LOOP_WINDOW_SECONDS = 60;
const MIN_LOOP_WINDOW_SECONDS = 10;
/**
 * Whatever they ask for, no more than this many step-ups complete in a tab within BUDGET_SECONDS
 * (a page's and its API's, and both again when the first grows stale, fit):
 * a page and an API that ask for requirements that do not meet each other (2fa and 1fa:pwd, say)
 * would otherwise take turns for ever, each one a new request.
 */
const STEP_UP_BUDGET = 4;
const BUDGET_SECONDS = 120;

/**
 * The step-up guard's work: lets the user through when the ID token's `acr` and `auth_time` meet
 * `requirement`; otherwise starts a sign-in with `acr_values` and `max_age` that returns to
 * `returnTo`. Call in an injection context, after the user is known to be signed in.
 */
export async function checkAuthentication(
  requirement: AuthenticationRequirement,
  returnTo: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<boolean | UrlTree> {
  const claims = inject(OKTA_AUTH).tokenManager.getTokensSync().idToken?.claims ?? {};
  const request = stepUpNeeded(
    claims as unknown as Record<string, unknown>,
    requirement,
    nowSeconds,
    MAX_CLOCK_SKEW_SECONDS,
  );
  if (!request) return true;
  const router = inject(Router);
  const attempts = inject(SignInAttempts);
  const refusal = await startStepUp(request, returnTo, nowSeconds);
  if (!refusal) return false;
  // The callback page explains, with a way back, instead of another trip to Okta.
  attempts.recordFailure(refusal);
  return router.parseUrl(CALLBACK_PATH);
}

/**
 * The interceptor's answer to an API's `insufficient_user_authentication` challenge (RFC 9470 §3):
 * a step-up sign-in that returns to `returnTo` (the page that made the request), where the page
 * calls the API again. Resolves to the sentence to show when it does not start (the same challenge
 * straight after its step-up), to null when this is no step-up to answer, or never: the page is
 * leaving for Okta.
 */
export async function answerStepUpChallenge(
  wwwAuthenticate: string | null,
  returnTo: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string | null> {
  const challenge = parseStepUpChallenge(wwwAuthenticate);
  // Not a challenge this can answer, or the page that asked is gone (a slow answer must not take
  // the user, and whatever they were typing, off to Okta): the caller handles it as a plain 401.
  if (!challenge || inject(Router).url !== returnTo) return null;
  const refusal = await startStepUp(challenge, returnTo, nowSeconds);
  return refusal ?? new Promise<string>(() => undefined);
}

/**
 * The step-up this page is starting, if any. okta-auth-js ignores a sign-in started while another
 * is under way, so a second one meanwhile (two API calls challenged at once) shares the first's
 * outcome instead of replacing the record with a state that never reaches the callback.
 */
let starting: Promise<string | null> | null = null;

/**
 * Starts the step-up sign-in, or says why not. Only the first of several `acr_values` is sent:
 * each one meets the request, and okta-auth-js requires the `acr` that comes back to equal the
 * `acr_values` it sent.
 */
function startStepUp(
  request: StepUpRequest,
  returnTo: string,
  nowSeconds: number,
): Promise<string | null> {
  starting ??= leaveForStepUp(request, returnTo, nowSeconds).finally(() => (starting = null));
  return starting;
}

async function leaveForStepUp(
  request: StepUpRequest,
  returnTo: string,
  nowSeconds: number,
): Promise<string | null> {
  const oktaAuth = inject(OKTA_AUTH);
  const last = readStepUp();
  const completions = (last?.completions ?? []).filter((at) => nowSeconds - at < BUDGET_SECONDS);
  if (completions.length >= STEP_UP_BUDGET) return STEP_UP_UNMET_MESSAGE;
  // The session the last step-up brought is still this tab's: a sign-out and a new sign-in since
  // then make the same request a new need, not a loop.
  const iat = oktaAuth.tokenManager.getTokensSync().idToken?.claims.iat;
  if (
    last &&
    isSameRequest(last, request) &&
    last.completedAt !== undefined &&
    last.tokenIat === iat
  ) {
    // At least a few seconds: a max_age of 0 is never met after the fact, so a window of 0
    // would let it loop.
    const window = Math.min(
      LOOP_WINDOW_SECONDS,
      Math.max(MIN_LOOP_WINDOW_SECONDS, request.maxAge ?? LOOP_WINDOW_SECONDS),
    );
    if (nowSeconds - last.completedAt < window) return STEP_UP_UNMET_MESSAGE;
  }
  const state = randomState();
  writeStepUp({ ...request, state, completions });
  const acrValues = request.acrValues && acrValuesOf(request.acrValues)[0];
  try {
    await oktaAuth.signInWithRedirect({
      originalUri: returnTo,
      state,
      ...(acrValues && { acrValues }),
      ...(request.maxAge !== undefined && { maxAge: request.maxAge }),
    });
    return null;
  } catch (error) {
    sessionStorage.removeItem(STORAGE_KEY);
    return describeSignInError(error);
  }
}

/**
 * For the callback: what is wrong with the ID token `claims` of the sign-in whose state is `state`
 * if it was a step-up, or null. The `acr` must meet the `acr_values` asked (OIDC Core §5.5.1.1),
 * and `auth_time` must be present and recent enough whenever `max_age` was sent (§3.1.2.1).
 */
export function stepUpProblem(
  state: string | null,
  claims: Readonly<Record<string, unknown>>,
  nowSeconds: number,
): string | null {
  const record = readStepUp();
  if (!record || record.state !== state) return null;
  const acr = typeof claims['acr'] === 'string' ? claims['acr'] : undefined;
  if (record.acrValues && !acrSatisfies(acr, record.acrValues)) {
    return `its acr ${acr ? `"${acr}"` : 'is missing and'} does not meet "${record.acrValues}"`;
  }
  if (record.maxAge !== undefined) {
    const authTime = claims['auth_time'];
    if (typeof authTime !== 'number') return 'it has no auth_time although max_age was sent';
    // The provider's clock, not ours, judged max_age: allow the same skew as for exp and iat.
    if (!authTimeFresh(authTime, record.maxAge + MAX_CLOCK_SKEW_SECONDS, nowSeconds)) {
      return `its auth_time is older than the max_age of ${record.maxAge} seconds`;
    }
  }
  return null;
}

/** The callback accepted the step-up whose state is `state`, and its ID token issued at `iat`. */
export function markStepUpCompleted(state: string | null, nowSeconds: number, iat?: number): void {
  const record = readStepUp();
  if (record && record.state === state) {
    writeStepUp({
      ...record,
      completedAt: nowSeconds,
      tokenIat: iat,
      completions: [...(record.completions ?? []), nowSeconds],
    });
  }
}

/** The step-up whose state is `state` did not complete after all (its tokens were not kept). */
export function forgetStepUp(state: string | null): void {
  if (readStepUp()?.state === state) sessionStorage.removeItem(STORAGE_KEY);
}

function isSameRequest(a: StepUpRequest, b: StepUpRequest): boolean {
  return a.acrValues === b.acrValues && a.maxAge === b.maxAge;
}

function readStepUp(): StepUpRecord | null {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof stored !== 'object' || stored === null) return null;
    // Anything else in this origin could have written the key: trust only well-typed fields.
    const { state, acrValues, maxAge, completedAt, tokenIat, completions } = stored as Record<
      string,
      unknown
    >;
    if (typeof state !== 'string' || !state) return null;
    return {
      state,
      ...(typeof acrValues === 'string' && acrValues && { acrValues }),
      ...(Number.isSafeInteger(maxAge) && (maxAge as number) >= 0 && { maxAge: maxAge as number }),
      ...(typeof completedAt === 'number' && { completedAt }),
      ...(typeof tokenIat === 'number' && { tokenIat }),
      ...(Array.isArray(completions) && {
        completions: completions.filter((at): at is number => typeof at === 'number').slice(-10),
      }),
    };
  } catch {
    return null;
  }
}

function writeStepUp(record: StepUpRecord): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(record));
}

/** 32 random bytes, base64url: as unguessable as the state okta-auth-js would make. */
function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
