// GET /api/messages: a few messages for the signed-in user. The first one names the caller from the
// token's claims, which shows the SPA (and the tests) that the API really read the access token.

import { sendJson } from '../respond.mjs';

const MINUTE_MS = 60_000;

/**
 * The scopes a token needs for this route unless API_REQUIRED_SCOPES says otherwise. Both are
 * standard OpenID scopes, so Okta's default authorization server grants them with no custom scope
 * configured, and the app asks for both by default. `openid`: a user signed in (a client
 * credentials token cannot carry it); `email`: the scope Okta's own resource-server samples
 * require for their /api/messages. A real API would rather define a scope of its own, such as
 * `messages:read`, in the authorization server and require that.
 */
export const MESSAGES_SCOPES = Object.freeze(['openid', 'email']);

export function buildMessages(claims, now = new Date()) {
  const at = (minutesAgo) => new Date(now.getTime() - minutesAgo * MINUTE_MS).toISOString();
  const caller =
    typeof claims.uid === 'string' ? `${claims.sub} (user id ${claims.uid})` : claims.sub;
  return [
    {
      id: '1',
      text: `Hello, ${caller}! The sample API checked your access token and knows who you are.`,
      date: at(0),
    },
    {
      id: '2',
      text: `Your token grants these scopes: ${formatScopes(claims.scp)}.`,
      date: at(5),
    },
    {
      id: '3',
      text: 'This list only comes back when the request carries a valid access token.',
      date: at(60),
    },
  ];
}

// Okta sends scp as an array; other authorization servers use a space-separated scope string.
function formatScopes(scp = []) {
  const scopes = Array.isArray(scp) ? scp : String(scp).split(' ');
  const names = scopes.filter((scope) => typeof scope === 'string' && scope);
  return names.length ? names.join(', ') : 'none';
}

export function createMessagesRoute({ requireToken, scopes = MESSAGES_SCOPES }) {
  return async function getMessages(req, res) {
    const claims = await requireToken(req, res, scopes);
    if (!claims) return;
    sendJson(res, 200, { messages: buildMessages(claims) });
  };
}
