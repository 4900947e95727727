import { Page } from '@playwright/test';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import {
  dpopKeyPairs,
  E2E,
  expect,
  expectRefusedSignIn,
  refreshInPage,
  signInAtProvider,
  test,
  TEST_USER,
  tokenGrants,
} from './fixtures';

/** What okta-auth-js keeps in sessionStorage or localStorage under okta-token-storage. */
interface StoredTokens {
  readonly accessToken: {
    readonly accessToken: string;
    readonly tokenType: string;
    readonly dpopPairId?: string;
  };
  readonly refreshToken: { readonly refreshToken: string; readonly dpopPairId?: string };
}

async function tokensOf(page: Page, storage = 'sessionStorage'): Promise<StoredTokens> {
  const text = await page.evaluate(
    (name) =>
      (name === 'localStorage' ? localStorage : sessionStorage).getItem('okta-token-storage'),
    storage,
  );
  return JSON.parse(text ?? '{}') as StoredTokens;
}

/** The `cnf.jkt` (RFC 9449 §6.1) of a JWT access token. */
function jktOf(accessToken: string): unknown {
  return (decodeJwt(accessToken)['cnf'] as { jkt?: unknown } | undefined)?.jkt;
}

/** An attacker's own key pair, and proofs signed with it: everything but the victim's key. */
async function attackerKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    thumbprint: await calculateJwkThumbprint(jwk),
    proof: (htm: string, htu: string, { accessToken = '', nonce = '' } = {}) =>
      new SignJWT({
        htm,
        htu,
        jti: randomUUID(),
        ...(accessToken && {
          ath: createHash('sha256').update(accessToken).digest('base64url'),
        }),
        ...(nonce && { nonce }),
      })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey),
  };
}

/** A request from outside the browser (curl, a script on the attacker's machine). */
async function fromOutside(url: string, init: RequestInit) {
  const response = await fetch(url, init);
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate') ?? '',
    nonce: response.headers.get('dpop-nonce'),
    body: (await response.json().catch(() => null)) as { error?: string } | null,
  };
}

const messagesUrl = `${E2E.apiUrl}/api/messages`;
const tokenUrl = `${E2E.issuer}/v1/token`;

test.describe('DPoP (RFC 9449): tokens bound to a key that never leaves the browser', () => {
  test('signs in with bound tokens and calls the API with a proof, answering its nonce challenge once', async ({
    page,
    faults,
  }) => {
    const apiCalls: { status: number; authorization?: string; dpop?: string }[] = [];
    page.on('response', (response) => {
      if (response.url() !== messagesUrl || response.request().method() !== 'GET') return;
      const headers = response.request().headers();
      apiCalls.push({
        status: response.status(),
        authorization: headers['authorization'],
        dpop: headers['dpop'],
      });
    });
    await page.goto('/messages');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();

    const { accessToken, refreshToken } = await tokensOf(page);
    expect(accessToken.tokenType).toBe('DPoP');
    expect(accessToken.dpopPairId).toMatch(/^[0-9a-f]+$/);
    expect(refreshToken.dpopPairId).toBe(accessToken.dpopPairId);
    expect(await dpopKeyPairs(page)).toEqual([accessToken.dpopPairId]);
    expect(jktOf(accessToken.accessToken)).toMatch(/^[\w-]{43}$/);

    // The API's first answer is its nonce challenge; the retry carries the nonce, and succeeds.
    expect(apiCalls.map(({ status }) => status)).toEqual([401, 200]);
    for (const call of apiCalls) {
      expect(call.authorization).toBe(`DPoP ${accessToken.accessToken}`);
      expect(call.dpop).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    }
    const [first, retry] = apiCalls.map(({ dpop }) => decodeJwt(dpop ?? ''));
    expect(first['nonce']).toBeUndefined();
    expect(retry['nonce']).toEqual(expect.any(String));
    expect(retry).toMatchObject({ htm: 'GET', htu: messagesUrl });
    expect(retry['jti']).not.toBe(first['jti']);
    // One authorization code grant, whatever the token endpoint's own nonce round trip cost.
    expect((await faults.stats()).tokenGrants['authorization_code']).toBe(1);

    // The nonce is kept: the next call needs no challenge.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => apiCalls.length).toBe(3);
    expect(apiCalls[2].status).toBe(200);
  });

  test("the profile page's userinfo call uses DPoP too", async ({ signedIn: page }) => {
    const userinfo = page.waitForRequest((request) => request.url().endsWith('/v1/userinfo'));
    await page.getByRole('button', { name: 'Load userinfo' }).click();
    const request = await userinfo;

    expect(request.headers()['authorization']).toMatch(/^DPoP eyJ/);
    expect(request.headers()['dpop']).toMatch(/^eyJ/);
    await expect(page.locator('pre.userinfo')).toContainText(TEST_USER.username);
  });

  test('a stolen access token is worth nothing outside the browser', async ({ signedIn: page }) => {
    const { accessToken } = await tokensOf(page);
    const token = accessToken.accessToken;
    const attacker = await attackerKey();

    // 1. Replayed as a plain Bearer token: refused, no downgrade.
    const asBearer = await fromOutside(messagesUrl, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.body?.error).toBe('invalid_token');

    // 2. With the DPoP scheme and no proof at all.
    const noProof = await fromOutside(messagesUrl, { headers: { Authorization: `DPoP ${token}` } });
    expect(noProof.status).toBe(401);
    expect(noProof.challenge).toMatch(/^DPoP|, DPoP/);

    // 3. With a well-formed proof signed by the attacker's own key, nonce and all.
    const send = (nonce = '') =>
      attacker
        .proof('GET', messagesUrl, { accessToken: token, nonce })
        .then((proof) =>
          fromOutside(messagesUrl, { headers: { Authorization: `DPoP ${token}`, DPoP: proof } }),
        );
    let otherKey = await send();
    if (otherKey.body?.error === 'use_dpop_nonce') otherKey = await send(otherKey.nonce ?? '');
    expect(otherKey.status).toBe(401);
    expect(otherKey.body?.error).toMatch(/^invalid_(token|dpop_proof)$/);
    expect(attacker.thumbprint).not.toBe(jktOf(token));

    // The browser that holds the key still gets in.
    await page.getByRole('link', { name: 'Messages' }).click();
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();
  });

  test("a stolen refresh token cannot be used at Okta's token endpoint without the key", async ({
    signedIn: page,
    faults,
  }) => {
    const { refreshToken } = await tokensOf(page);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: E2E.clientId,
      refresh_token: refreshToken.refreshToken,
    });
    const post = (headers: Record<string, string> = {}) =>
      fromOutside(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: form,
      });

    const noProof = await post();
    expect(noProof.status).toBe(400);
    expect(noProof.body?.error).toBe('invalid_dpop_proof');

    const attacker = await attackerKey();
    let otherKey = await post({ DPoP: await attacker.proof('POST', tokenUrl) });
    if (otherKey.body?.error === 'use_dpop_nonce') {
      otherKey = await post({
        DPoP: await attacker.proof('POST', tokenUrl, { nonce: otherKey.nonce ?? '' }),
      });
    }
    expect(otherKey.status).toBe(400);
    expect(otherKey.body?.error).toBe('invalid_grant');
    expect((await faults.stats()).tokenGrants['refresh_token'] ?? 0).toBeLessThanOrEqual(2);
  });

  test('what DPoP does not stop: a script running in the page signs proofs with its key', async ({
    signedIn: page,
  }) => {
    // RFC 9449 §11.4: the key cannot be exported, but any script of the origin can use it while
    // the page is open. Content Security Policy and Trusted Types are the defence against that.
    expect(await refreshInPage(page, E2E.issuer)).toBe(200);
  });

  test('sign-out deletes the key pair, and the next sign-in makes a new one', async ({
    signedIn: page,
  }) => {
    const before = (await tokensOf(page)).accessToken;
    expect(await dpopKeyPairs(page)).toEqual([before.dpopPairId]);

    const logout = page.waitForRequest((request) =>
      request.url().startsWith(`${E2E.issuer}/v1/logout?`),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await logout;
    await expect(page).toHaveURL(`${E2E.appOrigin}/`);
    expect(await dpopKeyPairs(page)).toEqual([]);

    await page.goto('/profile');
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
    const after = (await tokensOf(page)).accessToken;
    expect(after.dpopPairId).not.toBe(before.dpopPairId);
    expect(jktOf(after.accessToken)).not.toBe(jktOf(before.accessToken));
    expect(await dpopKeyPairs(page)).toEqual([after.dpopPairId]);
  });

  for (const storage of ['sessionStorage', 'localStorage'] as const) {
    test(`a second tab uses the shared session and the same key (${storage})`, async ({ page }) => {
      const app = E2E.originOf(storage === 'sessionStorage' ? 'main' : 'localStorage');
      await page.goto(`${app}/profile`);
      await signInAtProvider(page, TEST_USER);
      await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();

      const second = await page.context().newPage();
      await second.goto(`${app}/messages`);
      await expect(second.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();
      const [mine, theirs] = [await tokensOf(page, storage), await tokensOf(second, storage)];
      expect(theirs.accessToken.dpopPairId).toBe(mine.accessToken.dpopPairId);
    });
  }

  test.describe('fails closed', () => {
    test('an Okta app that does not bind tokens: the sign-in is refused with the setting to change', async ({
      page,
      faults,
    }) => {
      await faults.set({ dpopMode: 'off' });
      await page.goto('/profile');
      await signInAtProvider(page, TEST_USER);

      // The Bearer token Okta sent was never stored (expectRefusedSignIn checks storage).
      await expectRefusedSignIn(page, faults, /only accepts DPoP-bound tokens \(OKTA_DPOP=true\)/);
      // okta-auth-js made a key pair at the callback (exchangeCodeForTokens); nothing is bound to
      // it, so the sweep after the sign-in removed it.
      expect(await dpopKeyPairs(page)).toEqual([]);
    });

    test('an app without DPoP at an Okta app that requires it: refused, naming OKTA_DPOP', async ({
      page,
      faults,
    }) => {
      await page.goto(`${E2E.originOf('bearer')}/profile`);
      await signInAtProvider(page, TEST_USER);

      await expectRefusedSignIn(
        page,
        faults,
        /requires DPoP, but this app sent no proof \(OKTA_DPOP=false\)/,
      );
    });

    test('a browser that cannot keep a key: sign-in does not start, and says why', async ({
      page,
      faults,
    }) => {
      await page.addInitScript(() => {
        Object.defineProperty(window, 'indexedDB', { value: undefined });
      });
      await page.goto('/profile');

      await expect(page.getByRole('alert')).toHaveText(/cannot keep a DPoP key/);
      expect((await faults.stats()).authorize).toBe(0);
    });
  });

  test('with DPoP off (OKTA_DPOP=false), an Okta app without DPoP gives Bearer tokens that work', async ({
    page,
    faults,
  }) => {
    await faults.set({ dpopMode: 'optional' });
    const apiCall = page.waitForResponse((response) => response.url() === messagesUrl);
    await page.goto(`${E2E.originOf('bearer')}/messages`);
    await signInAtProvider(page, TEST_USER);
    await expect(page.getByText(`Hello, ${TEST_USER.username}`)).toBeVisible();

    const { accessToken } = await tokensOf(page);
    expect(accessToken.tokenType).toBe('Bearer');
    expect((await apiCall).request().headers()['authorization']).toMatch(/^Bearer eyJ/);
    expect(await tokenGrants('authorization_code')(await faults.stats())).toBe(1);
  });
});
