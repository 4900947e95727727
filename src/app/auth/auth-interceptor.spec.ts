import {
  HttpClient,
  HttpErrorResponse,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { OktaAuth } from '@okta/okta-auth-js/core';
import { AUTH_CONFIG } from './auth-config-token';
import { authInterceptor } from './auth-interceptor';
import { OKTA_AUTH } from './okta-auth-token';
import { SessionSync } from './session-sync';
import { testAuthConfig } from './testing/auth-fixtures';

const API_ORIGIN = 'http://localhost:8000';
/** The origin of the page the tests run in (Karma's), which relative URLs resolve against. */
const OWN_ORIGIN = new URL(document.baseURI).origin;

describe('authInterceptor', () => {
  let oktaAuth: jasmine.SpyObj<Pick<OktaAuth, 'getAccessToken'>>;
  let sessionSync: jasmine.SpyObj<Pick<SessionSync, 'renewAccessToken'>>;

  function setUp(apiOrigins: readonly string[]): void {
    oktaAuth = jasmine.createSpyObj<Pick<OktaAuth, 'getAccessToken'>>('OktaAuth', [
      'getAccessToken',
    ]);
    oktaAuth.getAccessToken.and.returnValue('access-token-123');
    sessionSync = jasmine.createSpyObj<Pick<SessionSync, 'renewAccessToken'>>('SessionSync', [
      'renewAccessToken',
    ]);
    sessionSync.renewAccessToken.and.resolveTo('access-token-456');
    const config = testAuthConfig({ apiOrigins });
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: OKTA_AUTH, useValue: oktaAuth },
        { provide: AUTH_CONFIG, useValue: config },
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
      oktaAuth.getAccessToken.and.returnValue(undefined);

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
      oktaAuth.getAccessToken.and.returnValue('access-token-from-leader');

      backend().expectOne(url).flush(null, unauthorized);
      await settle();

      const retry = backend().expectOne(url);
      expect(retry.request.headers.get('Authorization')).toBe('Bearer access-token-from-leader');
      retry.flush({ messages: [] });
      expect(sessionSync.renewAccessToken).not.toHaveBeenCalled();
      expect(received.body).toEqual({ messages: [] });
    });

    it('hands the original 401 to the caller, without a retry, when renewal fails', async () => {
      sessionSync.renewAccessToken.and.resolveTo(null);

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
        () => oktaAuth.getAccessToken.and.returnValue(undefined),
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
});
