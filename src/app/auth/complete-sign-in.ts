import type { OktaAuth, Tokens } from '@okta/okta-auth-js/core';
import type { AuthConfig } from './auth-config';
import { toSafeReturnPath } from './return-path';
import { SessionGenerations } from './session-generation';
import {
  describeSignInError,
  FOREIGN_RESPONSE_MESSAGE,
  SIGN_IN_LOST_MESSAGE,
} from './sign-in-error';
import {
  forgetStepUp,
  markStepUpCompleted,
  stepUpProblem,
  UNMET_REQUIREMENTS_MESSAGE,
} from './step-up';
import {
  findIdTokenClaimsProblem,
  findIdTokenHeaderProblem,
  MAX_CLOCK_SKEW_SECONDS,
} from './token-checks';

/** What the user reads when the callback carries neither a code nor an error of this tab's. */
export const NO_SIGN_IN_MESSAGE =
  'There is no sign-in to finish here. Start again from the Sign in button.';

/** What the user reads when the session ended in another tab while the code was exchanged. */
export const SIGNED_OUT_MEANWHILE_MESSAGE =
  'You signed out in another tab while this sign-in was finishing, so it was not completed. Please sign in again.';

export type SignInOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly message: string;
      readonly returnTo: string;
      /**
       * True when the response answers no sign-in of this tab (a forged or stray link): nothing
       * was changed, and it must not count as a failed sign-in.
       */
      readonly foreign?: boolean;
    };

export interface CompleteSignInOptions {
  /** The current time in seconds, for the ID token checks. */
  readonly nowSeconds?: () => number;
  /** Ends the session in every tab (SessionSync.endSession); by default, clears this tab's tokens. */
  readonly endSession?: () => Promise<void>;
  /**
   * Called once every check passed, just before the tokens are stored and the page the user asked
   * for opens: a guard of that page may then record why it sends the user back here.
   */
  readonly onVerified?: () => void;
}

type CallbackAuth = Pick<
  OktaAuth,
  | 'token'
  | 'transactionManager'
  | 'tokenManager'
  | 'storageManager'
  | 'getOriginalUri'
  | 'handleLoginRedirect'
  | 'revokeAccessToken'
  | 'revokeRefreshToken'
>;

/**
 * Finishes the redirect sign-in from the callback URL `href`: checks the response, exchanges the
 * code (once), validates the ID token beyond what okta-auth-js does, stores the tokens and returns
 * to the page the user asked for. Never throws: every failure comes back as a readable message.
 *
 * The caller must already have removed `code` and `state` from the address bar.
 */
export async function completeSignIn(
  oktaAuth: CallbackAuth,
  config: AuthConfig,
  href: string,
  {
    nowSeconds = () => Math.floor(Date.now() / 1000),
    endSession = () => Promise.resolve(oktaAuth.tokenManager.clear()),
    onVerified = () => undefined,
  }: CompleteSignInOptions = {},
): Promise<SignInOutcome> {
  // Sign-out wins over an exchange under way: a session that ends while Okta answers is not
  // replaced by a grant made before it ended.
  const generations = new SessionGenerations(config.clientId);
  const generation = generations.current();
  const params = new URL(href).searchParams;
  const state = params.get('state');
  // Without a (matching) state, okta-auth-js falls back to this tab's last original URI.
  const returnTo = toSafeReturnPath(
    oktaAuth.getOriginalUri(state ?? undefined),
    new URL(href).origin,
  );
  // Tokens are stored only after every check passed, so a failure has none of its own to remove;
  // clearing the token manager here would also sign out the app's other tabs (they share it).
  const fail = (message: string): SignInOutcome => {
    oktaAuth.transactionManager.clear();
    // okta-auth-js caches discovery and keys for a day; a bad answer must not outlive this attempt.
    oktaAuth.storageManager.getHttpCache().clearStorage();
    return { ok: false, message, returnTo };
  };

  // Anyone can link here, with an error, a code, or nothing. Only a response whose state is this
  // tab's own sign-in came from Okta; any other must not cancel that sign-in, empty the cache,
  // count as a failed sign-in, or put its words on our page. (A state the provider tampered with
  // looks the same, and is refused the same way: its code is never exchanged.)
  const errorCode = params.get('error');
  const code = params.get('code');
  const transaction = thisTabsTransaction(oktaAuth, state);
  if (!transaction) {
    const message =
      !errorCode && !code
        ? NO_SIGN_IN_MESSAGE
        : errorCode || oktaAuth.transactionManager.load()
          ? FOREIGN_RESPONSE_MESSAGE
          : SIGN_IN_LOST_MESSAGE;
    return { ok: false, message, returnTo, foreign: true };
  }
  // okta-auth-js only throws on `error` when error_description is present too; handle both here.
  if (errorCode === 'unmet_authentication_requirements') return fail(UNMET_REQUIREMENTS_MESSAGE);
  if (errorCode) {
    return fail(describeSignInError({ errorCode, errorSummary: params.get('error_description') }));
  }
  if (!code) return fail(NO_SIGN_IN_MESSAGE);
  const nonce = transaction.nonce;

  let tokens: Tokens;
  try {
    ({ tokens } = await oktaAuth.token.parseFromUrl({ url: href }));
  } catch (error) {
    // AuthSdkError is okta-auth-js refusing what Okta sent (signature, claims, shape); HTTP and
    // OAuth errors are Okta refusing or failing to answer.
    const refusedByValidation = error instanceof Error && error.name === 'AuthSdkError';
    const message = describeSignInError(error);
    return fail(
      refusedByValidation && !isTransactionProblem(message) ? securityMessage(message) : message,
    );
  }

  // What a refused or superseded exchange brought must not stay usable at Okta (best effort).
  const revokeAll = () =>
    Promise.allSettled([
      tokens.refreshToken && oktaAuth.revokeRefreshToken(tokens.refreshToken),
      tokens.accessToken && oktaAuth.revokeAccessToken(tokens.accessToken),
    ]);

  if (generations.current() !== generation) {
    await revokeAll();
    return fail(SIGNED_OUT_MEANWHILE_MESSAGE);
  }

  const idToken = tokens.idToken;
  if (!idToken) return fail(securityMessage('Okta sent no ID token'));
  const problem =
    findIdTokenHeaderProblem(idToken.idToken) ??
    findIdTokenClaimsProblem(idToken.claims as unknown as Record<string, unknown>, {
      issuer: config.issuer,
      clientId: config.clientId,
      nonce,
      nowSeconds: nowSeconds(),
      maxClockSkewSeconds: MAX_CLOCK_SKEW_SECONDS,
    }) ??
    stepUpProblem(state, idToken.claims as unknown as Record<string, unknown>, nowSeconds());
  if (problem) {
    // Nothing of a refused answer is kept, and nothing it brought stays usable at Okta either.
    await revokeAll();
    return fail(securityMessage(problem));
  }

  // Before storing: handleLoginRedirect navigates back to the page, and a step-up guard there that
  // still finds the tokens short must see this step-up as completed, or it starts it again (a loop).
  markStepUpCompleted(state, nowSeconds(), idToken.claims.iat);
  onVerified();
  try {
    await oktaAuth.handleLoginRedirect(tokens, returnTo);
  } catch (error) {
    forgetStepUp(state);
    // handleLoginRedirect stores, then navigates. Stored tokens may already be shared with the
    // other tabs: then the session ends everywhere (a new generation, revoked), not just here.
    const stored = oktaAuth.tokenManager.getTokensSync().idToken?.idToken === idToken.idToken;
    if (stored) {
      await endSession();
      await revokeAll();
    } else {
      oktaAuth.tokenManager.clear();
    }
    return fail(describeSignInError(error));
  }
  return { ok: true };
}

/**
 * The transaction of the sign-in this tab started, if `state` is its state; otherwise null. With
 * shared transaction storage off (provide-okta-auth.ts), `load` reads this tab's sessionStorage
 * only, ignores the state it is given and changes nothing, so the state is compared here.
 */
function thisTabsTransaction(oktaAuth: CallbackAuth, state: string | null) {
  if (!state) return null;
  const transaction = oktaAuth.transactionManager.load({ state });
  return transaction?.state === state ? transaction : null;
}

function isTransactionProblem(message: string): boolean {
  return message === SIGN_IN_LOST_MESSAGE;
}

function securityMessage(problem: string): string {
  const detail = problem.replace(/\.$/, '');
  return `Okta's answer failed a security check (${detail}), so you were not signed in. Please try again.`;
}
