// GET /api/health: unauthenticated readiness probe for scripts and e2e setup. It deliberately does
// not contact the issuer, so it reports whether this process is serving, nothing more.

import { sendJson } from '../respond.mjs';

export function getHealth(req, res) {
  sendJson(res, 200, { status: 'ok' });
}
