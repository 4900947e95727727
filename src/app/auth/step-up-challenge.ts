/**
 * Reads an RFC 9470 step-up challenge: a resource server's 401 saying the token is fine but the
 * authentication behind it is too weak or too old, with what would do instead.
 *
 * Not dpop-nonces.ts's parseChallenges: that one is lenient on purpose (it keeps what it read of a
 * malformed header, and reads a token68 as another scheme), which is harmless for spotting a nonce
 * challenge but not for starting a sign-in. Here a header that does not follow RFC 9110 §11.6.1
 * throughout is no step-up challenge at all.
 */

/** The `acr_values` and `max_age` of a step-up challenge (RFC 9470 §3), to send in a sign-in. */
export interface StepUpChallenge {
  /** acr values, space-separated, the preferred one first. */
  readonly acrValues?: string;
  /** The oldest authentication the resource accepts, in seconds. */
  readonly maxAge?: number;
}

const STEP_UP_ERROR = 'insufficient_user_authentication';
/** The OAuth schemes whose challenges carry RFC 6750 error codes. */
const OAUTH_SCHEMES = ['bearer', 'dpop'];

/**
 * The step-up challenge in a `WWW-Authenticate` value, or null when there is none or the value is
 * malformed. The first `Bearer` or `DPoP` challenge with `error="insufficient_user_authentication"`
 * counts; its `acr_values` must list at least one value (printable ASCII, space-separated) and its
 * `max_age` must be a whole number of seconds, quoted or not. A step-up challenge naming neither
 * gives `{}`: the resource wants a new authentication and does not say what kind.
 */
export function parseStepUpChallenge(wwwAuthenticate: string | null): StepUpChallenge | null {
  if (wwwAuthenticate === null) return null;
  const challenges = readChallenges(wwwAuthenticate);
  const stepUp = challenges?.find(
    ({ scheme, params }) => OAUTH_SCHEMES.includes(scheme) && params.get('error') === STEP_UP_ERROR,
  );
  if (!stepUp) return null;

  const acr = stepUp.params.get('acr_values');
  const acrValues = acr?.split(' ').filter(Boolean);
  if (acrValues && (acrValues.length === 0 || !acrValues.every((v) => ACR_VALUE.test(v)))) {
    return null;
  }
  const age = stepUp.params.get('max_age');
  const maxAge = age === undefined ? undefined : Number(age);
  if (age !== undefined && !(/^\d+$/.test(age) && Number.isSafeInteger(maxAge))) return null;

  return {
    ...(acrValues && { acrValues: acrValues.join(' ') }),
    ...(maxAge !== undefined && { maxAge }),
  };
}

/** An acr value: a URI or a short name, so printable ASCII without spaces. */
const ACR_VALUE = /^[\x21-\x7e]+$/;

// RFC 9110 §5.6.2 token, §11.2 token68, §5.6.4 quoted-string (with obs-text).
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y;
const QUOTED = /"((?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*)"/y;
const OWS = /[ \t]*/y;
const SP = / +/y;

interface Challenge {
  /** In lower case: schemes are case-insensitive (RFC 9110 §11.1). */
  readonly scheme: string;
  /** Parameter names in lower case (§11.2), values unquoted. */
  readonly params: Map<string, string>;
}

/**
 * The challenges of a `WWW-Authenticate` value (RFC 9110 §11.6.1), or null unless the whole value
 * follows the grammar: `#challenge`, each `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, with
 * empty list elements allowed (§5.6.1.2) and each parameter at most once per challenge (§11.2).
 */
function readChallenges(value: string): Challenge[] | null {
  let at = 0;
  /** Matches `pattern` at the current position, moving past it; null when it does not match. */
  const read = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const match = pattern.exec(value);
    if (match) at = pattern.lastIndex;
    return match;
  };
  const skipOws = () => read(OWS);
  const atListEnd = () => at === value.length || value[at] === ',';
  /** `token BWS "=" BWS ( token / quoted-string )`, or null with the position unchanged. */
  const readParam = (): [string, string] | null => {
    const start = at;
    const name = read(TOKEN);
    skipOws();
    if (name && value[at] === '=') {
      at += 1;
      skipOws();
      const quoted = read(QUOTED);
      if (quoted) return [name[0].toLowerCase(), quoted[1].replace(/\\(.)/gs, '$1')];
      const bare = read(TOKEN);
      if (bare) return [name[0].toLowerCase(), bare[0]];
    }
    at = start;
    return null;
  };
  /** The separator after a list element: OWS, then a comma or the end. */
  const readSeparator = (): boolean => {
    skipOws();
    if (at === value.length) return true;
    if (value[at] !== ',') return false;
    at += 1;
    return true;
  };

  const challenges: Challenge[] = [];
  let current: Challenge | null = null;
  while (at < value.length) {
    skipOws();
    if (atListEnd()) {
      if (!readSeparator()) return null;
      continue;
    }
    // After a comma: a parameter of the current challenge, or the scheme of the next one.
    const param = current ? readParam() : null;
    if (current && param) {
      if (current.params.has(param[0])) return null;
      current.params.set(...param);
      if (!readSeparator()) return null;
      continue;
    }
    const scheme = read(TOKEN);
    if (!scheme) return null;
    current = { scheme: scheme[0].toLowerCase(), params: new Map() };
    challenges.push(current);
    if (atListEnd()) continue;
    if (!read(SP)) return null;
    if (atListEnd() || value[at] === ' ' || value[at] === '\t') {
      if (!readSeparator()) return null;
      continue;
    }
    const first = readParam();
    if (first) {
      current.params.set(...first);
    } else {
      // A token68 ends its challenge: no parameters follow it.
      if (!read(TOKEN68) || !readSeparator()) return null;
      current = null;
      continue;
    }
    if (!readSeparator()) return null;
  }
  return challenges;
}
