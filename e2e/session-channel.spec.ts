import { E2E, expect, signInAtProvider, storedTokens, test, TEST_USER } from './fixtures';

/** What the app's tabs say to each other over BroadcastChannel. */
interface ChannelMessage {
  readonly type: string;
  readonly tokens?: unknown;
}

const channelName = `${E2E.clientId}-session`;

test.describe('the cross-tab channel', () => {
  test('a same-origin script cannot plant or swap a session over the channel', async ({ page }) => {
    const app = E2E.originOf('main');
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    const second = await page.context().newPage();
    await second.goto(`${app}/profile`);
    await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();

    // A script on the app's origin (an XSS in another app there, a compromised library) forges
    // session messages from the real session, then asks for the session. Each tab handles the
    // messages of one sender in order, so its answer proves it has handled the forgeries.
    const { answers, genuine } = await page.evaluate(
      async ({ name, clientId }) => {
        const genuine = JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}');
        const generation = Number(localStorage.getItem(`${clientId}-session-generation`) ?? '0');
        const { idToken, accessToken, refreshToken } = genuine;
        const forgeries = [
          // The next renewal would send the refresh token there.
          { ...genuine, refreshToken: { ...refreshToken, tokenUrl: 'https://evil.example/token' } },
          // Profile pages would send the access token there.
          { ...genuine, accessToken: { ...accessToken, userinfoUrl: 'https://evil.example/me' } },
          // Claims that the signed JWT does not carry.
          {
            ...genuine,
            idToken: { ...idToken, claims: { ...idToken.claims, name: 'Mallory' } },
          },
          { ...genuine, idToken: { ...idToken, issuer: 'https://evil.example/oauth2/default' } },
          { ...genuine, idToken: { ...idToken, clientId: '0oaSOMEOTHERAPP' } },
          { ...genuine, accessToken: { ...accessToken, expiresAt: 'never' } },
        ];
        const channel = new BroadcastChannel(name);
        const answers: unknown[] = [];
        const bothAnswered = new Promise<void>((resolve) => {
          channel.onmessage = (event: MessageEvent<ChannelMessage>) => {
            if (event.data.type !== 'tokens') return;
            answers.push(event.data.tokens);
            if (answers.length === 2) resolve();
          };
        });
        for (const tokens of forgeries) channel.postMessage({ type: 'tokens', tokens, generation });
        channel.postMessage({ type: 'request-session' });
        await bothAnswered;
        channel.close();
        return { answers, genuine };
      },
      { name: channelName, clientId: E2E.clientId },
    );

    expect(answers).toEqual([genuine, genuine]);
    expect(
      await second.evaluate(() => JSON.parse(sessionStorage.getItem('okta-token-storage') ?? '{}')),
    ).toEqual(genuine);
    await second.reload();
    await expect(second.getByText(`Signed in as ${TEST_USER.name}`)).toBeVisible();
  });

  test('with memory storage each tab is a session of its own: no token crosses the channel, and sign-out still reaches every tab', async ({
    page,
    faults,
  }) => {
    const app = E2E.originOf('memory');
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    // Everything the tabs say on the channel from now on, as any page of the origin could hear it
    // (a tab of the app on its public home page, which asks nothing in memory mode).
    const heard: ChannelMessage[] = [];
    const probe = await page.context().newPage();
    await probe.goto(`${app}/`);
    await probe.exposeFunction('hearSessionMessage', (message: ChannelMessage) =>
      heard.push(message),
    );
    await probe.evaluate((name) => {
      const report = (window as unknown as { hearSessionMessage: (message: unknown) => void })
        .hearSessionMessage;
      new BroadcastChannel(name).onmessage = (event) => report(event.data);
    }, channelName);

    const second = await page.context().newPage();
    // The token endpoint's first answer is its DPoP nonce challenge; the tokens come with the retry.
    const secondSignIn = second.waitForResponse(
      (response) => response.url() === `${E2E.issuer}/v1/token` && response.status() === 200,
    );
    await second.goto(`${app}/messages`);
    await expect(second.getByText(/^Hello, /)).toBeVisible();
    // It signed in on its own (silently: the Okta session lives), instead of being handed tokens.
    const stats = await faults.stats();
    expect(stats.authorize).toBe(2);
    expect(stats.tokenGrants['authorization_code']).toBe(2);
    const secondRefreshToken = ((await (await secondSignIn).json()) as { refresh_token: string })
      .refresh_token;
    const revoked = new Set<string>();
    page.context().on('request', (request) => {
      if (request.url() !== `${E2E.issuer}/v1/revoke`) return;
      revoked.add(new URLSearchParams(request.postData() ?? '').get('token') ?? '');
    });

    await page.getByRole('button', { name: 'Sign out' }).click();

    await expect(second.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible({
      timeout: 2_000,
    });
    // Its own grant ends too: the first tab never knew its refresh token.
    await expect.poll(() => revoked.has(secondRefreshToken)).toBe(true);
    expect(await storedTokens(second)).toEqual([]);
    await expect.poll(() => heard.map((message) => message.type)).toContain('signed-out');
    expect(heard.filter((message) => message.type !== 'signed-out')).toEqual([]);
  });
});
