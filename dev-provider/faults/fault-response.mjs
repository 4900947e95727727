// The error answers that faults put in place of an endpoint's real one: OAuth-style JSON (RFC 6749
// §5.2), never cached. They pass through the CORS middleware like any answer, so the app's fetch
// receives them instead of failing on CORS.

/** Answers `status` with an error code that fits it, naming the fault key that asked for it. */
export function sendFaultStatus(ctx, status, key) {
  sendOAuthError(ctx, status, {
    error: errorCodeFor(status),
    error_description: `The dev provider's fault switch answers ${status} here (${key}).`,
  });
}

export function sendOAuthError(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

function errorCodeFor(status) {
  if (status === 401) return 'invalid_client';
  if (status === 503) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}
