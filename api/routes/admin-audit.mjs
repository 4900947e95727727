// GET /api/admin/audit: a sensitive read that needs more than a valid token. The user must have
// signed in strongly enough (API_ADMIN_ACR) and recently enough (API_ADMIN_MAX_AGE), which the API
// reads from the access token's acr and auth_time; a token that falls short gets an RFC 9470
// step-up challenge (require-token.mjs), so the app can sign the user in again and retry.
//
// It does not check the admin group: the app's /admin page does, from the ID token, but Okta puts
// groups in access tokens only through a custom claim. A real API would require that claim too.

import { sendJson } from '../respond.mjs';

const MINUTE_MS = 60_000;

/**
 * The scopes a token needs for this route unless API_REQUIRED_SCOPES says otherwise: `openid`, a
 * user signed in. A step-up is about a user's authentication, which a client credentials token
 * does not have.
 */
export const ADMIN_AUDIT_SCOPES = Object.freeze(['openid']);

// The entries name the acr and auth_time the API read, which shows the app (and the tests) that the
// step-up reached the API.
export function buildAuditEvents(claims, now = new Date()) {
  const at = (minutesAgo) => new Date(now.getTime() - minutesAgo * MINUTE_MS).toISOString();
  const signedIn = new Date(typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : NaN);
  const acr = typeof claims.acr === 'string' ? claims.acr : 'no acr';
  return [
    { id: '1', text: `${claims.sub} opened the audit log.`, date: at(0) },
    {
      id: '2',
      text: `${claims.sub} signed in with ${acr}.`,
      date: Number.isNaN(signedIn.getTime()) ? at(0) : signedIn.toISOString(),
    },
    {
      id: '3',
      text: 'This log opens only after a strong and recent sign-in: see API_ADMIN_ACR and API_ADMIN_MAX_AGE.',
      date: at(60),
    },
  ];
}

/** `authentication`: `{ acr, maxAgeSeconds }`, what the user's sign-in must meet. */
export function createAdminAuditRoute({
  requireToken,
  scopes = ADMIN_AUDIT_SCOPES,
  authentication,
}) {
  if (!authentication) {
    throw new TypeError('The admin audit route needs an authentication requirement.');
  }
  return async function getAdminAudit(req, res) {
    const claims = await requireToken(req, res, scopes, authentication);
    if (!claims) return;
    sendJson(res, 200, { events: buildAuditEvents(claims) });
  };
}
