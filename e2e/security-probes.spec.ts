import {
  E2E,
  expect,
  POLICY_VIOLATION,
  screenshot,
  signInAtProvider,
  storedTokens,
  test,
  TEST_USER,
} from './fixtures';

test.describe('security probes', () => {
  const hostileReturnUrls = [
    '//evil.example/profile',
    '/\\evil.example/profile',
    'https://evil.example/profile',
    'javascript:alert(document.domain)',
  ];
  for (const hostile of hostileReturnUrls) {
    test(`a tampered return URL (${hostile}) lands on the app's home page`, async ({ page }) => {
      // Rewrite what okta-auth-js stored as the original URI, just before the callback reads it.
      await page.addInitScript((value) => {
        if (location.pathname !== '/login/callback') return;
        sessionStorage.setItem('referrerPath', value);
        const shared = localStorage.getItem('okta-original-uri-storage');
        if (shared) {
          const entries = JSON.parse(shared) as Record<string, unknown>;
          for (const key of Object.keys(entries)) entries[key] = value;
          localStorage.setItem('okta-original-uri-storage', JSON.stringify(entries));
        }
      }, hostile);
      await page.goto('/profile');
      await signInAtProvider(page, TEST_USER);
      await expect(page.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
      expect(page.url()).toBe(`${E2E.appOrigin}/`);
    });
  }

  test('the access token goes to the API origin and nowhere else', async ({ signedIn: page }) => {
    const bearers: string[] = [];
    page.on('request', (request) => {
      // Bound tokens go with the DPoP scheme; a Bearer one would be refused, and leak no less.
      if (/^(Bearer|DPoP) /.test(request.headers()['authorization'] ?? '')) {
        bearers.push(request.url());
      }
    });
    await page.getByRole('link', { name: 'Messages' }).click();
    // The messages themselves, not any list item (the header's links are list items too): the API
    // call goes out only once its DPoP proof is signed.
    await expect(page.getByText(/^Hello, /)).toBeVisible();
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Load userinfo' }).click();
    await expect(page.getByText('"sub"')).toBeVisible();
    const origins = new Set(bearers.map((url) => new URL(url).origin));
    // The API gets it from our interceptor; Okta's userinfo gets it from okta-auth-js.
    expect([...origins].sort()).toEqual([new URL(E2E.issuer).origin, E2E.apiUrl].sort());
    expect(bearers.filter((url) => url.startsWith(E2E.issuer))).toEqual([
      `${E2E.issuer}/v1/userinfo`,
    ]);
  });

  test('a look-alike allow-list entry (a prefix of the API origin) gets no token', async ({
    page,
  }) => {
    const app = E2E.originOf('lookalike');
    await page.goto(`${app}/messages`);
    await signInAtProvider(page, TEST_USER);
    const apiCall = page.waitForRequest((r) => r.url() === `${E2E.apiUrl}/api/messages`);
    await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
    expect((await apiCall).headers()['authorization']).toBeUndefined();
    await expect(page.getByRole('alert')).toContainText('did not accept your access token');
  });

  test('markup in error_description is shown as text, never as HTML', async ({ page, faults }) => {
    const markup = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>';
    // Okta's answer to this tab's sign-in; a forged link's description is never shown at all.
    await faults.set({ authorizeError: { error: 'access_denied', description: markup } });
    await page.goto('/profile');
    const alert = page.getByRole('alert');
    await expect(alert).toHaveText(markup);
    expect(await alert.innerHTML()).not.toContain('<img');
    await expect(page.getByRole('img')).toHaveCount(0);
    expect(await page.title()).not.toBe('pwned');
    await screenshot(page, 'callback-error-markup');
  });

  test('storage after sign-in holds the tokens in sessionStorage only, and no PKCE verifier', async ({
    signedIn: page,
  }) => {
    const audit = await page.evaluate(() => {
      const dump = (storage: Storage) =>
        Object.fromEntries(
          Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map((key) => [
            key,
            storage.getItem(key) ?? '',
          ]),
        );
      return { local: dump(localStorage), session: dump(sessionStorage), cookies: document.cookie };
    });
    expect(await storedTokens(page)).toEqual(['sessionStorage:okta-token-storage']);
    const everything = JSON.stringify(audit);
    expect(everything).not.toMatch(/codeVerifier/);
    expect(audit.local['okta-shared-transaction-storage'] ?? '{}').toBe('{}');
    expect(audit.cookies).not.toMatch(/eyJ/);
  });

  test('storage after sign-out holds no token anywhere', async ({ signedIn: page }) => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expect(page).toHaveURL(`${E2E.appOrigin}/`);
    expect(await storedTokens(page)).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/eyJ/);
  });
});

test.describe('token storage', () => {
  test('localStorage keeps tokens for new tabs and across restarts', async ({ page }) => {
    await page.goto(`${E2E.originOf('localStorage')}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    expect(await storedTokens(page)).toEqual(['localStorage:okta-token-storage']);
    const second = await page.context().newPage();
    await second.goto(`${E2E.originOf('localStorage')}/messages`);
    await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
  });

  test('memory keeps tokens out of storage and loses them on reload', async ({ page, faults }) => {
    await page.goto(`${E2E.originOf('memory')}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    expect(await storedTokens(page)).toEqual([]);
    await page.goto(`${E2E.originOf('memory')}/`);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect((await faults.stats()).tokenGrants['authorization_code']).toBe(1);
  });

  test('sessionStorage keeps tokens per tab; a new tab gets them from an open one', async ({
    signedIn: page,
    faults,
  }) => {
    expect(await storedTokens(page)).toEqual(['sessionStorage:okta-token-storage']);
    const before = (await faults.stats()).authorize;
    const second = await page.context().newPage();
    await second.goto(E2E.appOrigin);
    await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
    expect(await storedTokens(second)).toEqual(['sessionStorage:okta-token-storage']);
    expect((await faults.stats()).authorize, 'no trip to Okta for the new tab').toBe(before);
  });
});

/** The part of the Trusted Types API the probe calls; TypeScript's DOM library lacks it. */
interface TrustedTypesWindow {
  readonly trustedTypes: { createPolicy(name: string, rules: object): unknown };
}

test.describe('Trusted Types', () => {
  test('a string written to a DOM XSS sink, or a policy Angular does not need, is refused and caught', async ({
    context,
  }) => {
    // A page of its own, without the `page` fixture: there, these violations fail the test at
    // teardown, which is exactly what this test shows the fixture's filter would do.
    const probe = await context.newPage();
    const reported: string[] = [];
    probe.on('console', (message) => {
      if (message.type() === 'error' && POLICY_VIOLATION.test(message.text())) {
        reported.push(message.text());
      }
    });
    await probe.goto('/');
    await expect(
      probe.getByRole('heading', { name: 'Okta + Angular reference app' }),
    ).toBeVisible();
    const outcome = await probe.evaluate(async () => {
      // Each refusal is also reported as an event: wait for as many events as there were refusals.
      const directives: string[] = [];
      let refusals = Number.POSITIVE_INFINITY;
      let allReported: () => void = () => undefined;
      const reported = new Promise<void>((done) => (allReported = done));
      document.addEventListener('securitypolicyviolation', (event) => {
        directives.push(event.violatedDirective);
        if (directives.length >= refusals) allReported();
      });
      const attempt = (action: () => unknown) => {
        try {
          action();
          return 'allowed';
        } catch (error) {
          return String(error);
        }
      };
      const sink = attempt(() => {
        document.createElement('div').innerHTML = '<img src=x onerror=alert(1)>';
      });
      const bypass = attempt(() =>
        (window as unknown as TrustedTypesWindow).trustedTypes.createPolicy(
          'angular#unsafe-bypass',
          {},
        ),
      );
      refusals = [sink, bypass].filter((result) => result !== 'allowed').length;
      if (directives.length >= refusals) allReported();
      await reported;
      return { sink, bypass, directives };
    });
    expect(outcome).toEqual({
      sink: expect.stringMatching(/^TypeError: .*requires 'TrustedHTML' assignment/),
      bypass: expect.stringMatching(/^TypeError: .*"angular#unsafe-bypass" disallowed/),
      directives: ['require-trusted-types-for', 'trusted-types'],
    });
    await expect
      .poll(() => reported)
      .toEqual([
        expect.stringMatching(/requires 'TrustedHTML' assignment/),
        expect.stringMatching(/TrustedTypePolicy named 'angular#unsafe-bypass'/),
      ]);
  });
});
