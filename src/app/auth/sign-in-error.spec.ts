import {
  describeSignInError,
  DPOP_KEY_LOST_MESSAGE,
  DPOP_NOT_BOUND_MESSAGE,
  DPOP_REQUIRED_MESSAGE,
  DPOP_UNSUPPORTED_MESSAGE,
} from './sign-in-error';

const ANOTHER_TAB = 'This sign-in was started in another tab or has expired. Please try again.';

describe('describeSignInError', () => {
  const cases: [string, unknown, string][] = [
    // Messages okta-auth-js 7 really throws when the PKCE verifier or state is gone.
    [
      'a missing PKCE code verifier (AuthSdkError)',
      new Error(
        'Could not load PKCE codeVerifier from storage. This may indicate the auth flow has already completed or multiple auth flows are executing concurrently.',
      ),
      ANOTHER_TAB,
    ],
    [
      'a state that does not match the request',
      { errorSummary: "OAuth flow response state doesn't match request state" },
      ANOTHER_TAB,
    ],
    ['a state mismatch in any letter case', { message: 'State Mismatch' }, ANOTHER_TAB],
    ['no transaction in storage', { errorSummary: 'No transaction data was found' }, ANOTHER_TAB],
    [
      'a PKCE error even when the code is a known one',
      { errorCode: 'access_denied', errorSummary: 'Could not load PKCE codeVerifier from storage' },
      ANOTHER_TAB,
    ],
    [
      'a rejected code (invalid_grant), whatever the description says',
      {
        errorCode: 'invalid_grant',
        errorSummary: 'The authorization code is invalid or has expired.',
      },
      'Okta did not accept this sign-in (its code was already used, has expired or belongs to another sign-in). Please try again.',
    ],
    [
      'a lost PKCE verifier even when the code is invalid_grant',
      { errorCode: 'invalid_grant', errorSummary: 'Could not load PKCE codeVerifier from storage' },
      ANOTHER_TAB,
    ],
    [
      'a description from Okta, which wins over the code',
      {
        errorCode: 'access_denied',
        errorSummary: 'User is not assigned to the client application.',
      },
      'User is not assigned to the client application.',
    ],
    [
      'a description with whitespace around it',
      { errorCode: 'server_error', errorSummary: '  The token endpoint timed out.\n' },
      'The token endpoint timed out.',
    ],
    ['an Error with only a message', new Error('Failed to fetch'), 'Failed to fetch'],
    [
      'access_denied without a description',
      { errorCode: 'access_denied', errorSummary: null },
      'Okta denied access to this app. You may not be assigned to it; ask your administrator.',
    ],
    [
      'a blank description, which counts as none',
      { errorCode: 'access_denied', errorSummary: '   ' },
      'Okta denied access to this app. You may not be assigned to it; ask your administrator.',
    ],
    ['login_required', { errorCode: 'login_required' }, 'Okta needs you to sign in again.'],
    [
      'interaction_required',
      { errorCode: 'interaction_required' },
      'Okta needs you to sign in again.',
    ],
    [
      'temporarily_unavailable',
      { errorCode: 'temporarily_unavailable' },
      'Okta could not complete the sign-in right now. Please try again in a moment.',
    ],
    [
      'server_error',
      { errorCode: 'server_error' },
      'Okta could not complete the sign-in right now. Please try again in a moment.',
    ],
    [
      'an unknown code',
      { errorCode: 'invalid_scope' },
      'Okta returned an error (invalid_scope). Please try again.',
    ],
    // DPoP: what okta-auth-js 7.14 and Okta really say, each turned into the setting to change.
    [
      'an unbound Bearer token from an Okta app without DPoP (AuthSdkError)',
      {
        errorCode: 'INTERNAL',
        errorSummary:
          'Unable to parse OAuth flow response: DPoP was configured but "token_type" was not DPoP',
      },
      DPOP_NOT_BOUND_MESSAGE,
    ],
    [
      "Okta's answer to a token request without a proof from an app that requires DPoP",
      { errorCode: 'invalid_dpop_proof', errorSummary: 'The DPoP proof JWT header is missing.' },
      DPOP_REQUIRED_MESSAGE,
    ],
    [
      'a browser without WebCrypto or IndexedDB',
      new Error('DPoP has been configured, but is not supported by browser'),
      DPOP_UNSUPPORTED_MESSAGE,
    ],
    [
      'a key pair that is gone from IndexedDB',
      new Error('Unable to locate dpop key pair required for refresh (1a2b3c)'),
      DPOP_KEY_LOST_MESSAGE,
    ],
    [
      'another refused proof, without repeating what Okta said',
      { errorCode: 'invalid_dpop_proof', errorSummary: 'DPoP proof <b>iat</b> is not recent' },
      "Okta did not accept this browser's DPoP proof. Check this device's clock and try again.",
    ],
    ['a string thrown as the error', 'Token expired', 'Token expired'],
    ['an empty object', {}, 'Sign-in failed for an unknown reason. Please try again.'],
    ['null', null, 'Sign-in failed for an unknown reason. Please try again.'],
    ['undefined', undefined, 'Sign-in failed for an unknown reason. Please try again.'],
    ['a number', 42, 'Sign-in failed for an unknown reason. Please try again.'],
    ['an empty string', '', 'Sign-in failed for an unknown reason. Please try again.'],
  ];

  for (const [what, error, expected] of cases) {
    it(`describes ${what}`, () => {
      expect(describeSignInError(error)).toBe(expected);
    });
  }
});
