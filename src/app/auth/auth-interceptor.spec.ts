import {
  HttpClient,
  HttpErrorResponse,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { AccessToken, DPoPRequest, OktaAuth, Tokens } from '@okta/okta-auth-js/core';
import { OKTA_ACR } from './acr';
import { AuthConfig } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { authInterceptor } from './auth-interceptor';
import { SessionUnusableError } from './session-unusable-error';
import { OKTA_AUTH } from './okta-auth-token';
import { OKTA_LOADING, OktaLoading, OktaRuntime } from './okta-loader';
import * as oktaRuntime from './okta-runtime';
import { SessionSync } from './session-sync';
import { markStepUpCompleted, STEP_UP_UNMET_MESSAGE } from './step-up';
import { testAccessToken, testAuthConfig, provideOktaLoaded } from './testing/auth-fixtures';

const API_ORIGIN = 'http://localhost:8000';
/** The origin of the page the tests run in (Karma's), which relative URLs resolve against. */
const OWN_ORIGIN = new URL(document.baseURI).origin;

/** What okta-auth-js's getDPoPAuthorizationHeaders signs, spelled out so that tests can read it. */
function fakeProof({ method, url, nonce, accessToken }: DPoPRequest): string {
  return `proof(${method} ${url} nonce=${nonce ?? '-'} ath=${accessToken?.accessToken})`;
}

describe('authInterceptor', () => {
  /** What okta-auth-js's token manager holds. */
  let stored: Tokens;
  let oktaAuth: {
    tokenManager: { getTokensSync: () => Tokens };
    getDPoPAuthorizationHeaders: jasmine.Spy<
      (request: DPoPRequest) => Promise<{ Authorization: string; Dpop: string }>
    >;
    signInWithRedirect: jasmine.Spy<OktaAuth['signInWithRedirect']>;
  };
  let sessionSync: jasmine.SpyObj<Pick<SessionSync, 'renewAccessToken' | 'endUnusableSession'>>;

  const bearer = (value: string): AccessToken => testAccessToken(value);
  const bound = (value: string): AccessToken =>
    testAccessToken(value, { tokenType: 'DPoP', dpopPairId: 'a1b2c3d4' });

  function setUp(apiOrigins: readonly string[], config: Partial<AuthConfig> = {}): void {
    stored = { accessToken: bearer('access-token-123') };
    oktaAuth = {
      tokenManager: { getTokensSync: () => ({ ...stored }) },
      getDPoPAuthorizationHeaders: jasmine
        .createSpy('getDPoPAuthorizationHeaders')
        .and.callFake(async (request: DPoPRequest) => ({
          Authorization: `DPoP ${request.accessToken?.accessToken}`,
          Dpop: fakeProof(request),
        })),
      signInWithRedirect: jasmine
        .createSpy<OktaAuth['signInWithRedirect']>('signInWithRedirect')
        .and.resolveTo(),
    };
    sessionSync = jasmine.createSpyObj<
      Pick<SessionSync, 'renewAccessToken' | 'endUnusableSession'>
    >('SessionSync', ['renewAccessToken', 'endUnusableSession']);
    // Renewal stores the new token (of the same kind) before it resolves, as SessionSync does.
    sessionSync.renewAccessToken.and.callFake(async () => {
      const kind = stored.accessToken?.tokenType === 'DPoP' ? bound : bearer;
      stored = { accessToken: kind('access-token-456') };
      return 'access-token-456';
    });
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        // The step-up returns to the router's current page.
        provideRouter([{ path: '**', children: [] }]),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        provideOktaLoaded(),
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ apiOrigins, ...config }) },
        { provide: SessionSync, useValue: sessionSync },
      ],
    });
  }

  /** Sends a GET to `url` and returns the Authorization header the backend received, if any. */
  function authorizationSentTo(url: string): string | null {
    TestBed.inject(HttpClient).get(url).subscribe();
    const request = TestBed.inject(HttpTestingController).expectOne(url).request;
    return request.headers.get('Authorization');
  }

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  describe('with the API origin allow-listed', () => {
    beforeEach(() => setUp([API_ORIGIN]));

    it('adds the access token as a Bearer token to a request to the API origin', () => {
      expect(authorizationSentTo(`${API_ORIGIN}/api/messages`)).toBe('Bearer access-token-123');
    });

    it('adds the token when the URL spells the API origin in upper case', () => {
      expect(authorizationSentTo('HTTP://LOCALHOST:8000/api/messages')).toBe(
        'Bearer access-token-123',
      );
    });

    // The userinfo part is not part of the origin: the request still goes to localhost:8000, the
    // allow-listed server, so the token is not leaked anywhere (fetch() refuses such URLs anyway).
    it('adds the token to http://user@localhost:8000, whose origin is the API origin', () => {
      expect(authorizationSentTo('http://user@localhost:8000/api/messages')).toBe(
        'Bearer access-token-123',
      );
    });

    const elsewhere: [string, string][] = [
      ['a host that starts with the API host', 'http://localhost:8000.evil.test/api/messages'],
      ['the API origin in the query string', 'http://evil.test/?http://localhost:8000'],
      ['the API origin in the path', 'http://evil.test/http://localhost:8000/api'],
      ['the API origin as credentials', 'http://localhost:8000@evil.test/api'],
      ['a port that starts with the API port', 'http://localhost:80001/api/messages'],
      ['the same host and port over another scheme', 'https://localhost:8000/api/messages'],
      ['the same host on another port', 'http://localhost:8001/api/messages'],
      ['the same port on another loopback name', 'http://127.0.0.1:8000/api/messages'],
      ['a relative URL while our own origin is not allow-listed', '/api/messages'],
      ['a data: URL', 'data:application/json,{}'],
    ];
    for (const [what, url] of elsewhere) {
      it(`sends no token to ${what} (${url})`, () => {
        expect(authorizationSentTo(url)).toBeNull();
      });
    }

    it('sends the request without Authorization when there is no access token', () => {
      stored = {};

      expect(authorizationSentTo(`${API_ORIGIN}/api/messages`)).toBeNull();
    });

    it('keeps the other headers of a request it adds the token to', () => {
      TestBed.inject(HttpClient)
        .get(`${API_ORIGIN}/api/messages`, { headers: { Accept: 'application/json' } })
        .subscribe();

      const request = TestBed.inject(HttpTestingController).expectOne(
        `${API_ORIGIN}/api/messages`,
      ).request;
      expect(request.headers.get('Accept')).toBe('application/json');
      expect(request.headers.get('Authorization')).toBe('Bearer access-token-123');
    });
  });

  describe('with our own origin allow-listed', () => {
    beforeEach(() => setUp([OWN_ORIGIN]));

    it('adds the token to a relative URL, which goes to our own origin', () => {
      expect(authorizationSentTo('/api/messages')).toBe('Bearer access-token-123');
    });

    it('sends no token to a protocol-relative URL on another host', () => {
      expect(authorizationSentTo('//evil.test/api/messages')).toBeNull();
    });
  });

  describe('with nothing allow-listed', () => {
    beforeEach(() => setUp([]));

    it('sends no token anywhere, not even to our own origin', () => {
      expect(authorizationSentTo(`${OWN_ORIGIN}/api/messages`)).toBeNull();
      expect(authorizationSentTo(`${API_ORIGIN}/api/messages`)).toBeNull();
    });
  });
  describe('when the API answers 401', () => {
    const url = `${API_ORIGIN}/api/messages`;
    let received: { body?: unknown; error?: unknown };

    beforeEach(() => {
      setUp([API_ORIGIN]);
      received = {};
      TestBed.inject(HttpClient)
        .get(url)
        .subscribe({
          next: (body) => (received.body = body),
          error: (error: unknown) => (received.error = error),
        });
    });

    const backend = () => TestBed.inject(HttpTestingController);
    const unauthorized = { status: 401, statusText: 'Unauthorized' };
    /** Lets the renewal promise settle, so the retry (if any) reaches the backend. */
    const settle = () => new Promise((resolve) => setTimeout(resolve));

    it('renews the token once and retries the request once with the new token', async () => {
      backend().expectOne(url).flush(null, unauthorized);
      await settle();

      const retry = backend().expectOne(url);
      expect(retry.request.headers.get('Authorization')).toBe('Bearer access-token-456');
      retry.flush({ messages: [] });

      expect(sessionSync.renewAccessToken).toHaveBeenCalledTimes(1);
      expect(received).toEqual({ body: { messages: [] } });
    });

    it('retries with the token another tab already renewed, without renewing again', async () => {
      stored = { accessToken: bearer('access-token-from-leader') };

      backend().expectOne(url).flush(null, unauthorized);
      await settle();

      const retry = backend().expectOne(url);
      expect(retry.request.headers.get('Authorization')).toBe('Bearer access-token-from-leader');
      retry.flush({ messages: [] });
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
      expect(received.body).toEqual({ messages: [] });
    });

    it('hands the original 401 to the caller, without a retry, when renewal fails', async () => {
      sessionSync.renewAccessToken.and.callFake(async () => {
        stored = {};
        return null;
      });

      backend().expectOne(url).flush({ error: 'invalid_token' }, unauthorized);
      await settle();

      backend().expectNone(url);
      expect(received.error).toBeInstanceOf(HttpErrorResponse);
      expect((received.error as HttpErrorResponse).status).toBe(401);
      expect((received.error as HttpErrorResponse).error).toEqual({ error: 'invalid_token' });
    });

    it('hands a second 401 to the caller instead of renewing and retrying again', async () => {
      backend().expectOne(url).flush(null, unauthorized);
      await settle();

      backend().expectOne(url).flush(null, unauthorized);
      await settle();

      backend().expectNone(url);
      expect(sessionSync.renewAccessToken).toHaveBeenCalledTimes(1);
      expect((received.error as HttpErrorResponse).status).toBe(401);
    });
  });

  describe('when the API answers another error', () => {
    beforeEach(() => setUp([API_ORIGIN]));

    for (const status of [400, 403, 500]) {
      it(`passes a ${status} through to the caller without renewing or retrying`, async () => {
        const url = `${API_ORIGIN}/api/messages`;
        let error: unknown;
        TestBed.inject(HttpClient)
          .get(url)
          .subscribe({ error: (e: unknown) => (error = e) });

        TestBed.inject(HttpTestingController)
          .expectOne(url)
          .flush(null, { status, statusText: 'No' });
        await new Promise((resolve) => setTimeout(resolve));

        TestBed.inject(HttpTestingController).expectNone(url);
        expect((error as HttpErrorResponse).status).toBe(status);
        expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
      });
    }

    it('passes a network error through without renewing', async () => {
      const url = `${API_ORIGIN}/api/messages`;
      let error: unknown;
      TestBed.inject(HttpClient)
        .get(url)
        .subscribe({ error: (e: unknown) => (error = e) });

      TestBed.inject(HttpTestingController)
        .expectOne(url)
        .error(new ProgressEvent('error'), { status: 0 });
      await new Promise((resolve) => setTimeout(resolve));

      expect((error as HttpErrorResponse).status).toBe(0);
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
    });
  });

  describe('when a request that carried no token gets a 401', () => {
    beforeEach(() => setUp([API_ORIGIN]));

    const cases: [string, string, () => void][] = [
      ['to an origin that is not allow-listed', 'http://evil.test/api', () => undefined],
      [
        'to the API while there is no access token',
        `${API_ORIGIN}/api/messages`,
        () => (stored = {}),
      ],
    ];
    for (const [what, url, arrange] of cases) {
      it(`neither renews nor retries a request ${what}`, async () => {
        arrange();
        let error: unknown;
        TestBed.inject(HttpClient)
          .get(url)
          .subscribe({ error: (e: unknown) => (error = e) });

        TestBed.inject(HttpTestingController)
          .expectOne(url)
          .flush(null, { status: 401, statusText: 'Unauthorized' });
        await new Promise((resolve) => setTimeout(resolve));

        TestBed.inject(HttpTestingController).expectNone(url);
        expect((error as HttpErrorResponse).status).toBe(401);
        expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
      });
    }
  });

  describe('with a DPoP-bound token', () => {
    const url = `${API_ORIGIN}/api/messages?page=2#top`;
    // Angular's test backend records the URL as given, fragment included.
    const sentUrl = url;
    const htu = `${API_ORIGIN}/api/messages`;
    const backend = () => TestBed.inject(HttpTestingController);
    const settle = () => new Promise((resolve) => setTimeout(resolve));
    const nonceChallenge = (nonce: string) => ({
      status: 401,
      statusText: 'Unauthorized',
      headers: {
        'WWW-Authenticate':
          'DPoP algs="RS256 ES256", error="use_dpop_nonce", error_description="Use the nonce"',
        'DPoP-Nonce': nonce,
      },
    });
    const invalidToken = {
      status: 401,
      statusText: 'Unauthorized',
      headers: { 'WWW-Authenticate': 'DPoP algs="RS256", error="invalid_token"' },
    };
    let received: { body?: unknown; error?: unknown };

    function get(target = url): void {
      received = {};
      TestBed.inject(HttpClient)
        .get(target)
        .subscribe({
          next: (body) => (received.body = body),
          error: (error: unknown) => (received.error = error),
        });
    }

    beforeEach(() => {
      setUp([API_ORIGIN], { dpop: true });
      stored = { accessToken: bound('access-token-123') };
    });

    it('sends Authorization: DPoP and a proof for this method and URL without query or fragment', async () => {
      get();
      await settle();

      const { request } = backend().expectOne(sentUrl);
      expect(request.headers.get('Authorization')).toBe('DPoP access-token-123');
      expect(request.headers.get('DPoP')).toBe(`proof(GET ${htu} nonce=- ath=access-token-123)`);
      expect(oktaAuth.getDPoPAuthorizationHeaders).toHaveBeenCalledOnceWith(
        jasmine.objectContaining({ url: htu, method: 'GET', accessToken: stored.accessToken }),
      );
    });

    it('signs a fresh proof for every request', async () => {
      get();
      get();
      await settle();

      backend()
        .match(sentUrl)
        .forEach((request) => request.flush({}));
      expect(oktaAuth.getDPoPAuthorizationHeaders).toHaveBeenCalledTimes(2);
    });

    it("answers the API's nonce challenge once, with the nonce in a new proof, and keeps the nonce", async () => {
      get();
      await settle();
      backend().expectOne(sentUrl).flush(null, nonceChallenge('n-1'));
      await settle();

      const retry = backend().expectOne(sentUrl);
      expect(retry.request.headers.get('DPoP')).toBe(
        `proof(GET ${htu} nonce=n-1 ath=access-token-123)`,
      );
      retry.flush({ messages: [] });
      expect(received).toEqual({ body: { messages: [] } });
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();

      get(`${API_ORIGIN}/api/other`);
      await settle();
      expect(backend().expectOne(`${API_ORIGIN}/api/other`).request.headers.get('DPoP')).toContain(
        'nonce=n-1',
      );
    });

    it('hands a second nonce challenge to the caller instead of retrying again', async () => {
      get();
      await settle();
      backend().expectOne(sentUrl).flush(null, nonceChallenge('n-1'));
      await settle();
      backend().expectOne(sentUrl).flush(null, nonceChallenge('n-2'));
      await settle();

      backend().expectNone(sentUrl);
      expect((received.error as HttpErrorResponse).status).toBe(401);
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
    });

    it('sends a request at most three times: first, with the nonce, after renewal', async () => {
      get();
      await settle();
      backend().expectOne(sentUrl).flush(null, nonceChallenge('n-1'));
      await settle();
      backend().expectOne(sentUrl).flush(null, invalidToken);
      await settle();

      const last = backend().expectOne(sentUrl);
      expect(last.request.headers.get('Authorization')).toBe('DPoP access-token-456');
      expect(last.request.headers.get('DPoP')).toBe(
        `proof(GET ${htu} nonce=n-1 ath=access-token-456)`,
      );
      last.flush(null, nonceChallenge('n-2'));
      await settle();

      backend().expectNone(sentUrl);
      expect(sessionSync.renewAccessToken).toHaveBeenCalledTimes(1);
      expect((received.error as HttpErrorResponse).status).toBe(401);
    });

    it('keeps a nonce the API sends with a successful answer for the next request', async () => {
      get();
      await settle();
      backend()
        .expectOne(sentUrl)
        .flush({}, { headers: { 'DPoP-Nonce': 'fresh-nonce' } });

      get();
      await settle();
      expect(backend().expectOne(sentUrl).request.headers.get('DPoP')).toContain(
        'nonce=fresh-nonce',
      );
    });

    const otherAnswers: [string, Record<string, string>, 'renews' | 'passes it on'][] = [
      [
        'a Bearer challenge with the nonce error code',
        { 'WWW-Authenticate': 'Bearer error="use_dpop_nonce"', 'DPoP-Nonce': 'n' },
        'passes it on',
      ],
      [
        'a nonce challenge without a nonce',
        { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' },
        'passes it on',
      ],
      [
        'a nonce challenge whose nonce has a quote in it',
        { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'a"b' },
        'passes it on',
      ],
      [
        'a refused proof (invalid_dpop_proof, e.g. a skewed clock): a new token would not help',
        { 'WWW-Authenticate': 'DPoP algs="RS256", error="invalid_dpop_proof"' },
        'passes it on',
      ],
      [
        'invalid_token, with the nonce error code only inside another parameter',
        {
          'WWW-Authenticate':
            'DPoP error="invalid_token", error_description="not use_dpop_nonce, error=use_dpop_nonce"',
          'DPoP-Nonce': 'n',
        },
        'renews',
      ],
      [
        'invalid_token, with the step-up error code only inside its description',
        {
          'WWW-Authenticate':
            'DPoP error="invalid_token", error_description="not insufficient_user_authentication"',
        },
        'renews',
      ],
      ['a 401 without a challenge', {}, 'renews'],
    ];
    for (const [what, headers, outcome] of otherAnswers) {
      it(`${outcome === 'renews' ? 'renews once' : 'neither retries nor renews'} after ${what}`, async () => {
        get();
        await settle();
        backend().expectOne(sentUrl).flush(null, { status: 401, statusText: 'No', headers });
        await settle();

        if (outcome === 'renews') {
          const retry = backend().expectOne(sentUrl);
          expect(retry.request.headers.get('Authorization')).toBe('DPoP access-token-456');
          expect(sessionSync.renewAccessToken).toHaveBeenCalledTimes(1);
        } else {
          backend().expectNone(sentUrl);
          expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
          expect((received.error as HttpErrorResponse).status).toBe(401);
        }
      });
    }

    it('ends the session, and sends nothing, when the key pair is gone', async () => {
      oktaAuth.getDPoPAuthorizationHeaders.and.rejectWith(
        new Error('Unable to locate dpop key pair required for refresh (a1b2c3d4)'),
      );
      get();
      await settle();

      backend().expectNone(sentUrl);
      expect(sessionSync.endUnusableSession).toHaveBeenCalledTimes(1);
      expect(received.error).toBeInstanceOf(SessionUnusableError);
    });
  });

  describe('when the API asks for a stronger or more recent sign-in (RFC 9470)', () => {
    const TWO = OKTA_ACR.twoFactors;
    const url = `${API_ORIGIN}/api/admin/audit`;
    const PAGE = '/admin?tab=audit';
    const stepUpChallenge = (scheme: 'Bearer' | 'DPoP') => ({
      status: 401,
      statusText: 'Unauthorized',
      headers: {
        'WWW-Authenticate': `${scheme} error="insufficient_user_authentication", error_description="A stronger sign-in is needed", acr_values="${TWO}", max_age=300`,
      },
    });
    const backend = () => TestBed.inject(HttpTestingController);
    const settle = () => new Promise((resolve) => setTimeout(resolve));
    /** Waits, within reason, for the step-up code to load and act. */
    async function until(condition: () => boolean): Promise<void> {
      for (let i = 0; i < 100 && !condition(); i++) await settle();
    }
    let received: { body?: unknown; error?: unknown };

    function get(): void {
      received = {};
      TestBed.inject(HttpClient)
        .get(url)
        .subscribe({
          next: (body) => (received.body = body),
          error: (error: unknown) => (received.error = error),
        });
    }

    const stepUpStarted = () => oktaAuth.signInWithRedirect.calls.count() > 0;
    const answered = () => 'body' in received || 'error' in received;

    afterEach(() => sessionStorage.removeItem('app.step-up'));

    const kinds: ['Bearer' | 'DPoP', () => void][] = [
      ['Bearer', () => setUp([API_ORIGIN])],
      [
        'DPoP',
        () => {
          setUp([API_ORIGIN], { dpop: true });
          stored = { accessToken: bound('access-token-123') };
        },
      ],
    ];
    for (const [scheme, arrange] of kinds) {
      describe(`with a ${scheme} token`, () => {
        beforeEach(async () => {
          arrange();
          await TestBed.inject(Router).navigateByUrl(PAGE);
          get();
          await settle();
          backend().expectOne(url).flush(null, stepUpChallenge(scheme));
          await until(stepUpStarted);
        });

        it('signs in with what the challenge asks for, back to the current page', () => {
          expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith(
            jasmine.objectContaining({ originalUri: PAGE, acrValues: TWO, maxAge: 300 }),
          );
        });

        it('neither retries the request nor renews the token, and leaves the caller waiting', async () => {
          await settle();

          backend().expectNone(url);
          expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
          expect(received).toEqual({});
        });
      });
    }

    it('still answers a nonce challenge once first, then steps up', async () => {
      setUp([API_ORIGIN], { dpop: true });
      stored = { accessToken: bound('access-token-123') };
      get();
      await settle();
      backend()
        .expectOne(url)
        .flush(null, {
          status: 401,
          statusText: 'Unauthorized',
          headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-1' },
        });
      await settle();

      const retry = backend().expectOne(url);
      expect(retry.request.headers.get('DPoP')).toContain('nonce=n-1');
      retry.flush(null, stepUpChallenge('DPoP'));
      await until(stepUpStarted);

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
      backend().expectNone(url);
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
    });

    it('passes on a challenge that arrives after the user left the page that asked: no trip to Okta', async () => {
      setUp([API_ORIGIN]);
      await TestBed.inject(Router).navigateByUrl(PAGE);
      get();
      await settle();
      await TestBed.inject(Router).navigateByUrl('/');
      backend().expectOne(url).flush(null, stepUpChallenge('Bearer'));
      await until(answered);

      expect((received.error as HttpErrorResponse).status).toBe(401);
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
    });

    it('hands the caller the explanation, without a sign-in, for the same challenge straight after a step-up', async () => {
      setUp([API_ORIGIN]);
      get();
      backend().expectOne(url).flush(null, stepUpChallenge('Bearer'));
      await until(stepUpStarted);
      await settle(); // okta-auth-js has redirected: the page is gone.
      // The callback accepted the step-up; the page calls the API again and gets the same answer.
      const { state } = oktaAuth.signInWithRedirect.calls.mostRecent().args[0] ?? {};
      markStepUpCompleted(state ?? null, Math.floor(Date.now() / 1000));

      get();
      backend().expectOne(url).flush(null, stepUpChallenge('Bearer'));
      await until(answered);

      expect(received.error).toEqual(new Error(STEP_UP_UNMET_MESSAGE));
      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledTimes(1);
      backend().expectNone(url);
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
    });

    it('passes a malformed step-up challenge on as the 401 it is, without a sign-in or a renewal', async () => {
      setUp([API_ORIGIN]);
      get();
      backend()
        .expectOne(url)
        .flush(null, {
          status: 401,
          statusText: 'Unauthorized',
          headers: {
            'WWW-Authenticate': 'Bearer error="insufficient_user_authentication", max_age=soon',
          },
        });
      await until(answered);

      expect((received.error as HttpErrorResponse).status).toBe(401);
      expect(oktaAuth.signInWithRedirect).not.toHaveBeenCalled();
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
    });
  });

  describe('when DPoP is required and the stored token is an unbound Bearer token', () => {
    it('does not send the token at all', async () => {
      setUp([API_ORIGIN], { dpop: true });
      let error: unknown;
      TestBed.inject(HttpClient)
        .get(`${API_ORIGIN}/api/messages`)
        .subscribe({ error: (e: unknown) => (error = e) });
      await new Promise((resolve) => setTimeout(resolve));

      TestBed.inject(HttpTestingController).expectNone(`${API_ORIGIN}/api/messages`);
      expect(error).toBeInstanceOf(SessionUnusableError);
      expect(sessionSync.endUnusableSession).toHaveBeenCalledTimes(1);
    });

    it('sends it as Bearer when the config allows the fallback', () => {
      setUp([API_ORIGIN], { dpop: true, dpopAllowBearer: true });
      TestBed.inject(HttpClient).get(`${API_ORIGIN}/api/messages`).subscribe();

      const { request } = TestBed.inject(HttpTestingController).expectOne(
        `${API_ORIGIN}/api/messages`,
      );
      expect(request.headers.get('Authorization')).toBe('Bearer access-token-123');
      expect(request.headers.has('DPoP')).toBeFalse();
    });
  });
});

describe('authInterceptor while the Okta chunk is still loading (paint first)', () => {
  let arrive: (okta: OktaRuntime) => void = () => undefined;
  let load: jasmine.Spy<() => Promise<OktaRuntime>>;

  beforeEach(() => {
    load = jasmine
      .createSpy('load')
      .and.callFake(() => new Promise<OktaRuntime>((resolve) => (arrive = resolve)));
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([]),
        {
          provide: OKTA_AUTH,
          useValue: {
            tokenManager: { getTokensSync: () => ({ accessToken: testAccessToken('at-1') }) },
          },
        },
        { provide: OKTA_LOADING, useValue: new OktaLoading(load) },
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ apiOrigins: [API_ORIGIN] }) },
      ],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('sends a request to any other origin at once, without loading the Okta chunk', () => {
    TestBed.inject(HttpClient).get('/config.json').subscribe();

    const request = TestBed.inject(HttpTestingController).expectOne('/config.json').request;
    expect(request.headers.has('Authorization')).toBeFalse();
    expect(load).not.toHaveBeenCalled();
  });

  it('holds a request to the API until the chunk is in, then sends it with the token', async () => {
    const url = `${API_ORIGIN}/api/messages`;
    TestBed.inject(HttpClient).get(url).subscribe();
    await new Promise((resolve) => setTimeout(resolve));

    expect(load).toHaveBeenCalledTimes(1);
    TestBed.inject(HttpTestingController).expectNone(url);
    arrive(oktaRuntime);
    await new Promise((resolve) => setTimeout(resolve));

    const request = TestBed.inject(HttpTestingController).expectOne(url).request;
    expect(request.headers.get('Authorization')).toBe('Bearer at-1');
  });
});
