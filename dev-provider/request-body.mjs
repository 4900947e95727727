// Reads the application/x-www-form-urlencoded bodies of the endpoints this package answers itself
// (the sign-in form, /v1/revoke, /v1/introspect). oidc-provider reads its own bodies.

// Same limit as oidc-provider's body parser (lib/shared/selective_body.js).
const LIMIT_BYTES = 56 * 1024;

export class BodyError extends Error {
  name = 'BodyError';
}

/** Resolves to URLSearchParams; rejects with BodyError on a wrong type, oversize or repeat. */
export async function readForm(ctx, { single = [] } = {}) {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new BodyError('The request body must be application/x-www-form-urlencoded.');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > LIMIT_BYTES) throw new BodyError('The request body is too large.');
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  // RFC 6749 §3.1 and §3.2: request parameters must not be included more than once.
  for (const name of single) {
    if (form.getAll(name).length > 1) throw new BodyError(`${name} must not be repeated.`);
  }
  return form;
}
