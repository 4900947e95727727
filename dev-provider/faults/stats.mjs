// Request counters for the security tests: they prove what the app did not do, such as looping
// through /v1/authorize or exchanging one code twice. Reset with the faults (DELETE /__test__/faults).
import { ROUTES } from '../configuration.mjs';

/** Counted paths under the issuer. Resumes (/v1/authorize/<uid>) are not new requests. */
const ENDPOINTS = new Map([
  [ROUTES.authorization, 'authorize'],
  [ROUTES.token, 'token'],
  [ROUTES.jwks, 'keys'],
  ['/.well-known/openid-configuration', 'discovery'],
  ['/.well-known/oauth-authorization-server', 'discovery'],
  [ROUTES.userinfo, 'userinfo'],
  [ROUTES.revocation, 'revoke'],
  [ROUTES.end_session, 'logout'],
  [ROUTES.introspection, 'introspect'],
]);

const NAMES = [...new Set(ENDPOINTS.values())];
const COUNTERS = [...NAMES, ...NAMES.map((name) => `${name}Preflight`)];
const GRANTS = ['authorization_code', 'refresh_token'];

/** `heldAnswers` reports how many /v1/token answers `tokenHold` holds now (held-answers.mjs). */
export function createStats({ heldAnswers = () => 0 } = {}) {
  let counts;
  let grants;
  let dpopNonceChallenges;
  const reset = () => {
    counts = Object.fromEntries(COUNTERS.map((name) => [name, 0]));
    grants = Object.fromEntries(GRANTS.map((name) => [name, 0]));
    dpopNonceChallenges = 0;
  };
  reset();

  return {
    reset,
    snapshot: () => ({
      ...counts,
      tokenGrants: { ...grants },
      dpopNonceChallenges,
      heldTokenAnswers: heldAnswers(),
    }),
    /** Counts a token request by its grant_type (only the two grants the client may use). */
    countGrant(grantType) {
      if (GRANTS.includes(grantType)) grants[grantType] += 1;
    },
    /** Counts a token request answered use_dpop_nonce (not counted as a grant). */
    countDpopNonceChallenge() {
      dpopNonceChallenges += 1;
    },
    /**
     * Koa middleware, first in line so that it also sees the CORS preflights (any OPTIONS request,
     * counted as `<endpoint>Preflight`) that the CORS middleware answers on its own.
     */
    countRequests(ctx, next) {
      const name = ENDPOINTS.get(ctx.path);
      if (name) counts[ctx.method === 'OPTIONS' ? `${name}Preflight` : name] += 1;
      return next();
    },
  };
}
