// Okta access tokens are RS256 JWTs (https://developer.okta.com/docs/api/oauth2/, "Access
// token"). oidc-provider signs JWT access tokens for a resource server but does not store them,
// and its userinfo, introspection and revocation endpoints refuse them (lib/actions/userinfo.js,
// lib/shared/reject_structured_tokens.js). This module gives the tokens Okta's claims and keeps an
// index of the ones issued, so the endpoints in okta-compat.mjs can check and revoke them.
import { decodeProtectedHeader, jwtVerify } from 'jose';

import { findUserById } from './accounts.mjs';

/**
 * oidc-provider's `formats.customizers.jwt`: Okta's claim set. `scp` is an array of the granted
 * scopes, `cid` the client id, `uid` the user id and `sub` the user's login (Okta puts the username
 * in an access token's `sub`, and the user id in the ID token's). `auth_time` is when the user
 * signed in and `acr` the acr_values choice, only when the sign-in asked for one (Okta's
 * step-up guide; acr.mjs): both come from the authorization code or refresh token the access
 * token is issued for, so a refreshed token keeps the original ones, as Okta's do. A DPoP-bound
 * token keeps its `cnf`, as Okta's do.
 */
export function shapeAccessToken(ctx, token, jwt) {
  const { payload } = jwt;
  const { AuthorizationCode, RefreshToken } = ctx?.oidc?.entities ?? {};
  const source = AuthorizationCode ?? RefreshToken;
  jwt.payload = {
    ver: 1,
    jti: payload.jti,
    iss: payload.iss,
    aud: payload.aud,
    iat: payload.iat,
    exp: payload.exp,
    ...(source?.acr && { acr: source.acr }),
    cid: payload.client_id,
    uid: token.accountId,
    scp: token.scope ? token.scope.split(' ') : [],
    ...(source?.authTime !== undefined && { auth_time: source.authTime }),
    sub: findUserById(token.accountId)?.email ?? payload.sub,
    // The DPoP binding (RFC 9449 §6.1): the thumbprint of the key whose proofs the token needs.
    ...(payload.cnf && { cnf: payload.cnf }),
  };
}

export function isJwt(value) {
  try {
    decodeProtectedHeader(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Indexes the access tokens `provider` issues (by `jti`); see `verify` and `revoke`. Tokens are
 * checked against every key of `signingKeys` (signing-keys.mjs), found by `kid`, so the ones
 * signed before a key rotation stay good.
 */
export function trackAccessTokens(provider, { issuer, audience, signingKeys }) {
  const key = ({ kid }) => {
    const found = signingKeys.find(kid);
    if (!found) throw new Error(`No signing key has the kid ${kid}.`);
    return found.publicKey;
  };
  const issued = new Map(); // jti -> { grantId, expiresAt (ms) }

  // Emitted for tokens that are not stored, i.e. JWT access tokens (lib/models/base_model.js).
  provider.on('access_token.issued', (token) => {
    const now = Date.now();
    for (const [jti, entry] of issued) if (entry.expiresAt <= now) issued.delete(jti);
    issued.set(token.jti, { grantId: token.grantId, expiresAt: now + token.expiration * 1000 });
  });

  return {
    /**
     * The claims of an access token this provider issued, if it is still good: valid signature,
     * issuer, audience and lifetime, not revoked, and its grant not revoked (revoking a refresh
     * token revokes the grant and so every access token of it, RFC 7009 §2.1). Else undefined.
     */
    async verify(value) {
      let payload;
      try {
        ({ payload } = await jwtVerify(value, key, {
          issuer,
          audience,
          algorithms: ['RS256'],
          typ: 'at+jwt',
        }));
      } catch {
        return undefined;
      }
      const entry = issued.get(payload.jti);
      if (!entry) return undefined;
      const grant = await provider.Grant.find(entry.grantId);
      return grant ? payload : undefined;
    },

    revoke(jti) {
      issued.delete(jti);
    },
  };
}
