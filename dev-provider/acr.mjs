// Step-up authentication as Okta answers it: the `acr_values` of an authorization request
// (developer.okta.com/docs/guides/step-up-authentication, "Predefined parameter values"), the
// second factor they call for, the `acr` the tokens then carry and the `amr` of each sign-in.
import { errors, interactionPolicy } from 'oidc-provider';

import { OKTA_ACR } from '../src/app/auth/acr.ts';

/**
 * Okta's predefined acr_values: the app's own list (src/app/auth/acr.ts, as the sample API uses
 * it), so the provider, the app and the API never disagree on a spelling. "Any two factors if
 * possible" means two here: every demo user has enrolled the second.
 */
export const ACR = OKTA_ACR;

/** The factors each value this provider can satisfy takes: the password, then a TOTP code. */
const FACTORS = new Map([
  [ACR.oneFactor, 1],
  [ACR.password, 1],
  [ACR.twoFactors, 2],
  [ACR.twoFactorsIfPossible, 2],
]);

// Okta knows these, but only a passkey (phr) or Okta Verify's hardware-bound key (phrh) meets them,
// and the demo users have neither.
const UNSATISFIABLE = new Set([ACR.phishingResistant, ACR.phishingResistantHardware]);

/** RFC 8176 method references: a password sign-in, and one completed with a TOTP code. */
export const AMR = Object.freeze({
  password: Object.freeze(['pwd']),
  passwordAndOtp: Object.freeze(['pwd', 'otp', 'mfa']),
});

/** The reason of the login prompt when only the second factor is missing. */
export const SECOND_FACTOR_REASON = 'second_factor';

/**
 * What a request's `acr_values` (space-separated, in order of preference) asks of the sign-in:
 * `{ acr, factors }`, where `acr` is the value the tokens will carry (undefined when none was
 * asked) and `factors` is 1 or 2.
 *
 * Like Okta, the first value the provider can satisfy is chosen and reflected in the tokens, and
 * values Okta does not define are ignored ("Any unsupported acr_values sent in the authorize
 * request are ignored"). When what is left can only be met by an authenticator the users do not
 * have (`phr`, `phrh`), this throws `unmet_authentication_requirements`, which Okta sends to the
 * redirect URI when "the user is unable to satisfy the level of assurance" (OpenID Connect Core
 * Error Code unmet_authentication_requirements). Okta's error_description is not documented.
 */
export function acrRequirement(acrValues) {
  const values = String(acrValues ?? '')
    .split(' ')
    .filter(Boolean);
  const chosen = values.find((value) => FACTORS.has(value));
  if (chosen) return { acr: chosen, factors: FACTORS.get(chosen) };

  const unmet = values.filter((value) => UNSATISFIABLE.has(value));
  if (unmet.length > 0) {
    throw new errors.UnmetAuthenticationRequirements(
      `The requested authentication context (${unmet.join(' ')}) needs a phishing-resistant authenticator, which the user does not have.`,
    );
  }
  return { acr: undefined, factors: 1 };
}

/** Whether a sign-in's `amr` includes the TOTP code. */
export function hasSecondFactor(amr) {
  return Array.isArray(amr) && amr.includes('otp');
}

/**
 * oidc-provider's default interaction policy with one more reason to show the login prompt: the
 * request needs two factors and the session has only the password. oidc-provider's own checks
 * cover the rest (no session, `max_age` passed, `prompt=login`). Requests that cannot be met are
 * refused here, before any page, so they can never send the browser round in circles.
 */
export function stepUpPolicy() {
  const policy = interactionPolicy.base();
  policy.get('login').checks.add(
    new interactionPolicy.Check(
      SECOND_FACTOR_REASON,
      'End-User authentication with a second factor is required',
      // With prompt=none. What Okta answers there is not documented; this is the login prompt's.
      'login_required',
      (ctx) => {
        const { factors } = acrRequirement(ctx.oidc.params.acr_values);
        if (factors < 2 || hasSecondFactor(ctx.oidc.session.amr)) {
          return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        }
        return interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}

/**
 * oidc-provider gives an authorization the `acr` its session signed in with; Okta gives it the
 * value the request chose (its guide: "The authorization server chooses one and reflects the
 * chosen value in any resulting tokens"), and none when none was asked. So each accepted
 * authorization gets its own, which its code, ID token and refresh tokens then keep.
 */
export function reflectRequestedAcr(provider) {
  provider.on('authorization.accepted', (ctx) => {
    const { acr } = acrRequirement(ctx.oidc.params.acr_values);
    Object.defineProperty(ctx.oidc, 'acr', { value: acr, configurable: true });
  });
}
