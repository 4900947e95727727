// Demo users of the dev provider, shaped like Okta users. Exported as a list so start-up scripts
// and e2e tests can print or use them; the provider looks them up by id (the ID token `sub`) and
// by username (the e-mail address, as in an Okta org where the login is the e-mail).
import { createHash, timingSafeEqual } from 'node:crypto';

import { otpauthUri, secondsLeft, totpCode } from './totp.mjs';

/** The password of every demo user unless DEV_PROVIDER_PASSWORD sets another one. */
export const DEFAULT_PASSWORD = 'Demo-Passw0rd!';

/** The issuer name authenticator apps show beside the demo users' codes. */
export const TOTP_ISSUER = 'Dev OpenID Provider';

// Okta user ids are "00u" followed by 17 characters; fixed ids keep `sub` stable across restarts.
export const DEMO_USERS = Object.freeze(
  [
    {
      id: '00uadalovelace000001',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      groups: ['Everyone', 'Admins'],
      // Demo only, like the password: published here, so it protects nothing. 160 bits, as RFC
      // 4226 recommends, in base32. DEV_PROVIDER_TOTP_SECRET replaces it.
      totpSecret: 'ADA2LOVELACE3DEMO4TOTP5SECRET6XX',
    },
    {
      id: '00ugracehopper000002',
      email: 'grace@example.com',
      name: 'Grace Hopper',
      givenName: 'Grace',
      familyName: 'Hopper',
      groups: ['Everyone'],
      totpSecret: 'GRACE2HOPPER3DEMO4TOTP5SECRET6XX',
    },
  ].map((user) =>
    Object.freeze({
      ...user,
      groups: Object.freeze(user.groups),
      locale: 'en-US',
      zoneinfo: 'America/Los_Angeles',
      password: DEFAULT_PASSWORD,
    }),
  ),
);

/**
 * Which claims each scope releases, as in Okta's default authorization server. `groups` is the
 * custom claim Okta's guides add ("Groups claim", filter: matches .*, include in: any scope), so
 * it comes with `openid` itself; a `groups` scope is accepted too. Shared by the ID token
 * configuration and /v1/userinfo.
 */
export const SCOPE_CLAIMS = Object.freeze({
  openid: ['groups'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
});

/**
 * SCOPE_CLAIMS of an authorization server without that groups claim (DEV_PROVIDER_GROUPS_CLAIM=off):
 * no scope releases `groups`; the `groups` scope is still accepted and releases nothing.
 */
export const SCOPE_CLAIMS_WITHOUT_GROUPS = Object.freeze(
  Object.fromEntries(
    Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [
      scope,
      Object.freeze(claims.filter((claim) => claim !== 'groups')),
    ]),
  ),
);

/** The scope-to-claims table for the `groupsClaim` setting. */
export function scopeClaims(groupsClaim) {
  return groupsClaim ? SCOPE_CLAIMS : SCOPE_CLAIMS_WITHOUT_GROUPS;
}

/**
 * Okta puts the id of the identity provider that authenticated the user in ID tokens; for users
 * stored in the org itself that is the org's id ("00o…").
 */
export const ORG_ID = '00odevprovider000001';

export function findUserById(id) {
  return DEMO_USERS.find((user) => user.id === id);
}

/** Okta logins are case-insensitive. */
export function findUserByUsername(username) {
  const wanted = String(username).trim().toLowerCase();
  return DEMO_USERS.find((user) => user.email === wanted);
}

/** The user's TOTP secret: `override` (DEV_PROVIDER_TOTP_SECRET) when set, else the user's own. */
export function totpSecretFor(user, override) {
  return override ?? user.totpSecret;
}

/**
 * Each demo user's authenticator enrolment and code at `now` (ms): `{ email, secret, uri, code,
 * next, secondsLeft }`, where `uri` is the otpauth:// key URI a phone app enrols from, `next` the
 * code of the following step (also accepted now, and needed once `code` has been used) and
 * `secondsLeft` how long `code` stays current. `totpSecret` is DEV_PROVIDER_TOTP_SECRET's value.
 */
export function demoUserTotps({ totpSecret, now = Date.now() } = {}) {
  return DEMO_USERS.map((user) => {
    const secret = totpSecretFor(user, totpSecret);
    return {
      email: user.email,
      secret,
      uri: otpauthUri({ issuer: TOTP_ISSUER, account: user.email, secret }),
      code: totpCode(secret, { time: now }),
      next: totpCode(secret, { time: now + 30_000 }),
      secondsLeft: secondsLeft(now),
    };
  });
}

/**
 * What `npm start` prints about each demo user's second factor, one string per line, unindented:
 * the secret, the key URI to enrol a phone app with, and the current code.
 */
export function demoUserTotpLines(options) {
  return demoUserTotps(options).flatMap(({ email, secret, uri, code, secondsLeft: left }) => [
    `${email}: TOTP secret ${secret} (demo only)`,
    `  enrol: ${uri}`,
    `  code now: ${code} (${left} s left; npm run totp prints fresh ones)`,
  ]);
}

/** Every OpenID Connect claim a user has, named as in OIDC Core §5.1. */
export function userClaims(user) {
  return {
    sub: user.id,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    preferred_username: user.email,
    locale: user.locale,
    zoneinfo: user.zoneinfo,
    email: user.email,
    email_verified: true,
    groups: [...user.groups],
  };
}

/**
 * `sub` plus the claims the given scopes release (what /v1/userinfo answers), by `table` (one of
 * scopeClaims).
 */
export function claimsForScopes(user, scopes, table = SCOPE_CLAIMS) {
  const all = userClaims(user);
  const released = { sub: all.sub };
  for (const scope of scopes) {
    for (const claim of table[scope] ?? []) released[claim] = all[claim];
  }
  return released;
}

/** Sign-in and oidc-provider's account lookup, for one shared demo password. */
export function createAccounts(password) {
  const expected = digest(password);

  return {
    /** The user for this username and password, or undefined. */
    authenticate(username, candidate) {
      const user = findUserByUsername(username ?? '');
      // Compare digests in constant time, and even for unknown users, so timing reveals neither.
      const matches = timingSafeEqual(digest(candidate ?? ''), expected);
      return user && matches ? user : undefined;
    },

    /** oidc-provider's `findAccount` (see its configuration docs). */
    async findAccount(ctx, sub) {
      const user = findUserById(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        // oidc-provider masks these by scope and by the `claims` configuration.
        async claims(use) {
          return use === 'id_token' ? { ...userClaims(user), idp: ORG_ID } : userClaims(user);
        },
      };
    },
  };
}

function digest(value) {
  return createHash('sha256').update(String(value)).digest();
}
