// Faults of the endpoints other than /v1/authorize and /v1/token: discovery, /v1/keys,
// /v1/userinfo and /v1/revoke.
import { ROUTES } from '../configuration.mjs';
import { applyClaimChanges } from './fault-set.mjs';
import { sendFaultStatus } from './fault-response.mjs';
import { abandon, stall } from './stall.mjs';

const DISCOVERY_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]);

export function endpointFaults({ state }) {
  const on = (methods, matches, handler) =>
    async function endpointFault(ctx, next) {
      if (!methods.includes(ctx.method) || !matches(ctx.path)) return next();
      return handler(ctx, next, state.current);
    };

  return [
    on(['GET', 'HEAD'], (path) => DISCOVERY_PATHS.has(path), discovery),
    on(['GET', 'HEAD'], (path) => path === ROUTES.jwks, keys),
    on(['GET', 'POST'], (path) => path === ROUTES.userinfo, userinfo),
    on(['POST'], (path) => path === ROUTES.revocation, revoke),
  ];
}

async function discovery(ctx, next, { discoveryStatus, discoveryIssuer }) {
  if (discoveryStatus !== undefined)
    return sendFaultStatus(ctx, discoveryStatus, 'discoveryStatus');
  await next();
  if (discoveryIssuer !== undefined && ctx.status === 200 && isObject(ctx.body)) {
    // Spread keeps the field order: only the value of `issuer` changes.
    ctx.body = { ...ctx.body, issuer: discoveryIssuer };
  }
}

async function keys(ctx, next, { keysStatus }) {
  if (keysStatus !== undefined) return sendFaultStatus(ctx, keysStatus, 'keysStatus');
  return next();
}

async function userinfo(ctx, next, { userinfo: changes }) {
  await next();
  if (changes && ctx.status === 200 && isObject(ctx.body)) {
    ctx.body = applyClaimChanges(ctx.body, changes);
  }
}

async function revoke(ctx, next, { revokeStatus, revokeStallMs }) {
  if (revokeStatus !== undefined) {
    // Nothing is revoked: the app must cope with tokens that may still be valid.
    sendFaultStatus(ctx, revokeStatus, 'revokeStatus');
  } else {
    await next();
  }
  if (revokeStallMs !== undefined && !(await stall(ctx, revokeStallMs))) abandon(ctx);
}

// A JSON body as the endpoint built it (not a Buffer, stream or array).
function isObject(value) {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}
