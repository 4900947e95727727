import type { Tokens } from '@okta/okta-auth-js/core';
import { groupsOf, isInGroup } from './group-guard';
import { MAX_CLOCK_SKEW_SECONDS } from './token-checks';
import { isDpopType } from './token-set-checks';

/** One finding of the diagnostics page: facts and a fix, never a token value. */
export interface SessionFact {
  readonly id: string;
  readonly title: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'info';
  readonly detail: string;
  /** For anything but a pass: one sentence naming the Admin Console screen or the setting. */
  readonly fix?: string;
}

export interface SessionExpectations {
  /** The audience the API requires (OKTA_AUDIENCE). */
  readonly apiAudience: string;
  /** The scopes the app asks for (OKTA_SCOPES). */
  readonly scopes: readonly string[];
  /** The group /admin requires (OKTA_ADMIN_GROUP). */
  readonly adminGroup: string;
  /** DPoP is on and may not fall back (OKTA_DPOP=true, OKTA_DPOP_ALLOW_BEARER=false). */
  readonly requireDpop: boolean;
}

/** Clocks further apart than this get a warning; okta-auth-js refuses tokens beyond its skew. */
const CLOCK_WARN_SECONDS = 60;
/** Okta's default access token lifetime; longer ones widen what a stolen token is worth. */
const ONE_HOUR = 3600;

/**
 * What can only be seen with real tokens: the access token's audience and scopes, the refresh
 * token, the groups claim and what /admin will do with it, token lifetimes, DPoP, and this
 * browser's clock against Okta's. Pure: the tokens okta-auth-js stores in, facts out.
 */
export function describeSession(tokens: Tokens, expected: SessionExpectations): SessionFact[] {
  const access = tokens.accessToken;
  const claims = (access?.claims ?? {}) as Record<string, unknown>;
  const idClaims = (tokens.idToken?.claims ?? {}) as Record<string, unknown>;
  if (!access || !tokens.idToken) {
    return [
      {
        id: 'session',
        title: 'Session',
        status: 'fail',
        detail: 'This tab holds no access token or no ID token.',
        fix: 'Sign in again.',
      },
    ];
  }
  return [
    audienceFact(claims, expected.apiAudience),
    scopesFact(claims, expected.scopes),
    refreshFact(tokens),
    groupsFact(idClaims, expected.adminGroup),
    lifetimeFact(claims, idClaims),
    dpopFact(access.tokenType, expected.requireDpop),
    clockFact(access.expiresAt, claims['exp']),
  ];
}

function audienceFact(claims: Record<string, unknown>, apiAudience: string): SessionFact {
  const aud = claims['aud'];
  const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a) => typeof a === 'string');
  const title = 'Access token audience';
  if (audiences.includes(apiAudience)) {
    return {
      id: 'audience',
      title,
      status: 'pass',
      detail: `It is ${apiAudience}, as the API expects.`,
    };
  }
  return {
    id: 'audience',
    title,
    status: 'fail',
    detail: `It is ${audiences.join(', ') || 'missing'}, but the API expects ${apiAudience}.`,
    fix: `Set OKTA_AUDIENCE to the audience of the authorization server in OKTA_ISSUER (Security → API → Authorization Servers), or point OKTA_ISSUER at the server whose audience is ${apiAudience}.`,
  };
}

function scopesFact(claims: Record<string, unknown>, requested: readonly string[]): SessionFact {
  const scp = claims['scp'];
  const granted = Array.isArray(scp) ? scp.filter((s) => typeof s === 'string') : [];
  const missing = requested.filter((scope) => !granted.includes(scope));
  const title = 'Granted scopes';
  if (!missing.length) {
    return { id: 'scopes', title, status: 'pass', detail: `All requested: ${granted.join(' ')}.` };
  }
  return {
    id: 'scopes',
    title,
    status: 'warn',
    detail: `Granted ${granted.join(' ') || 'none'}; not granted: ${missing.join(' ')}.`,
    fix: 'Allow these scopes in the access policy rule of the authorization server (Security → API → Authorization Servers → Access Policies), or remove them from OKTA_SCOPES.',
  };
}

function refreshFact(tokens: Tokens): SessionFact {
  const title = 'Refresh token';
  if (tokens.refreshToken) {
    return {
      id: 'refresh',
      title,
      status: 'pass',
      detail:
        'Issued: the session renews without the Okta page or third-party cookies. Renew now to see whether it rotates.',
    };
  }
  return {
    id: 'refresh',
    title,
    status: 'warn',
    detail: 'None was issued: the session ends when the access token expires.',
    fix: 'Turn on the Refresh Token grant (Applications → your app → General → Grant type) and keep offline_access in OKTA_SCOPES.',
  };
}

function groupsFact(idClaims: Record<string, unknown>, adminGroup: string): SessionFact {
  const title = 'Groups claim';
  if (!Array.isArray(idClaims['groups'])) {
    return {
      id: 'groups',
      title,
      status: 'warn',
      detail: `The ID token has no groups claim, so /admin (group ${adminGroup}) will always show the 403 page.`,
      fix: 'Add a groups claim to the ID token (Security → API → Authorization Servers → Claims, value type Groups, filter Matches regex .*).',
    };
  }
  const count = groupsOf(idClaims).length;
  const member = isInGroup(idClaims, adminGroup);
  return {
    id: 'groups',
    title,
    status: 'pass',
    detail: `${count} group${count === 1 ? '' : 's'}; ${member ? `you are in ${adminGroup}, so /admin will open` : `you are not in ${adminGroup}, so /admin will show the 403 page`}.`,
  };
}

function lifetimeFact(
  claims: Record<string, unknown>,
  idClaims: Record<string, unknown>,
): SessionFact {
  const lifetime = (c: Record<string, unknown>) =>
    typeof c['exp'] === 'number' && typeof c['iat'] === 'number' ? c['exp'] - c['iat'] : NaN;
  const access = lifetime(claims);
  const id = lifetime(idClaims);
  const detail = `Access token ${minutes(access)}, ID token ${minutes(id)}.`;
  if (access > ONE_HOUR) {
    return {
      id: 'lifetimes',
      title: 'Token lifetimes',
      status: 'warn',
      detail,
      fix: 'Shorten the access token lifetime to 5-60 minutes in the access policy rule (Security → API → Authorization Servers → Access Policies): a stolen token is good for that long.',
    };
  }
  return { id: 'lifetimes', title: 'Token lifetimes', status: 'info', detail };
}

function dpopFact(tokenType: string | undefined, requireDpop: boolean): SessionFact {
  const title = 'Token binding (DPoP)';
  if (isDpopType(tokenType)) {
    return {
      id: 'dpop',
      title,
      status: 'pass',
      detail: "The tokens are bound to this browser's key: copied elsewhere, they are refused.",
    };
  }
  return {
    id: 'dpop',
    title,
    status: requireDpop ? 'fail' : 'info',
    detail:
      'The tokens are unbound Bearer tokens: anyone who copies one can use it until it expires.',
    fix: 'Set OKTA_DPOP=true and turn on "Require Demonstrating Proof of Possession (DPoP) header in token requests" for the Okta app.',
  };
}

/**
 * okta-auth-js dates an access token by this browser's clock (`expires_in` from now), while `exp`
 * is Okta's: their difference is how far this clock is from Okta's.
 */
function clockFact(expiresAt: number, exp: unknown): SessionFact {
  const title = "This browser's clock";
  if (typeof exp !== 'number') {
    return {
      id: 'clock',
      title,
      status: 'info',
      detail: 'The access token has no exp to compare.',
    };
  }
  const skew = Math.round(expiresAt - exp);
  const detail =
    Math.abs(skew) < 2
      ? "It agrees with Okta's."
      : `It is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} Okta's.`;
  if (Math.abs(skew) <= CLOCK_WARN_SECONDS) return { id: 'clock', title, status: 'pass', detail };
  return {
    id: 'clock',
    title,
    status: Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS ? 'fail' : 'warn',
    detail,
    fix: "Turn on automatic time in this device's settings: tokens and DPoP proofs are dated by it.",
  };
}

function minutes(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
