// Response helpers shared by the router, the token check and the routes, so every response gets the
// same headers and a JSON body.

// Every response is JSON that must never be rendered, framed, sniffed or cached: messages are
// per-user, and a cached 401 or CORS decision would outlive the token or config it was based on.
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

export function setSecurityHeaders(res) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

export function sendJson(res, status, body, headers = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function sendEmpty(res, status, headers = {}) {
  res.writeHead(status, headers);
  res.end();
}

export function sendError(res, status, error, message, headers = {}) {
  sendJson(res, status, { error, message }, headers);
}
