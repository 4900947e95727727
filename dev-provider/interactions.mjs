// The hosted sign-in page, its second step (a TOTP code, when the request's acr_values ask for two
// factors) and the consent step, as oidc-provider "interactions" (see the Koa routes in its
// example/routes/koa.js). Consent is approved without a page: Okta shows none for an org's own
// apps.
import { errors } from 'oidc-provider';

import { acrRequirement, AMR, SECOND_FACTOR_REASON } from './acr.mjs';
import { findUserById } from './accounts.mjs';
import { INTERACTION_PREFIX } from './configuration.mjs';
import { BodyError, readForm } from './request-body.mjs';
import { codePage, errorPage, signInPage } from './views.mjs';

const UID = /^[\w-]+$/;

const EXPIRED = {
  error: 'invalid_request',
  error_description:
    'This sign-in page has expired or belongs to another browser. Go back to the application and sign in again.',
};

/**
 * Koa middleware serving `<issuer>/interaction/<uid>`. `accounts` checks passwords
 * (accounts.mjs), `secondFactor` codes (totp.mjs, createTotpVerifier).
 */
export function interactions({ provider, accounts, secondFactor, issuerPath }) {
  // Sign-ins whose password was right and whose code is awaited: interaction uid -> { accountId,
  // expiresAt }. Only the browser holding that interaction's cookie can reach its entry.
  const awaitingCode = new Map();
  const steps = { provider, accounts, secondFactor, awaitingCode };

  return async function hostedSignIn(ctx, next) {
    if (!ctx.path.startsWith(INTERACTION_PREFIX)) return next();
    const uid = ctx.path.slice(INTERACTION_PREFIX.length);
    if (!UID.test(uid) || !['GET', 'HEAD', 'POST'].includes(ctx.method)) return next();

    ctx.set('Cache-Control', 'no-store');
    // Like Okta's sign-in page, refuse to be framed (clickjacking).
    ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
    ctx.set('X-Frame-Options', 'DENY');

    // The interaction is found through its signed, SameSite=Lax cookie, so a cross-site form post
    // (login CSRF) finds none; the uid in the URL must name that same interaction.
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      if (err instanceof errors.SessionNotFound) return sendPage(ctx, 400, errorPage(EXPIRED));
      throw err;
    }
    if (details.uid !== uid) return sendPage(ctx, 400, errorPage(EXPIRED));

    const action = `${issuerPath}${INTERACTION_PREFIX}${uid}`;
    const { name } = details.prompt;
    if (name === 'login') return logIn(ctx, { ...steps, details, action });
    if (name === 'consent' && ctx.method === 'GET') return approveConsent(ctx, provider, details);
    return sendPage(ctx, 400, errorPage(EXPIRED));
  };
}

/**
 * The login prompt: the password, then the code when the request needs two factors. A session
 * that has the password and lacks only the code (oidc-provider's sole reason being the second
 * factor) goes straight to the code, as Okta considers "the previously satisfied authenticators";
 * any other reason (no session, max_age passed, prompt=login) asks for the password again.
 */
async function logIn(ctx, { provider, accounts, secondFactor, awaitingCode, details, action }) {
  const codeAccountId = awaitedCode(details, awaitingCode);
  const codeUser = codeAccountId && findUserById(codeAccountId);

  if (ctx.method !== 'POST') {
    if (!codeUser) {
      return sendPage(ctx, 200, signInPage({ action, username: details.params.login_hint }));
    }
    const locked = secondFactor.lockedFor(codeUser);
    const problem = locked ? { outcome: 'locked', secondsLeft: locked } : undefined;
    return sendPage(ctx, 200, codePage({ action, username: codeUser.email, problem }));
  }

  let form;
  try {
    form = await readForm(ctx, { single: ['username', 'password', 'otp', 'cancel'] });
  } catch (err) {
    if (err instanceof BodyError) {
      return sendPage(
        ctx,
        400,
        errorPage({ error: 'invalid_request', error_description: err.message }),
      );
    }
    throw err;
  }

  if (form.has('cancel')) {
    awaitingCode.delete(details.uid);
    // Okta's words for an abandoned sign-in are not documented; access_denied is what its
    // authorization endpoint answers when a user may not, or did not, sign in.
    const locked = codeUser && secondFactor.lockedFor(codeUser) > 0;
    const description = locked
      ? "The user's authenticator is locked after too many wrong codes."
      : 'The user did not finish signing in.';
    return finish(ctx, provider, { error: 'access_denied', error_description: description });
  }

  if (codeUser) {
    const problem = secondFactor.verify(codeUser, form.get('otp'));
    if (problem.outcome !== 'accepted') {
      return sendPage(ctx, 200, codePage({ action, username: codeUser.email, problem }));
    }
    awaitingCode.delete(details.uid);
    return finish(ctx, provider, loginResult(codeUser, AMR.passwordAndOtp));
  }

  const username = form.get('username') ?? '';
  const user = accounts.authenticate(username, form.get('password'));
  if (!user) return sendPage(ctx, 200, signInPage({ action, username, failed: true }));

  if (acrRequirement(details.params.acr_values).factors < 2) {
    return finish(ctx, provider, loginResult(user, AMR.password));
  }
  // Post/redirect/get: reloading the code page does not send the password again.
  const now = Date.now();
  for (const [uid, entry] of awaitingCode) if (entry.expiresAt <= now) awaitingCode.delete(uid);
  awaitingCode.set(details.uid, { accountId: user.id, expiresAt: details.exp * 1000 });
  ctx.status = 303;
  ctx.redirect(action);
}

/** The account whose code this sign-in awaits, or undefined while it needs the password. */
function awaitedCode(details, awaitingCode) {
  const awaited = awaitingCode.get(details.uid);
  if (awaited) return awaited.accountId;
  const { reasons } = details.prompt;
  const onlyTheCode = reasons.length === 1 && reasons[0] === SECOND_FACTOR_REASON;
  return onlyTheCode ? details.session?.accountId : undefined;
}

function loginResult(user, amr) {
  // `remember: false` makes the session cookie a browser-session cookie, like Okta's `sid`;
  // the session itself still ends after DEV_PROVIDER_SESSION_TTL of inactivity. No `ts`: the
  // authentication time is now, also after a code alone.
  return { login: { accountId: user.id, amr: [...amr], remember: false } };
}

/** Grants everything requested (the example's consent handler, minus the page). */
async function approveConsent(ctx, provider, details) {
  const {
    prompt: { details: missing },
    params,
    session,
  } = details;

  const existing = details.grantId && (await provider.Grant.find(details.grantId));
  const grant =
    existing || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();

  const consent = existing ? {} : { grantId };
  return finish(ctx, provider, { consent }, true);
}

// interactionResult is interactionFinished without writing to `res` directly, so Koa sends the
// 303 redirect back to the authorization endpoint itself.
async function finish(ctx, provider, result, mergeWithLastSubmission = false) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

function sendPage(ctx, status, html) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = html;
}
