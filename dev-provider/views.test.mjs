// The provider's HTML pages escape whatever they show and keep their accessible structure.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorPage, escapeHtml, signInPage } from './views.mjs';

const HOSTILE = `<img src=x onerror="alert('x')">&`;
const ESCAPED = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;';

test('escapeHtml escapes the five HTML-significant characters', () => {
  assert.equal(escapeHtml(HOSTILE), ESCAPED);
  assert.equal(escapeHtml(undefined), '');
});

test('the error page shows the error and its description escaped', () => {
  const html = errorPage({ error: HOSTILE, error_description: HOSTILE });
  assert.equal(html.split(ESCAPED).length - 1, 2);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /<html lang="en">[\s\S]*<title>Sign-in error<\/title>[\s\S]*<main>/);
});

test('the sign-in page escapes the kept username and the form action', () => {
  const html = signInPage({ action: `/x"${HOSTILE}`, username: HOSTILE, failed: true });
  assert.doesNotMatch(html, /<img/);
  assert.ok(html.includes(`value="${ESCAPED}"`));
  assert.match(html, /<p class="error" role="alert" id="sign-in-error">Unable to sign in<\/p>/);
  assert.match(html, /aria-describedby="sign-in-error"/);
});
