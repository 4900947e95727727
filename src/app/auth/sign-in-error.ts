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

/** Okta issued a Bearer token to an app that asked for DPoP: the Okta app does not bind tokens. */
export const DPOP_NOT_BOUND_MESSAGE =
  'Okta answered with an unbound token, but this app only accepts DPoP-bound tokens (OKTA_DPOP=true). Turn on "Require DPoP" for the Okta app, or set OKTA_DPOP=false.';

/** The Okta app requires DPoP and this app sent no proof. */
export const DPOP_REQUIRED_MESSAGE =
  'The Okta app requires DPoP, but this app sent no proof (OKTA_DPOP=false). Set OKTA_DPOP=true, or turn off "Require DPoP" in the Okta app.';

/** DPoP is required and this browser cannot keep a key. */
export const DPOP_UNSUPPORTED_MESSAGE =
  'This browser cannot keep a DPoP key, and this app requires DPoP (OKTA_DPOP=true). Use another browser, or set OKTA_DPOP_ALLOW_BEARER=true.';

/** Okta asked for a DPoP nonce that the app could not read, or refused it again. */
export const DPOP_NONCE_MESSAGE =
  "Okta's DPoP-Nonce header did not reach the app (a proxy, or CORS), so you were not signed in.";

/** The tokens are DPoP-bound and the key pair is gone from this browser. */
export const DPOP_KEY_LOST_MESSAGE = "Your session's key is gone from this browser. Sign in again.";

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
  if (/"token_type" was not DPoP/.test(detail)) return DPOP_NOT_BOUND_MESSAGE;
  if (/DPoP .* not supported by browser/i.test(detail)) {
    return DPOP_UNSUPPORTED_MESSAGE;
  }
  if (/Unable to locate dpop key pair/i.test(detail)) return DPOP_KEY_LOST_MESSAGE;
  if (/dpop-nonce/i.test(detail) || errorCode === 'use_dpop_nonce') return DPOP_NONCE_MESSAGE;
  if (errorCode === 'invalid_dpop_proof') {
    return /missing/i.test(detail)
      ? DPOP_REQUIRED_MESSAGE
      : "Okta did not accept this browser's DPoP proof. Check this device's clock and try again.";
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
