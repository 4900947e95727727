// Koa middleware, run before oidc-provider's router, for the places where Okta and oidc-provider
// differ in a way @okta/okta-auth-js notices. Paths are relative to the issuer (create-server.mjs
// mounts the provider there, and runs `trustedOriginCors` first, then `oktaCompat`).
import {
  createDpopVerifier,
  DPOP_ALGORITHMS,
  DpopProofError,
  DpopReplayCheckError,
} from '../api/dpop-proof.mjs';
import { createMemoryReplayCache } from '../api/replay-cache.mjs';
import { ROUTES } from './configuration.mjs';
import { claimsForScopes, findUserById, scopeClaims } from './accounts.mjs';
import { GRANT_NOT_ALLOWED, grantTypeRefusal } from './app-settings.mjs';
import { isJwt } from './access-tokens.mjs';
import { tokenEndpointDpop } from './dpop.mjs';
import { BodyError, readForm } from './request-body.mjs';

/** The endpoints the SPA calls with fetch: discovery, keys, token, userinfo, revoke, introspect. */
const CORS_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  ROUTES.jwks,
  ROUTES.token,
  ROUTES.userinfo,
  ROUTES.revocation,
  ROUTES.introspection,
]);

/**
 * Where okta-auth-js reads response headers: the DPoP-Nonce challenge of the token endpoint (and,
 * per RFC 9449 §9, of resource servers) and WWW-Authenticate errors. A browser hides any response
 * header that Access-Control-Expose-Headers does not name.
 */
const DPOP_NONCE_PATHS = new Set([ROUTES.token, ROUTES.userinfo]);

/**
 * `settings` are withDerivedSettings's; `dpopMode()` is the current DPoP mode of the SPA's app
 * (settings.mjs, DPOP_MODES).
 */
export function oktaCompat({ provider, settings, issuer, accessTokens, dpopMode }) {
  const dpopProofs = createDpopVerifier({ replayCache: createMemoryReplayCache() });
  const claimsTable = scopeClaims(settings.groupsClaim);
  const context = { provider, settings, issuer, accessTokens, dpopProofs, claimsTable };
  const hasRefreshGrant = settings.grantTypes.includes('refresh_token');
  return [
    // Without the refresh token grant oidc-provider drops offline_access anyway: no consent needed.
    ...(hasRefreshGrant ? [keepOfflineAccess] : []),
    tokenEndpointDpop(dpopMode),
    tokenGrantTypes(settings.grantTypes),
    route(['GET', 'POST'], ROUTES.userinfo, userinfo, context),
    route(['POST'], ROUTES.revocation, revoke, context),
    route(['POST'], ROUTES.introspection, introspect, context),
  ];
}

/**
 * CORS for the trusted origins only (Okta's Security → API → Trusted Origins with CORS; the app
 * origins unless DEV_PROVIDER_TRUSTED_ORIGINS says otherwise). oidc-provider's own CORS answers any
 * origin on discovery and keys, and every preflight; this runs before it (and before the fault
 * switch's faults, which thus keep these headers) and has the final word: an allowed origin is
 * echoed (oidc-provider then leaves the headers alone), any other origin gets none. A preflight
 * from another origin is still answered 204, without any Access-Control-* header, which the
 * browser reports as "No 'Access-Control-Allow-Origin' header is present", as it does for Okta.
 */
export function trustedOriginCors(trustedOrigins) {
  const allowed = new Set(trustedOrigins);
  return async function cors(ctx, next) {
    if (!CORS_PATHS.has(ctx.path)) return next();
    ctx.vary('Origin');
    const origin = ctx.get('Origin');
    const isAllowed = allowed.has(origin);

    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      if (isAllowed) {
        ctx.set('Access-Control-Allow-Origin', origin);
        ctx.set('Access-Control-Allow-Methods', 'GET, POST');
        // okta-auth-js sends Authorization, Content-Type, DPoP and X-Okta-User-Agent-Extended.
        const requested = ctx.get('Access-Control-Request-Headers');
        if (requested) ctx.set('Access-Control-Allow-Headers', requested);
        ctx.set('Access-Control-Max-Age', '3600');
      }
      ctx.status = 204;
      return;
    }

    if (isAllowed) {
      ctx.set('Access-Control-Allow-Origin', origin);
      // okta-auth-js reads userinfo errors from WWW-Authenticate, and the DPoP nonce a token
      // request is challenged with from DPoP-Nonce. oidc-provider's own CORS would expose both
      // on the token endpoint, but it stands aside once these headers are set.
      ctx.set(
        'Access-Control-Expose-Headers',
        DPOP_NONCE_PATHS.has(ctx.path) ? 'WWW-Authenticate, DPoP-Nonce' : 'WWW-Authenticate',
      );
    }
    await next();
    if (!isAllowed) {
      ctx.remove('Access-Control-Allow-Origin');
      ctx.remove('Access-Control-Expose-Headers');
    }
  };
}

/**
 * oidc-provider drops the offline_access scope unless the request has prompt=consent (OIDC Core
 * §11, lib/actions/authorization/scopes.js). Okta grants it to any app allowed the refresh token
 * grant, which is the "other condition" §11 permits. So ask for consent on the app's behalf;
 * interactions.mjs approves it without showing a page. prompt=none cannot be combined with consent,
 * so such (silent) requests keep oidc-provider's behaviour and get no refresh token.
 */
function keepOfflineAccess(ctx, next) {
  if (ctx.method === 'GET' && ctx.path === ROUTES.authorization) {
    const { scope, prompt = '' } = ctx.query;
    if (typeof scope === 'string' && typeof prompt === 'string') {
      const prompts = new Set(prompt.split(' ').filter(Boolean));
      const wantsOffline = scope.split(' ').includes('offline_access');
      if (wantsOffline && !prompts.has('none') && !prompts.has('consent')) {
        prompts.add('consent');
        ctx.query = { ...ctx.query, prompt: [...prompts].join(' ') };
      }
    }
  }
  return next();
}

/** The grants the client may use, whose "Grant type" setting tokenGrantTypes plays. */
const TOKEN_GRANTS = new Set(['authorization_code', 'refresh_token']);

/**
 * The app's "Grant type" setting at /v1/token: a grant the app does not have is refused with
 * Okta's 400 unauthorized_client. oidc-provider refuses the refresh token grant itself when it is
 * not registered (configuration.mjs), with invalid_request and before any DPoP nonce challenge or
 * token lookup; this rewords that answer. The authorization code grant stays registered, but no
 * code is issued to an app without it (app-settings.mjs), so its answer is replaced the same way.
 */
function tokenGrantTypes(grantTypes) {
  const allowed = new Set(grantTypes);
  const refusal = { error: 'unauthorized_client', error_description: grantTypeRefusal(grantTypes) };
  return async function grantTypeSetting(ctx, next) {
    if (ctx.path !== ROUTES.token || ctx.method !== 'POST') return next();
    await next();
    // oidc-provider has parsed the form by now (lib/shared/selective_body.js).
    const grant = ctx.oidc?.body?.grant_type;
    if (!TOKEN_GRANTS.has(grant) || allowed.has(grant)) return;
    if (grant === 'refresh_token' && ctx.body?.error_description !== GRANT_NOT_ALLOWED) return;
    ctx.status = 400;
    ctx.remove('DPoP-Nonce');
    ctx.body = { ...refusal };
  };
}

/** Runs `handler` for `path`, answering its OAuth errors as JSON (RFC 6749 §5.2). */
function route(methods, path, handler, context) {
  return async function oktaEndpoint(ctx, next) {
    if (ctx.path !== path || !methods.includes(ctx.method)) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      await handler(ctx, context);
    } catch (err) {
      if (err instanceof BodyError) {
        sendError(ctx, new OAuthError(400, 'invalid_request', err.message));
      } else if (err instanceof OAuthError) {
        sendError(ctx, err);
      } else {
        throw err;
      }
    }
  };
}

class OAuthError extends Error {
  constructor(status, code, description, headers = {}) {
    super(description);
    Object.assign(this, { status, code, headers });
  }
}

function sendError(ctx, err) {
  ctx.status = err.status;
  ctx.set(err.headers);
  ctx.body = { error: err.code, error_description: err.message };
}

/**
 * Okta's /v1/userinfo takes the JWT access token issued for the API audience; oidc-provider's only
 * takes tokens without an audience. Answers `sub` and the claims of the token's scopes. A
 * DPoP-bound token (`cnf.jkt`) must come with the DPoP scheme and a proof signed by its key (RFC
 * 9449 §7.1), never as Bearer; an unbound one with the Bearer scheme. No DPoP-Nonce is asked for:
 * okta-auth-js would not retry such a challenge here.
 */
async function userinfo(ctx, { accessTokens, issuer, dpopProofs, claimsTable }) {
  const refuse = (scheme, code, description, status = 401) =>
    challenge({ scheme, realm: issuer, status, code, description });

  const [, scheme = '', token] =
    /^(Bearer|DPoP) +([\w.~+/-]+=*)$/i.exec(ctx.get('Authorization')) ?? [];
  if (!token) throw refuse('Bearer', 'invalid_request', 'The access token is missing.');
  const isDpop = scheme.toLowerCase() === 'dpop';

  const claims = await accessTokens.verify(token);
  const user = claims && findUserById(claims.uid);
  if (!user) throw refuse(isDpop ? 'DPoP' : 'Bearer', 'invalid_token', INVALID_TOKEN);
  const jkt = claims.cnf?.jkt;
  // No downgrade: a stolen bound token must not work as a Bearer token.
  if (jkt && !isDpop) throw refuse('DPoP', 'invalid_token', BOUND_TOKEN_AS_BEARER);
  if (!jkt && isDpop) throw refuse('DPoP', 'invalid_token', UNBOUND_TOKEN_AS_DPOP);
  if (jkt) {
    try {
      await dpopProofs.verify({
        proofs: ctx.req.headersDistinct.dpop ?? [],
        method: ctx.method,
        // The issuer's own URL, never one built from request headers.
        url: `${issuer}${ROUTES.userinfo}`,
        accessToken: token,
        jkt,
      });
    } catch (err) {
      if (err instanceof DpopProofError) throw refuse('DPoP', err.error, err.message);
      // The replay cache is full of fresh proofs: this one may be good, but cannot be told apart
      // from a replay for a moment.
      if (err instanceof DpopReplayCheckError) {
        throw new OAuthError(503, 'temporarily_unavailable', 'Try again shortly.', {
          'Retry-After': '5',
        });
      }
      throw err;
    }
  }
  if (!claims.scp.includes('openid')) {
    throw refuse(jkt ? 'DPoP' : 'Bearer', 'insufficient_scope', MISSING_OPENID_SCOPE, 403);
  }
  ctx.body = claimsForScopes(user, claims.scp, claimsTable);
}

// Within the characters okta-auth-js's WWW-Authenticate parser reads in a quoted value.
const INVALID_TOKEN = 'The access token is invalid.';
const BOUND_TOKEN_AS_BEARER =
  'The access token is DPoP-bound and needs the DPoP scheme and a DPoP proof.';
const UNBOUND_TOKEN_AS_DPOP = 'The access token is not DPoP-bound and needs the Bearer scheme.';
const MISSING_OPENID_SCOPE = 'The access token must have the openid scope.';

/**
 * An OAuth error with its WWW-Authenticate challenge (RFC 6750 §3, RFC 9449 §7.1); the DPoP
 * scheme also lists the proof algorithms accepted.
 */
function challenge({ scheme, realm, status, code, description }) {
  const params = [
    `realm="${quoted(realm)}"`,
    `error="${code}"`,
    `error_description="${quoted(description)}"`,
    ...(scheme === 'DPoP' ? [`algs="${DPOP_ALGORITHMS.join(' ')}"`] : []),
  ];
  return new OAuthError(status, code, description, {
    'WWW-Authenticate': `${scheme} ${params.join(', ')}`,
  });
}

// A quoted-string (RFC 9110 §5.6.4) may not hold a bare quote or backslash.
function quoted(value) {
  return value.replace(/["\\]/g, "'");
}

/**
 * RFC 7009 revocation, answered here for two reasons: okta-auth-js authenticates a public client
 * with `Authorization: Basic base64(client_id)` (no colon, see its oidc/revokeToken.js), which
 * oidc-provider rejects as malformed; and oidc-provider refuses to revoke JWT access tokens.
 * Unknown, expired or foreign tokens get 200 too (RFC 7009 §2.2).
 */
async function revoke(ctx, { provider, settings, accessTokens }) {
  const form = await readForm(ctx, { single: ['token', 'token_type_hint', 'client_id'] });
  const clientId = authenticateClient(ctx, form, settings);
  const token = requireToken(form);

  if (isJwt(token)) {
    const claims = await accessTokens.verify(token);
    if (claims?.cid === clientId) accessTokens.revoke(claims.jti);
  } else {
    const refreshToken = await provider.RefreshToken.find(token);
    if (refreshToken?.clientId === clientId) await revokeGrant(provider, refreshToken);
  }
  ctx.status = 200;
  ctx.body = '';
}

/**
 * Revoking a refresh token revokes its grant: every refresh token, code and access token of it
 * (RFC 7009 §2.1; oidc-provider's own revocation does the same, lib/helpers/revoke.js).
 */
async function revokeGrant(provider, refreshToken) {
  const { grantId } = refreshToken;
  await Promise.all([
    refreshToken.destroy(),
    provider.RefreshToken.revokeByGrantId(grantId),
    provider.AuthorizationCode.revokeByGrantId(grantId),
    provider.Grant.adapter.destroy(grantId),
  ]);
}

/**
 * RFC 7662 introspection for this client's access and refresh tokens, with Okta's response fields
 * (`username`, `uid`), for the same reasons as `revoke`.
 */
async function introspect(ctx, { provider, settings, accessTokens, issuer }) {
  const form = await readForm(ctx, { single: ['token', 'token_type_hint', 'client_id'] });
  const clientId = authenticateClient(ctx, form, settings);
  const token = requireToken(form);
  ctx.body = { active: false };

  if (isJwt(token)) {
    const claims = await accessTokens.verify(token);
    if (claims?.cid !== clientId) return;
    ctx.body = {
      active: true,
      scope: claims.scp.join(' '),
      username: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
      // RFC 9449 §6.2: a bound token is introspected with its confirmation.
      token_type: claims.cnf?.jkt ? 'DPoP' : 'Bearer',
      client_id: claims.cid,
      uid: claims.uid,
      ...(claims.cnf && { cnf: claims.cnf }),
    };
    return;
  }

  const refreshToken = await provider.RefreshToken.find(token);
  if (!refreshToken?.isValid || refreshToken.clientId !== clientId) return;
  if (!(await provider.Grant.find(refreshToken.grantId))) return;
  const username = findUserById(refreshToken.accountId)?.email;
  ctx.body = {
    active: true,
    scope: refreshToken.scope,
    username,
    exp: refreshToken.exp,
    iat: refreshToken.iat,
    sub: username,
    iss: issuer,
    client_id: refreshToken.clientId,
    uid: refreshToken.accountId,
    // The key a refresh needs a proof of (oidc-provider binds public clients' refresh tokens).
    ...(refreshToken.jkt && { cnf: { jkt: refreshToken.jkt } }),
  };
}

/**
 * The public client identifies itself with `client_id` in the form or with HTTP Basic, where
 * okta-auth-js sends the bare client id (no colon and no secret). A secret is refused: the client
 * is public (token_endpoint_auth_method none).
 */
function authenticateClient(ctx, form, settings) {
  let clientId = form.get('client_id') ?? undefined;
  const header = ctx.get('Authorization');

  if (header) {
    const [scheme, credentials, ...extra] = header.split(' ');
    if (scheme.toLowerCase() !== 'basic' || !credentials || extra.length) {
      throw new OAuthError(400, 'invalid_request', 'The Authorization header is malformed.');
    }
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const basicId = colon === -1 ? decoded : decodeFormComponent(decoded.slice(0, colon));
    if (colon !== -1 && decoded.slice(colon + 1)) {
      throw new OAuthError(401, 'invalid_client', 'This client is public and has no secret.');
    }
    if (clientId !== undefined && clientId !== basicId) {
      throw new OAuthError(400, 'invalid_request', 'The client_id values do not match.');
    }
    clientId = basicId;
  }

  if (!clientId) throw new OAuthError(401, 'invalid_client', 'No client credentials found.');
  if (clientId !== settings.clientId) {
    throw new OAuthError(401, 'invalid_client', 'The client is not known to this provider.');
  }
  return clientId;
}

// RFC 6749 §2.3.1: the client id in Basic credentials is form-urlencoded first.
function decodeFormComponent(value) {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError(400, 'invalid_request', 'The Authorization header is malformed.');
  }
}

function requireToken(form) {
  const token = form.get('token');
  if (!token) throw new OAuthError(400, 'invalid_request', 'The token parameter is required.');
  return token;
}
