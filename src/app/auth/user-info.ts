import { inject } from '@angular/core';
import type { OktaAuth, UserClaims } from '@okta/okta-auth-js/core';
import { AuthConfig, requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync, UNUSABLE_SESSION_MESSAGE } from './session-sync';
import { describeSignInError } from './sign-in-error';
import { canUseBinding, isDpopType } from './token-set-checks';

// A chunk of its own: only the profile page asks for it, through AuthSession.fetchUserInfo().

/**
 * The user's claims from Okta's /v1/userinfo. okta-auth-js rejects an answer whose `sub` differs
 * from the ID token's (OIDC Core §5.3.2); such a mix-up means the tokens can't be trusted, so the
 * local session ends too.
 */
export async function fetchUserInfo(): Promise<UserClaims> {
  const oktaAuth = inject(OKTA_AUTH);
  const config = inject(AUTH_CONFIG);
  const sessionSync = inject(SessionSync);
  try {
    return await userInfo(oktaAuth, config, sessionSync);
  } catch (error) {
    if (/token mismatch/i.test((error as Error | undefined)?.message ?? '')) {
      void sessionSync.endSession();
      throw new Error(
        "Okta's user information was for a different user than your sign-in, so you were signed out here. Please sign in again.",
      );
    }
    throw new Error(describeSignInError(error));
  }
}

/**
 * okta-auth-js's getUser() sends every token with the DPoP scheme and a proof once DPoP is on,
 * an unbound token too (the Bearer fallback of `dpopAllowBearer`), and userinfo refuses an
 * unbound token presented as DPoP. Such a token goes as Bearer, with getUser()'s own check.
 */
async function userInfo(
  oktaAuth: OktaAuth,
  config: AuthConfig,
  sessionSync: SessionSync,
): Promise<UserClaims> {
  const { accessToken, idToken } = oktaAuth.tokenManager.getTokensSync();
  const binding = {
    oktaDpop: !!oktaAuth.options.dpop,
    requireDpop: requiresDpop(config),
  };
  if (accessToken && !canUseBinding(accessToken.tokenType, binding)) {
    // Neither getUser() nor Bearer may send it: a bound token without its proof, or an unbound
    // one while DPoP is required. The session cannot be used, as the interceptor finds too.
    sessionSync.endUnusableSession();
    throw new Error(UNUSABLE_SESSION_MESSAGE);
  }
  if (!oktaAuth.options.dpop || !accessToken || isDpopType(accessToken.tokenType)) {
    // okta-auth-js's HTTP layer adds the response's headers to every JSON answer it parses
    // (http/request.js): transport, not claims.
    const claims: UserClaims & { headers?: unknown } = { ...(await oktaAuth.getUser()) };
    delete claims.headers;
    return claims;
  }
  const response = await fetch(accessToken.userinfoUrl, {
    headers: { Authorization: `Bearer ${accessToken.accessToken}` },
    signal: AbortSignal.timeout(config.requestTimeoutSeconds * 1000),
  });
  if (!response.ok) {
    throw new Error(`Okta's userinfo endpoint did not answer (${response.status}).`);
  }
  const info = (await response.json()) as UserClaims;
  if (info.sub !== idToken?.claims.sub) {
    throw new Error('getUserInfo request was rejected due to token mismatch');
  }
  return info;
}
