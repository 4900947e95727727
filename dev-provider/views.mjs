// HTML of the pages the dev provider shows: the hosted sign-in page, the code page, errors and
// sign-out. Plain template strings; every interpolated value goes through escapeHtml. Colours meet
// WCAG AA contrast (4.5:1 or more for all text).

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

const STYLES = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
  background:#f3f4f6;color:#1d1d21;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:400px;margin:24px;padding:32px 40px;background:#fff;
  border:1px solid #d7d7dc;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.brand{margin:0 0 16px;color:#4b4b55;font-size:14px;text-align:center}
h1{margin:0 0 24px;font-size:24px;font-weight:600;text-align:center}
label{display:block;margin:16px 0 4px;font-weight:600}
input{display:block;width:100%;padding:10px 12px;border:1px solid #6e6e78;border-radius:4px;
  font:inherit;color:inherit;background:#fff}
button{display:block;width:100%;margin-top:24px;padding:12px;border:0;border-radius:4px;
  background:#1662dd;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:hover{background:#0f56c8}
button.secondary{margin-top:12px;border:1px solid #1662dd;background:#fff;color:#1662dd}
button.secondary:hover{background:#eef3fc}
input:focus-visible,button:focus-visible{outline:2px solid #1662dd;outline-offset:2px}
.error{margin:0 0 8px;padding:12px;border:1px solid #d92c20;border-radius:4px;background:#fdeded;
  color:#8c1d18}
dt{font-weight:600}
dd{margin:0 0 12px;overflow-wrap:anywhere}
`;

const BRAND = '<p class="brand">Dev OpenID Provider (not a real Okta org)</p>';

// The empty data: icon keeps browsers from fetching /favicon.ico, which is outside the issuer
// and would log a 404 in the console.
function page({ title, body }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
${BRAND}
${body}
</main>
</body>
</html>
`;
}

/** The hosted sign-in page; after a failed attempt it shows an alert and keeps the username. */
export function signInPage({ action, username = '', failed = false }) {
  const describedBy = failed ? ' aria-describedby="sign-in-error"' : '';
  return page({
    title: 'Sign In',
    body: `<h1>Sign In</h1>
${failed ? '<p class="error" role="alert" id="sign-in-error">Unable to sign in</p>' : ''}
<form method="post" action="${escapeHtml(action)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none"
  spellcheck="false" value="${escapeHtml(username)}"${describedBy}${username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
  ${describedBy}${username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`,
  });
}

/** What the code page says after a submission that did not sign the user in. */
const CODE_PROBLEMS = {
  wrong: ({ attemptsLeft }) =>
    `That code is not right. Check the code in your authenticator app and try again (${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left before it is locked).`,
  reused: () => 'That code has already been used. Wait for the next code and enter it.',
  locked: ({ secondsLeft }) =>
    `Too many wrong codes: your authenticator is locked for ${describeSeconds(secondsLeft)}. Try again later, or go back to the application.`,
};

/**
 * The second sign-in step: a TOTP code from the user's authenticator app. `problem` is
 * `{ outcome, attemptsLeft?, secondsLeft? }` of totp.mjs's verifier after a refused code, or of a
 * locked authenticator. The second form leaves the sign-in and goes back to the application.
 */
export function codePage({ action, username, problem }) {
  const hint = `Enter the 6-digit code your authenticator app shows for ${escapeHtml(username)}.`;
  const describedBy = problem ? 'code-hint code-error' : 'code-hint';
  return page({
    title: 'Enter a code',
    body: `<h1>Enter a code</h1>
${problem ? `<p class="error" role="alert" id="code-error">${escapeHtml(CODE_PROBLEMS[problem.outcome](problem))}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<p id="code-hint">${hint}</p>
<label for="otp">Code</label>
<input id="otp" name="otp" type="text" inputmode="numeric" autocomplete="one-time-code"
  maxlength="7" spellcheck="false" aria-describedby="${describedBy}" autofocus>
<button type="submit">Verify</button>
</form>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="cancel" value="yes">
<button type="submit" class="secondary">Back to the application</button>
</form>`,
  });
}

function describeSeconds(seconds) {
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/** oidc-provider's renderError output (`out` holds `error` and `error_description`). */
export function errorPage({ error, error_description: description }) {
  return page({
    title: 'Sign-in error',
    body: `<h1>Something went wrong</h1>
<dl>
<dt>Error</dt>
<dd><code>${escapeHtml(error)}</code></dd>
${description ? `<dt>Description</dt>\n<dd>${escapeHtml(description)}</dd>` : ''}
</dl>
<p>Go back to the application and try again.</p>`,
  });
}

/**
 * Okta's /v1/logout redirects at once; oidc-provider instead renders a page with a form that must
 * be POSTed (its CSRF-protected confirm step). This page submits that form by itself, with
 * logout=yes so the whole session ends. `form` is oidc-provider's markup with its xsrf token.
 */
export function autoSignOutPage(form) {
  return page({
    title: 'Signing out',
    body: `<h1>Signing out…</h1>
${form}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<noscript>
<p>JavaScript is turned off, so finish signing out here.</p>
<button type="submit" form="op.logoutForm">Sign out</button>
</noscript>
<script>document.getElementById('op.logoutForm').submit();</script>`,
  });
}

/** Shown after a logout that named no post_logout_redirect_uri. */
export function signedOutPage() {
  return page({
    title: 'Signed out',
    body: `<h1>Signed out</h1>
<p>You have been signed out. You can close this page.</p>`,
  });
}
