import type { HttpResponse } from '@okta/okta-auth-js/core';
import { createTimedHttpClient } from './timed-fetch';

const TOKEN_URL = 'https://dev-123456.okta.com/oauth2/default/v1/token';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const JSON_HEADERS = { 'Content-Type': 'application/json' };

type FetchSpy = jasmine.Spy<typeof fetch>;

/** A fetch that answers every request with `body` and `init`. */
function fetchAnswering(body: string | null, init: ResponseInit = {}): FetchSpy {
  return jasmine
    .createSpy<typeof fetch>('fetch')
    .and.callFake(() => Promise.resolve(new Response(body, init)));
}

const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  fetchAnswering(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** A fetch that never answers, but gives up as real fetch does when `init.signal` aborts. */
const fetchThatNeverAnswers: typeof fetch = (_input, init) =>
  new Promise<Response>((_resolve, reject) => {
    const signal = init?.signal;
    signal?.addEventListener('abort', () => reject(signal.reason));
  });

/** The RequestInit the client passed to fetch. */
function initOf(fetchSpy: FetchSpy): RequestInit {
  const init = fetchSpy.calls.mostRecent().args[1];
  if (!init) throw new Error('fetch was called without options');
  return init;
}

describe('createTimedHttpClient', () => {
  describe('the request', () => {
    it('goes to the URL with the method and headers okta-auth-js gives', async () => {
      const fetchSpy = json({});
      const headers = { Accept: 'application/json', 'X-Okta-User-Agent-Extended': 'okta-auth-js' };

      await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, { headers });

      expect(fetchSpy).toHaveBeenCalledOnceWith(
        TOKEN_URL,
        jasmine.objectContaining({ method: 'GET', headers }),
      );
    });

    it('form-encodes an object body sent as application/x-www-form-urlencoded', async () => {
      const fetchSpy = json({});
      const data = {
        grant_type: 'authorization_code',
        code: 'a b&c=d',
        redirect_uri: 'http://localhost:4200/login/callback',
      };

      await createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, { headers: FORM, data });

      const body = initOf(fetchSpy).body;
      expect(typeof body).toBe('string');
      expect(Object.fromEntries(new URLSearchParams(body as string))).toEqual(data);
    });

    it('finds the form content type whatever the letter case of the header name', async () => {
      const fetchSpy = json({});

      await createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        data: { token: 'abc', token_type_hint: 'access_token' },
      });

      expect(initOf(fetchSpy).body).toBe('token=abc&token_type_hint=access_token');
    });

    it('sends an object body as JSON when the content type is JSON', async () => {
      const fetchSpy = json({});
      const data = { stateToken: 'abc', options: { multiOptionalFactorEnroll: true } };

      await createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, {
        headers: JSON_HEADERS,
        data,
      });

      expect(JSON.parse(initOf(fetchSpy).body as string)).toEqual(data);
    });

    it('sends an object body as JSON when no content type is given', async () => {
      const fetchSpy = json({});

      await createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, { data: { a: 1 } });

      expect(initOf(fetchSpy).body).toBe('{"a":1}');
    });

    it('sends a body that is already a string unchanged', async () => {
      const fetchSpy = json({});
      const data = 'grant_type=authorization_code&code=abc';

      await createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, { headers: FORM, data });

      expect(initOf(fetchSpy).body).toBe(data);
    });

    it('sends no body when there is no data', async () => {
      const fetchSpy = json({});

      await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, { headers: JSON_HEADERS });

      expect(initOf(fetchSpy).body).toBeUndefined();
    });

    it('includes cookies when okta-auth-js asks for credentials', async () => {
      const fetchSpy = json({});

      await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, { withCredentials: true });

      expect(initOf(fetchSpy).credentials).toBe('include');
    });

    const withoutCredentials: [string, boolean | undefined][] = [
      ['refuses credentials', false],
      ['does not mention credentials', undefined],
    ];
    for (const [what, withCredentials] of withoutCredentials) {
      it(`omits cookies when okta-auth-js ${what}`, async () => {
        const fetchSpy = json({});

        await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, { withCredentials });

        expect(initOf(fetchSpy).credentials).toBe('omit');
      });
    }

    it('gives fetch an abort signal that fires after the timeout', async () => {
      const timeout = spyOn(AbortSignal, 'timeout').and.callThrough();
      const fetchSpy = json({});

      await createTimedHttpClient(7_000, fetchSpy)('GET', TOKEN_URL, {});

      expect(timeout).toHaveBeenCalledOnceWith(7_000);
      expect(initOf(fetchSpy).signal).toBe(timeout.calls.mostRecent().returnValue);
    });
  });

  describe('a successful answer', () => {
    it('is parsed into responseJSON when it is JSON, with the status and the text', async () => {
      const body = { access_token: 'at', token_type: 'Bearer', expires_in: 3600 };

      const result = await createTimedHttpClient(15_000, json(body))('POST', TOKEN_URL, {});

      expect(result.status).toBe(200);
      expect(result.responseType).toBe('json');
      expect(result.responseJSON).toEqual(body);
      expect(JSON.parse(result.responseText)).toEqual(body);
    });

    it('keeps the response headers, as a plain object', async () => {
      const fetchSpy = json({}, 200, { 'X-Rate-Limit-Remaining': '99' });

      const result = await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, {});

      expect(result.headers).toEqual({
        'content-type': 'application/json',
        'x-rate-limit-remaining': '99',
      });
    });

    const jsonTypes = [
      'application/json; charset=UTF-8',
      'application/problem+json',
      'APPLICATION/JSON',
    ];
    for (const contentType of jsonTypes) {
      it(`is read as JSON when it is ${contentType}`, async () => {
        const fetchSpy = fetchAnswering('{"keys":[]}', {
          headers: { 'Content-Type': contentType },
        });

        const result = await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, {});

        expect(result.responseJSON).toEqual({ keys: [] });
      });
    }

    it('is kept as text when it is not JSON', async () => {
      const fetchSpy = fetchAnswering('<html>ok</html>', {
        headers: { 'Content-Type': 'text/html' },
      });

      const result = await createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, {});

      expect(result.responseText).toBe('<html>ok</html>');
      expect(result.responseJSON).toBeUndefined();
      expect(result.responseType).toBeUndefined();
    });

    it('is kept as (empty) text when it has no body, as /v1/revoke answers', async () => {
      const result = await createTimedHttpClient(15_000, fetchAnswering(null))(
        'POST',
        TOKEN_URL,
        {},
      );

      expect(result.status).toBe(200);
      expect(result.responseText).toBe('');
    });
  });

  describe('an answer that okta-auth-js must treat as an error', () => {
    it('rejects with the HttpResponse for a 4xx OAuth error, for okta-auth-js to describe', async () => {
      const body = {
        error: 'invalid_grant',
        error_description: 'The authorization code is invalid.',
      };

      await expectAsync(
        createTimedHttpClient(15_000, json(body, 400))('POST', TOKEN_URL, {}),
      ).toBeRejectedWith(
        jasmine.objectContaining<HttpResponse>({
          status: 400,
          responseJSON: body,
          responseText: JSON.stringify(body),
        }),
      );
    });

    it('rejects with the HttpResponse for a 4xx that is not JSON', async () => {
      const fetchSpy = fetchAnswering('Not Found', { status: 404 });

      await expectAsync(
        createTimedHttpClient(15_000, fetchSpy)('GET', TOKEN_URL, {}),
      ).toBeRejectedWith(
        jasmine.objectContaining<HttpResponse>({ status: 404, responseText: 'Not Found' }),
      );
    });

    it('rejects with the HttpResponse when a 200 carries an OAuth error', async () => {
      const body = { error: 'invalid_request', error_description: 'PKCE verification failed.' };

      await expectAsync(
        createTimedHttpClient(15_000, json(body, 200))('POST', TOKEN_URL, {}),
      ).toBeRejectedWith(
        jasmine.objectContaining<HttpResponse>({ status: 200, responseJSON: body }),
      );
    });

    for (const status of [500, 502, 503]) {
      it(`rejects a ${status} with an Error that names the status`, async () => {
        const fetchSpy = json({ errorSummary: 'Internal error' }, status);

        await expectAsync(
          createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, {}),
        ).toBeRejectedWithError(Error, `Okta could not complete the request (HTTP ${status}).`);
      });
    }

    it('rejects with a readable Error when the JSON cannot be read', async () => {
      const fetchSpy = fetchAnswering('{"access_token": "at",', { headers: JSON_HEADERS });

      await expectAsync(
        createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, {}),
      ).toBeRejectedWithError(Error, 'Okta sent a response the app could not read.');
    });
  });

  describe('when Okta cannot be reached', () => {
    it('rejects with a readable Error when the network fails', async () => {
      const fetchSpy = jasmine
        .createSpy<typeof fetch>('fetch')
        .and.rejectWith(new TypeError('Failed to fetch'));

      await expectAsync(
        createTimedHttpClient(15_000, fetchSpy)('POST', TOKEN_URL, {}),
      ).toBeRejectedWithError(
        Error,
        'Okta could not be reached. Check your connection and try again.',
      );
    });

    it('gives up when Okta does not answer in time', async () => {
      await expectAsync(
        createTimedHttpClient(20, fetchThatNeverAnswers)('POST', TOKEN_URL, {}),
      ).toBeRejectedWithError(Error, /^Okta did not answer within \d+ seconds\.$/);
    });

    it('says how many seconds it waited', async () => {
      // Keep the real 15-second deadline out of the test: the signal fires after 20 ms instead.
      const realTimeout = AbortSignal.timeout.bind(AbortSignal);
      spyOn(AbortSignal, 'timeout').and.callFake(() => realTimeout(20));

      await expectAsync(
        createTimedHttpClient(15_000, fetchThatNeverAnswers)('POST', TOKEN_URL, {}),
      ).toBeRejectedWithError(Error, 'Okta did not answer within 15 seconds.');
    });

    it('does not give up on an answer that arrives before the deadline', async () => {
      const slowButInTime: typeof fetch = () =>
        new Promise((resolve) =>
          setTimeout(() => resolve(new Response('{}', { headers: JSON_HEADERS })), 10),
        );

      await expectAsync(
        createTimedHttpClient(1_000, slowButInTime)('GET', TOKEN_URL, {}),
      ).toBeResolved();
    });

    // The deadline also covers reading the body: fetch errors the body stream with the signal's
    // reason (from real fetch, a DOMException "signal timed out"), which must not reach the user.
    it('gives up with the same message when the body stops arriving before the deadline', async () => {
      const headersThenSilence: typeof fetch = (_input, init) => {
        const signal = init?.signal;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"access_token": '));
            signal?.addEventListener('abort', () => controller.error(signal.reason));
          },
        });
        return Promise.resolve(new Response(body, { headers: JSON_HEADERS }));
      };
      const realTimeout = AbortSignal.timeout.bind(AbortSignal);
      spyOn(AbortSignal, 'timeout').and.callFake(() => realTimeout(20));

      await expectAsync(
        createTimedHttpClient(15_000, headersThenSilence)('POST', TOKEN_URL, {}),
      ).toBeRejectedWithError(Error, 'Okta did not answer within 15 seconds.');
    });
  });
});
