// Faults of /v1/token, for both grants the client uses (authorization_code and refresh_token):
// tokenStatus, tokenError, idToken, idTokenSignature, tokenResponse, tokenStallMs and tokenHold;
// tokenGrant limits the ones applied to oidc-provider's answer to one grant. DPoP nonce challenges
// pass through untouched.
import { ROUTES } from '../configuration.mjs';
import { readForm } from '../request-body.mjs';
import { sendFaultStatus, sendOAuthError } from './fault-response.mjs';
import { createIdTokenForger } from './id-token.mjs';
import { abandon, stall } from './stall.mjs';

export function tokenFaults({ state, stats, signingKeys, held }) {
  const forgeIdToken = createIdTokenForger(signingKeys);

  return async function tokenEndpointFaults(ctx, next) {
    if (ctx.path !== ROUTES.token || ctx.method !== 'POST') return next();
    // One fault set for the whole request, even if a test replaces it meanwhile.
    const faults = state.current;
    let applies = true;

    if (faults.tokenStatus !== undefined || faults.tokenError !== undefined) {
      // Answered before oidc-provider sees the request, so the code or refresh token stays unused.
      stats.countGrant(await readGrantType(ctx));
      if (faults.tokenStatus !== undefined) {
        sendFaultStatus(ctx, faults.tokenStatus, 'tokenStatus');
      } else {
        sendOAuthError(ctx, faults.tokenError === 'invalid_client' ? 401 : 400, {
          error: faults.tokenError,
        });
      }
    } else {
      await next();
      // A DPoP nonce challenge comes before the grant (nothing is consumed), and the client
      // retries it at once: the retry is the request the faults and the grant counters are for.
      if (isDpopNonceChallenge(ctx)) {
        stats.countDpopNonceChallenge();
        return;
      }
      // oidc-provider has parsed the form by now (lib/shared/selective_body.js).
      const grant = ctx.oidc?.body?.grant_type;
      stats.countGrant(grant);
      applies = faults.tokenGrant === undefined || faults.tokenGrant === grant;
      if (applies) await alterTokens(ctx, faults, forgeIdToken);
    }
    if (!applies) return;

    // The request has been handled (a code is consumed, tokens issued); only the answer waits.
    if (faults.tokenHold && !(await held.hold(ctx))) return abandon(ctx);
    if (faults.tokenStallMs !== undefined && !(await stall(ctx, faults.tokenStallMs))) {
      abandon(ctx);
    }
  };
}

async function alterTokens(ctx, faults, forgeIdToken) {
  const { body } = ctx;
  if (ctx.status !== 200 || typeof body?.id_token !== 'string') return;
  const altered = { ...body };
  if (faults.idToken || faults.idTokenSignature) {
    altered.id_token = await forgeIdToken(body.id_token, faults);
  }
  if (faults.tokenResponse === 'omit-id-token') delete altered.id_token;
  ctx.body = altered;
}

function isDpopNonceChallenge(ctx) {
  return ctx.status === 400 && ctx.body?.error === 'use_dpop_nonce';
}

// Only for the counters: a body that cannot be read simply counts as no grant.
async function readGrantType(ctx) {
  try {
    return (await readForm(ctx)).get('grant_type') ?? undefined;
  } catch {
    return undefined;
  }
}
