/**
 * Step-up decisions (OpenID Connect Core §2, §3.1.2.1; RFC 9470): whether a token's `acr` satisfies
 * the one a page or an API asks for, and whether its `auth_time` is recent enough. Pure functions
 * with no imports, so the sample API imports this very file (api/require-token.mjs; Node 22 strips
 * the types) and the app and the API cannot disagree on which `acr` is stronger.
 */

/**
 * Okta's predefined acr values, see
 * https://developer.okta.com/docs/guides/step-up-authentication/main/#predefined-parameter-values
 */
export const OKTA_ACR = {
  /** Any one factor. */
  oneFactor: 'urn:okta:loa:1fa:any',
  /** One factor, and it is the password. */
  password: 'urn:okta:loa:1fa:pwd',
  /** Any two factors. */
  twoFactors: 'urn:okta:loa:2fa:any',
  /** Two factors when the user has enrolled a second one, otherwise one. */
  twoFactorsIfPossible: 'urn:okta:loa:2fa:any:ifpossible',
  /** Phishing-resistant (a passkey). */
  phishingResistant: 'phr',
  /** Phishing-resistant, with the key in secure hardware (Okta Verify). */
  phishingResistantHardware: 'phrh',
} as const;

// What a token's acr guarantees besides itself: a partial order, not a ladder, since a stronger
// value does not always promise what a weaker one names.
// - 1fa:pwd is satisfied by itself only: two factors, or a passkey, need not include the password.
// - 2fa:any:ifpossible, in a token, may mean one factor (the user had no second one enrolled), so
//   it does not satisfy 2fa:any; 2fa:any satisfies it.
// - phr and phrh say that the factor resists phishing, not how many factors there were (OpenID
//   EAP ACR Values 1.0), so they do not satisfy 2fa:any, nor does 2fa:any satisfy them. phrh is
//   phr with the key in hardware, so it satisfies phr.
// Every value that names a completed authentication satisfies 1fa:any.
const ALSO_SATISFIES: ReadonlyMap<string, readonly string[]> = new Map([
  [OKTA_ACR.password, [OKTA_ACR.oneFactor]],
  [OKTA_ACR.twoFactorsIfPossible, [OKTA_ACR.oneFactor]],
  [OKTA_ACR.twoFactors, [OKTA_ACR.twoFactorsIfPossible, OKTA_ACR.oneFactor]],
  [OKTA_ACR.phishingResistant, [OKTA_ACR.oneFactor]],
  [OKTA_ACR.phishingResistantHardware, [OKTA_ACR.phishingResistant, OKTA_ACR.oneFactor]],
]);

/** The values of a space-separated `acr_values` list, in order of preference. */
export function acrValuesOf(list: string): string[] {
  return list.split(' ').filter(Boolean);
}

/**
 * Whether a token whose `acr` claim is `got` satisfies `wanted`: one acr value, or a
 * space-separated list of which any one will do (`acr_values`, RFC 9470 §3). A value Okta does not
 * define satisfies only itself; no `acr`, or an empty `wanted`, satisfies nothing.
 */
export function acrSatisfies(got: string | undefined, wanted: string): boolean {
  if (typeof got !== 'string' || !got) return false;
  const implied = ALSO_SATISFIES.get(got) ?? [];
  return acrValuesOf(wanted).some((value) => value === got || implied.includes(value));
}

/**
 * Whether an authentication at `authTime` (the `auth_time` claim, seconds since the epoch) is at
 * most `maxAgeSeconds` old at `nowSeconds`; an age of exactly `maxAgeSeconds` is still fresh, as
 * `max_age` allows (OpenID Connect Core §3.1.2.1). `skewSeconds` is how far `authTime` may lie in
 * the future, when the issuer's clock runs ahead; it never stretches the age, so a stale sign-in
 * is not let through by a generous tolerance. No `auth_time` is never fresh.
 */
export function authTimeFresh(
  authTime: number | undefined,
  maxAgeSeconds: number,
  nowSeconds: number,
  skewSeconds = 0,
): boolean {
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
  if (authTime > nowSeconds + skewSeconds) return false;
  return nowSeconds - authTime <= maxAgeSeconds;
}

/** What a page or an API needs of the authentication behind a token. */
export interface AuthenticationRequirement {
  /** acr values, space-separated, any one of which will do, the preferred one first. */
  readonly acr?: string;
  /** The oldest authentication accepted, in seconds. */
  readonly maxAgeSeconds?: number;
}

/** What to send in the step-up sign-in: the `acr_values` and `max_age` parameters. */
export interface StepUpRequest {
  readonly acrValues?: string;
  readonly maxAge?: number;
}

/**
 * What to ask for when the token with `claims` (its `acr` and `auth_time`) falls short of
 * `requirement` at `nowSeconds`, or null when it meets it. When either falls short, the request
 * carries every part of the requirement: a second factor added to an old session can keep its old
 * `auth_time`, and a sign-in asked only for a recent one can come back with a weaker `acr`, so
 * asking for both at once is what makes the new token satisfy both. Throws on a requirement that
 * nothing could satisfy (a blank `acr`, a negative or fractional age): that is a configuration
 * error, not a step-up.
 */
export function stepUpNeeded(
  claims: Readonly<Record<string, unknown>>,
  requirement: AuthenticationRequirement,
  nowSeconds: number,
  skewSeconds = 0,
): StepUpRequest | null {
  const { acr, maxAgeSeconds } = requirement;
  const acrValues = acr === undefined ? undefined : acrValuesOf(acr).join(' ');
  if (acrValues === '') throw new RangeError('An acr requirement needs at least one acr value.');
  if (maxAgeSeconds !== undefined && !(Number.isSafeInteger(maxAgeSeconds) && maxAgeSeconds >= 0)) {
    throw new RangeError(
      `A maximum authentication age must be whole seconds, not ${maxAgeSeconds}.`,
    );
  }
  const acrClaim = typeof claims['acr'] === 'string' ? claims['acr'] : undefined;
  const authTime = typeof claims['auth_time'] === 'number' ? claims['auth_time'] : undefined;
  const acrMet = acrValues === undefined || acrSatisfies(acrClaim, acrValues);
  const ageMet =
    maxAgeSeconds === undefined || authTimeFresh(authTime, maxAgeSeconds, nowSeconds, skewSeconds);
  if (acrMet && ageMet) return null;
  return {
    ...(acrValues !== undefined && { acrValues }),
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  };
}
