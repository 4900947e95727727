// The fault switch's admin API, for the Node process that runs the security tests: a plain
// node:http handler under /__test__/ on the provider's own port, outside the issuer (create-server
// mounts it only when the switch is on; otherwise these paths are unknown, 404 like any other).
import { FaultSetError, validateFaultSet } from './fault-set.mjs';

export const TEST_API_PATH = '/__test__';

const BODY_LIMIT_BYTES = 64 * 1024;

class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Whether a request target (path and query) belongs to the test API. */
export function isTestApiUrl(url) {
  const path = url.split('?', 1)[0];
  return path === TEST_API_PATH || path.startsWith(`${TEST_API_PATH}/`);
}

export function createTestApi({
  state,
  stats,
  held,
  rotateKeys,
  restoreKeys,
  resetSecondFactor = () => {},
}) {
  const routes = {
    '/faults': {
      GET: () => state.current,
      PUT: async (req) => state.replace(validateFaultSet(await readJson(req))),
      DELETE: () => {
        state.clear();
        stats.reset();
        held.reset();
        resetSecondFactor();
        return state.current;
      },
    },
    '/stats': { GET: () => stats.snapshot() },
    '/release': { POST: () => ({ released: held.releaseAll() }) },
    '/rotate-keys': { POST: () => rotateKeys() },
    // Apart from DELETE /faults, so that a test can clear its faults and keep its rotated key.
    '/restore-keys': { POST: () => restoreKeys() },
  };

  return async function testApi(req, res) {
    try {
      // Browsers send Origin with every request that is not a GET or HEAD and with every
      // cross-origin fetch: a web page, even on localhost, must never flip faults or read them.
      // Only the test process calls this API.
      if (req.headers.origin !== undefined) {
        throw new RequestError(
          403,
          'The test API does not answer web pages (requests with Origin).',
        );
      }
      const name = req.url.split('?', 1)[0].slice(TEST_API_PATH.length);
      const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
      if (!route) {
        throw new RequestError(
          404,
          `Unknown test API path. Paths: ${Object.keys(routes).join(', ')}.`,
        );
      }
      const handler = Object.hasOwn(route, req.method) ? route[req.method] : undefined;
      if (!handler) {
        res.setHeader('Allow', Object.keys(route).join(', '));
        throw new RequestError(405, `${req.method} is not allowed here.`);
      }
      sendJson(res, 200, await handler(req));
    } catch (err) {
      if (err instanceof RequestError) return sendJson(res, err.status, { error: err.message });
      if (err instanceof FaultSetError) return sendJson(res, 400, { error: err.message });
      console.error('Dev OpenID provider test API failed:', err);
      sendJson(res, 500, { error: 'The test API failed; see the provider log.' });
    }
  };
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) throw new RequestError(413, 'The request body is too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'The request body must be JSON.');
  }
}

function sendJson(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
  });
  res.end(json);
}
