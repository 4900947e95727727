// DPoP (RFC 9449) at the token endpoint, as an Okta app's setting decides it (settings.mjs,
// DPOP_MODES). oidc-provider validates the proofs, challenges them with DPoP-Nonce and binds the
// tokens (configuration.mjs, features.dPoP); this runs before it and only decides whether a proof
// is required, optional or ignored. The mode is read on every request, so that the fault switch
// can change it at run time (faults/, `dpopMode`).
import { ROUTES } from './configuration.mjs';

/** Okta's answer to a token request without a proof, for an app that requires DPoP. */
const MISSING_PROOF = Object.freeze({
  error: 'invalid_dpop_proof',
  error_description: 'The DPoP proof JWT header is missing.',
});

/** Koa middleware for /v1/token; `mode()` returns the current mode. */
export function tokenEndpointDpop(mode) {
  return async function dpopAtTokenEndpoint(ctx, next) {
    if (ctx.path !== ROUTES.token || ctx.method !== 'POST') return next();
    switch (mode()) {
      case 'off':
        // An Okta app without DPoP issues Bearer tokens whatever the client sends: drop the proof
        // before oidc-provider can bind anything to it.
        delete ctx.req.headers.dpop;
        return next();
      case 'required':
        if (!ctx.get('DPoP')) {
          ctx.status = 400;
          ctx.set('Cache-Control', 'no-store');
          ctx.body = { ...MISSING_PROOF };
          return undefined;
        }
        return next();
      default:
        return next();
    }
  };
}
