// CORS for the SPA. Only the configured app origins may read responses; every other origin gets a
// response without Access-Control-Allow-Origin, which the browser then hides from the page.

import { printable } from './printable.mjs';
import { sendEmpty, sendError } from './respond.mjs';

// DPoP carries the proof (RFC 9449 §4.1); neither it nor Authorization is CORS-safelisted.
const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, DPoP';
// The app reads the challenge (an expired token, a nonce to use) and the nonce the API hands out.
const EXPOSED_RESPONSE_HEADERS = 'WWW-Authenticate, DPoP-Nonce';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

export function createCors({ appOrigins, log = () => {} }) {
  const allowedOrigins = new Set(appOrigins);

  // Exact string equality: a prefix or substring test would let http://localhost:4200.evil.test
  // or http://evil.test/?http://localhost:4200 through.
  function allowedOriginOf(req) {
    const origin = req.headers.origin;
    return origin !== undefined && allowedOrigins.has(origin) ? origin : undefined;
  }

  return {
    isPreflight(req) {
      return (
        req.method === 'OPTIONS' &&
        req.headers.origin !== undefined &&
        req.headers['access-control-request-method'] !== undefined
      );
    },

    // For actual requests. Errors get the headers too, so the SPA can read a 401 and react to it.
    // No Access-Control-Allow-Credentials: the token travels in a header, never in a cookie.
    applyHeaders(req, res) {
      // The answer depends on Origin, so shared caches must key on it even when it is refused.
      res.setHeader('Vary', 'Origin');
      const origin = allowedOriginOf(req);
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Expose-Headers', EXPOSED_RESPONSE_HEADERS);
      }
    },

    // The browser compares the requested method and headers with the lists sent back, so listing
    // what the route supports is enough; there is no need to echo the request.
    handlePreflight(req, res, methods) {
      const origin = allowedOriginOf(req);
      const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (!origin) {
        log(
          `Refused a CORS preflight from origin ${printable(req.headers.origin, 200)}; ` +
            'add it to APP_ORIGINS if the app is served from there.',
        );
        sendError(res, 403, 'forbidden', 'This origin is not allowed to call the API.', {
          Vary: vary,
        });
        return;
      }
      sendEmpty(res, 204, {
        Vary: vary,
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': methods.join(', '),
        'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
      });
    },
  };
}
