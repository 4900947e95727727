// Reads the application/x-www-form-urlencoded bodies of the endpoints this package answers itself
// (the sign-in form, /v1/revoke, /v1/introspect). oidc-provider reads its own bodies
// (lib/shared/selective_body.js), and this module refuses what it refuses, the same way.

// Same limit as oidc-provider's body parser.
const LIMIT_BYTES = 56 * 1024;

export class BodyError extends Error {
  name = 'BodyError';
}

/**
 * Resolves to URLSearchParams; rejects with BodyError on a wrong type, an oversized body, a
 * repeat of one of the `single` parameters, or a body the client stopped sending.
 */
export async function readForm(ctx, { single = [] } = {}) {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new BodyError('The request body must be application/x-www-form-urlencoded.');
  }
  // Refused on the declared size, before reading: a client that announces a huge body and then
  // trickles it must not hold the request open.
  if (ctx.request.length > LIMIT_BYTES) throw new BodyError('The request body is too large.');

  const chunks = [];
  let size = 0;
  try {
    // destroyOnReturn: false leaves the socket alone when reading stops early, so that the 400
    // can still be sent.
    for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
      size += chunk.length;
      if (size > LIMIT_BYTES) throw new BodyError('The request body is too large.');
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof BodyError) throw err;
    // The client went away mid-body ("aborted"): its problem, not a server failure to log.
    throw new BodyError('The request body could not be read.', { cause: err });
  }

  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  // RFC 6749 §3.1 and §3.2: request parameters must not be included more than once.
  for (const name of single) {
    if (form.getAll(name).length > 1) throw new BodyError(`${name} must not be repeated.`);
  }
  return form;
}
