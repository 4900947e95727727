// The fault set: a plain object whose keys each make one endpoint misbehave (README.md, "Fault
// switch", lists what each is for). Validated when the test API receives it, so a typo in a test
// fails loudly instead of leaving the provider well-behaved and the test passing for nothing.
import { DPOP_MODES } from '../settings.mjs';

export class FaultSetError extends Error {
  name = 'FaultSetError';
}

const TOKEN_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
];

/** The grants `tokenGrant` can scope the token faults to (the two the client uses). */
const GRANTS = ['authorization_code', 'refresh_token'];

// Faults answered before oidc-provider reads the request, so before its grant_type is known.
const UNSCOPED_TOKEN_FAULTS = ['tokenStatus', 'tokenError'];

// setTimeout's limit; a test that stalls longer has forgotten to clear its faults.
const MAX_STALL_MS = 2 ** 31 - 1;

const errorStatus = (name) => (value) => {
  if (!(Number.isInteger(value) && value >= 400 && value <= 599)) {
    throw new FaultSetError(`${name} must be an HTTP error status, an integer from 400 to 599.`);
  }
};

const stallMs = (name) => (value) => {
  if (!(Number.isInteger(value) && value >= 0 && value <= MAX_STALL_MS)) {
    throw new FaultSetError(
      `${name} must be a whole number of milliseconds from 0 to ${MAX_STALL_MS}.`,
    );
  }
};

const oneOf = (name, values) => (value) => {
  if (!values.includes(value)) {
    throw new FaultSetError(`${name} must be one of ${values.map(quote).join(', ')}.`);
  }
};

const nonEmptyString = (name) => (value) => {
  if (typeof value !== 'string' || !value)
    throw new FaultSetError(`${name} must be a non-empty string.`);
};

/** Validators by key; a validator throws FaultSetError for a value it refuses. */
const VALIDATORS = {
  authorizeError(value) {
    expectObject('authorizeError', value, ['error', 'description']);
    nonEmptyString('authorizeError.error')(value.error);
    if (value.description !== undefined && typeof value.description !== 'string') {
      throw new FaultSetError('authorizeError.description must be a string.');
    }
  },
  callbackState: oneOf('callbackState', ['tampered', 'missing']),
  idToken: claimChanges('idToken'),
  idTokenSignature: oneOf('idTokenSignature', [
    'corrupt',
    'alg-none',
    'hs256-public-key',
    'unknown-kid',
  ]),
  tokenResponse: oneOf('tokenResponse', ['omit-id-token']),
  tokenStatus: errorStatus('tokenStatus'),
  tokenStallMs: stallMs('tokenStallMs'),
  tokenHold: oneOf('tokenHold', [true]),
  tokenGrant: oneOf('tokenGrant', GRANTS),
  tokenError: oneOf('tokenError', TOKEN_ERRORS),
  discoveryIssuer: nonEmptyString('discoveryIssuer'),
  discoveryStatus: errorStatus('discoveryStatus'),
  keysStatus: errorStatus('keysStatus'),
  userinfo: claimChanges('userinfo'),
  revokeStatus: errorStatus('revokeStatus'),
  revokeStallMs: stallMs('revokeStallMs'),
  dpopMode: oneOf('dpopMode', DPOP_MODES),
};

export const FAULT_KEYS = Object.freeze(Object.keys(VALIDATORS));

/**
 * Checks a fault set received as JSON and returns a frozen copy of it (faults are read on every
 * request and must not change under a request that is being answered). Throws FaultSetError.
 */
export function validateFaultSet(input) {
  if (!isPlainObject(input)) {
    throw new FaultSetError(
      `The fault set must be a JSON object. Valid keys: ${FAULT_KEYS.join(', ')}.`,
    );
  }
  const unknown = Object.keys(input).filter((key) => !Object.hasOwn(VALIDATORS, key));
  if (unknown.length) {
    throw new FaultSetError(
      `Unknown fault key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Valid keys: ${FAULT_KEYS.join(', ')}.`,
    );
  }
  for (const [key, value] of Object.entries(input)) VALIDATORS[key](value);
  const unscoped = UNSCOPED_TOKEN_FAULTS.filter((key) => Object.hasOwn(input, key));
  if (input.tokenGrant !== undefined && unscoped.length) {
    throw new FaultSetError(
      `tokenGrant cannot scope ${unscoped.join(' or ')}: they answer before the grant type is read.`,
    );
  }
  return deepFreeze(structuredClone(input));
}

/**
 * Applies `{ set, remove }` to a claim set: removes first, then sets. A value of the form "now",
 * "now+600" or "now-600" becomes the current time in seconds plus or minus that many seconds, so
 * tests can ask for an expired or future-dated token without knowing the provider's clock.
 */
export function applyClaimChanges(claims, { set = {}, remove = [] } = {}, now = epochSeconds()) {
  const result = { ...claims };
  for (const name of remove) delete result[name];
  for (const [name, value] of Object.entries(set)) {
    // defineProperty, so that even a claim named __proto__ is a claim and not the prototype.
    Object.defineProperty(result, name, {
      value: resolveTime(value, now),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

const RELATIVE_TIME = /^now(?:([+-])(\d{1,10}))?$/;

function resolveTime(value, now) {
  const match = typeof value === 'string' && RELATIVE_TIME.exec(value);
  if (!match) return value;
  const [, sign, seconds = '0'] = match;
  return sign === '-' ? now - Number(seconds) : now + Number(seconds);
}

export function epochSeconds() {
  return Math.floor(Date.now() / 1000);
}

function claimChanges(name) {
  return (value) => {
    expectObject(name, value, ['set', 'remove']);
    if (value.set !== undefined && !isPlainObject(value.set)) {
      throw new FaultSetError(`${name}.set must be an object of claim names and values.`);
    }
    const { remove } = value;
    if (remove !== undefined && !(Array.isArray(remove) && remove.every(isClaimName))) {
      throw new FaultSetError(`${name}.remove must be an array of claim names.`);
    }
  };
}

function expectObject(name, value, allowed) {
  if (!isPlainObject(value)) throw new FaultSetError(`${name} must be an object.`);
  const extra = Object.keys(value).filter((key) => !allowed.includes(key));
  if (extra.length) {
    throw new FaultSetError(
      `${name} may only have ${allowed.join(' and ')}, not ${extra.join(', ')}.`,
    );
  }
}

const isClaimName = (value) => typeof value === 'string' && value !== '';

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze(value) {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function quote(value) {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
