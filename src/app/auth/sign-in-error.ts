/** What okta-auth-js errors (AuthSdkError, OAuthError) and callback query parameters look like. */
export interface SignInErrorLike {
  readonly errorCode?: string | null;
  readonly errorSummary?: string | null;
  readonly message?: string;
}

/** What the user reads when this tab holds no transaction for the callback it landed on. */
export const SIGN_IN_LOST_MESSAGE =
  'This sign-in was started in another tab or has expired. Please try again.';

/**
 * What the user reads when the callback carries an error that answers no sign-in of this tab: a
 * link anyone could have crafted, so none of its words are shown.
 */
export const FOREIGN_RESPONSE_MESSAGE =
  'This sign-in link did not come from this browser, so nothing was changed. If you were signing in, finish in the tab where you started, or use Try again.';

/**
 * A sentence a user can act on, for any error the sign-in redirect can end with.
 * The text is rendered with interpolation, never as HTML: provider text is untrusted.
 */
export function describeSignInError(error: unknown): string {
  const { errorCode, errorSummary, message } = asErrorLike(error);
  const detail = (errorSummary || message || '').trim();
  if (/PKCE codeVerifier|state doesn't match|state mismatch|No transaction/i.test(detail)) {
    return SIGN_IN_LOST_MESSAGE;
  }
  if (errorCode === 'invalid_grant') {
    return 'Okta did not accept this sign-in (its code was already used, has expired or belongs to another sign-in). Please try again.';
  }
  if (detail) return detail;
  switch (errorCode) {
    case 'access_denied':
      return 'Okta denied access to this app. You may not be assigned to it; ask your administrator.';
    case 'login_required':
    case 'interaction_required':
      return 'Okta needs you to sign in again.';
    case 'temporarily_unavailable':
    case 'server_error':
      return 'Okta could not complete the sign-in right now. Please try again in a moment.';
    default:
      return errorCode
        ? `Okta returned an error (${errorCode}). Please try again.`
        : 'Sign-in failed for an unknown reason. Please try again.';
  }
}

function asErrorLike(error: unknown): SignInErrorLike {
  if (typeof error === 'object' && error !== null) return error as SignInErrorLike;
  return { message: typeof error === 'string' ? error : undefined };
}
