// The provider's HTML pages escape whatever they show and keep their accessible structure.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { codePage, errorPage, escapeHtml, signInPage } from './views.mjs';

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

test('the code page escapes the username and the form action, and describes the input by its hint', () => {
  const html = codePage({ action: `/x"${HOSTILE}`, username: HOSTILE });
  assert.doesNotMatch(html, /<img/);
  assert.ok(html.includes(`for ${ESCAPED}.</p>`));
  assert.equal(html.split(`action="/x&quot;${ESCAPED}"`).length - 1, 2, 'both forms');
  assert.match(html, /<p id="code-hint">/);
  assert.match(html, /aria-describedby="code-hint" autofocus>/);
  assert.match(html, /<input type="hidden" name="cancel" value="yes">/);
  assert.doesNotMatch(html, /role="alert"/);
});

test('the code page announces each refusal as an alert that describes the input', () => {
  for (const [problem, text] of [
    [
      { outcome: 'wrong', attemptsLeft: 1 },
      'That code is not right. Check the code in your authenticator app and try again (1 try left before it is locked).',
    ],
    [
      { outcome: 'reused' },
      'That code has already been used. Wait for the next code and enter it.',
    ],
    [
      { outcome: 'locked', secondsLeft: 1 },
      'Too many wrong codes: your authenticator is locked for 1 second. Try again later, or go back to the application.',
    ],
    [
      { outcome: 'locked', secondsLeft: 61 },
      'Too many wrong codes: your authenticator is locked for 2 minutes. Try again later, or go back to the application.',
    ],
  ]) {
    const html = codePage({ action: '/i', username: 'ada@example.com', problem });
    assert.ok(html.includes(`<p class="error" role="alert" id="code-error">${text}</p>`), text);
    assert.match(html, /aria-describedby="code-hint code-error"/);
  }
});
