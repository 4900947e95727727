// The hosted sign-in page and the consent step, as oidc-provider "interactions" (see the Koa routes
// in its example/routes/koa.js). Consent is approved without a page: Okta shows none for an org's
// own apps.
import { errors } from 'oidc-provider';

import { INTERACTION_PREFIX } from './configuration.mjs';
import { BodyError, readForm } from './request-body.mjs';
import { errorPage, signInPage } from './views.mjs';

const UID = /^[\w-]+$/;

const EXPIRED = {
  error: 'invalid_request',
  error_description:
    'This sign-in page has expired or belongs to another browser. Go back to the application and sign in again.',
};

export function interactions({ provider, accounts, issuerPath }) {
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
    if (name === 'login' && ctx.method === 'POST') {
      return signIn(ctx, { provider, accounts, action });
    }
    if (name === 'login') {
      return sendPage(ctx, 200, signInPage({ action, username: details.params.login_hint }));
    }
    if (name === 'consent' && ctx.method === 'GET') return approveConsent(ctx, provider, details);
    return sendPage(ctx, 400, errorPage(EXPIRED));
  };
}

async function signIn(ctx, { provider, accounts, action }) {
  let form;
  try {
    form = await readForm(ctx, { single: ['username', 'password'] });
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

  const username = form.get('username') ?? '';
  const user = accounts.authenticate(username, form.get('password'));
  if (!user) return sendPage(ctx, 200, signInPage({ action, username, failed: true }));

  // `remember: false` makes the session cookie a browser-session cookie, like Okta's `sid`;
  // the session itself still ends after DEV_PROVIDER_SESSION_TTL of inactivity.
  const result = { login: { accountId: user.id, amr: ['pwd'], remember: false } };
  return finish(ctx, provider, result, false);
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
async function finish(ctx, provider, result, mergeWithLastSubmission) {
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
