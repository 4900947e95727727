// DPoP (RFC 9449) at the token endpoint, as an Okta app's setting decides it (settings.mjs,
// DPOP_MODES). oidc-provider validates the proofs, challenges them with DPoP-Nonce and binds the
// tokens (configuration.mjs, features.dPoP); this runs before it and decides whether a proof is
// required, optional or ignored, and refuses a proof whose key the sample API would refuse (see
// proofHeaderProblem) before oidc-provider spends a signature verification on it. The mode is
// read on every request, so that the fault switch can change it at run time (faults/,
// `dpopMode`). create-server.mjs rewrites every spelling of /v1/token that oidc-provider's router
// would take (/V1/TOKEN, /v1/token/) to that path, so the exact comparison below sees them all.
import { decodeProtectedHeader } from 'jose';

import { proofHeaderProblem } from '../api/dpop-proof.mjs';
import { ROUTES } from './configuration.mjs';

/** Okta's answer to a token request without a proof, for an app that requires DPoP. */
const MISSING_PROOF = Object.freeze({
  error: 'invalid_dpop_proof',
  error_description: 'The DPoP proof JWT header is missing.',
});

/**
 * A proof whose algorithm or key the API would refuse: an RSA key must have e = 65537 and 2048 to
 * 4096 bits, for instance. Fixed words: nothing from the proof is quoted.
 */
const UNACCEPTED_KEY = Object.freeze({
  error: 'invalid_dpop_proof',
  error_description: 'The DPoP proof header names an algorithm or key this server does not accept.',
});

/** Koa middleware for /v1/token; `mode()` returns the current mode. */
export function tokenEndpointDpop(mode) {
  return async function dpopAtTokenEndpoint(ctx, next) {
    if (ctx.path !== ROUTES.token || ctx.method !== 'POST') return next();
    const currentMode = mode();
    if (currentMode === 'off') {
      // An Okta app without DPoP issues Bearer tokens whatever the client sends: drop the proof
      // before oidc-provider can bind anything to it.
      delete ctx.req.headers.dpop;
      return next();
    }
    const proof = ctx.get('DPoP');
    if (!proof) {
      if (currentMode === 'required') return refuse(ctx, MISSING_PROOF);
      return next();
    }
    if (keyProblem(proof)) return refuse(ctx, UNACCEPTED_KEY);
    return next();
  };
}

// A header that does not even decode is left to oidc-provider, which refuses it in its own words.
function keyProblem(proof) {
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return undefined;
  }
  return proofHeaderProblem(header);
}

function refuse(ctx, body) {
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { ...body };
  return undefined;
}
