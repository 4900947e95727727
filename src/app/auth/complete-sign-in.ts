import type { OktaAuth, Tokens } from '@okta/okta-auth-js/core';
import type { AuthConfig } from './auth-config';
import { toSafeReturnPath } from './return-path';
import {
  describeSignInError,
  FOREIGN_RESPONSE_MESSAGE,
  SIGN_IN_LOST_MESSAGE,
} from './sign-in-error';
import { findIdTokenClaimsProblem, findIdTokenHeaderProblem } from './token-checks';

/** okta-auth-js's default tolerance for clock differences, in seconds. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

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

type CallbackAuth = Pick<
  OktaAuth,
  | 'token'
  | 'transactionManager'
  | 'tokenManager'
  | 'storageManager'
  | 'getOriginalUri'
  | 'handleLoginRedirect'
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
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
): Promise<SignInOutcome> {
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

  // okta-auth-js only throws on `error` when error_description is present too; handle both here.
  const errorCode = params.get('error');
  if (errorCode) {
    // Anyone can link here with an error. Only one whose state is this tab's own sign-in came from
    // Okta; any other must not cancel that sign-in, empty the cache, or put its words on our page.
    if (!isThisTabsSignIn(oktaAuth, state)) {
      return { ok: false, message: FOREIGN_RESPONSE_MESSAGE, returnTo, foreign: true };
    }
    return fail(describeSignInError({ errorCode, errorSummary: params.get('error_description') }));
  }
  if (!params.get('code'))
    return fail('There is no sign-in to finish here. Start again from the Sign in button.');

  const transaction = oktaAuth.transactionManager.load({ state: state ?? undefined });
  if (!transaction) return fail(SIGN_IN_LOST_MESSAGE);
  if (!state || transaction.state !== state) {
    return fail(
      'The answer from Okta does not belong to this sign-in (state mismatch). Please try again.',
    );
  }
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
    });
  if (problem) return fail(securityMessage(problem));

  try {
    await oktaAuth.handleLoginRedirect(tokens, returnTo);
  } catch (error) {
    oktaAuth.tokenManager.clear();
    return fail(describeSignInError(error));
  }
  return { ok: true };
}

/**
 * True when `state` is that of the sign-in this tab started. With shared transaction storage off
 * (provide-okta-auth.ts), `load` reads this tab's sessionStorage only, ignores the state it is
 * given and changes nothing, so the state is compared here.
 */
function isThisTabsSignIn(oktaAuth: CallbackAuth, state: string | null): boolean {
  if (!state) return false;
  return oktaAuth.transactionManager.load({ state })?.state === state;
}

function isTransactionProblem(message: string): boolean {
  return message === SIGN_IN_LOST_MESSAGE;
}

function securityMessage(problem: string): string {
  const detail = problem.replace(/\.$/, '');
  return `Okta's answer failed a security check (${detail}), so you were not signed in. Please try again.`;
}
