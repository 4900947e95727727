import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, Routes } from '@angular/router';
import { OktaAuth } from '@okta/okta-auth-js/core';
import { AuthConfig, parseAuthConfig, TOKEN_STORAGES } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { OKTA_AUTH } from './okta-auth-token';
import { FORBIDDEN_PAGE } from './group-guard';
import { toOktaAuthOptions } from './okta-auth-options';
import { OKTA_LOADING, OktaLoader } from './okta-loader';
import { AuthRoutes, provideOktaAuth } from './provide-okta-auth';
import { testAuthConfig } from './testing/auth-fixtures';

const config: AuthConfig = parseAuthConfig(
  testAuthConfig({
    scopes: ['openid', 'profile', 'email'],
    apiOrigins: ['http://localhost:8000'],
    tokenStorage: 'memory',
  }),
);

const jsonResponse = (body: string) =>
  new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });

describe('toOktaAuthOptions', () => {
  it('passes the issuer, client id and scopes through', () => {
    const options = toOktaAuthOptions(config, 'http://localhost:4200/', true);

    expect(options.issuer).toBe(config.issuer);
    expect(options.clientId).toBe(config.clientId);
    expect(options.scopes).toEqual(['openid', 'profile', 'email']);
  });

  it('gives okta-auth-js its own copy of the (frozen) scopes', () => {
    const options = toOktaAuthOptions(config, 'http://localhost:4200/', true);

    expect(Object.isFrozen(options.scopes)).toBeFalse();
  });

  it('uses the callback route under the base URI as the redirect URI', () => {
    expect(toOktaAuthOptions(config, 'http://localhost:4200/', true).redirectUri).toBe(
      'http://localhost:4200/login/callback',
    );
    expect(CALLBACK_PATH).toBe('/login/callback');
  });

  it('keeps the base path of an app served from a sub-folder in the redirect URI', () => {
    expect(toOktaAuthOptions(config, 'https://example.com/apps/okta/', true).redirectUri).toBe(
      'https://example.com/apps/okta/login/callback',
    );
  });

  it('ignores the current page when building the redirect URI', () => {
    expect(toOktaAuthOptions(config, 'http://localhost:4200/?next=/x#y', true).redirectUri).toBe(
      'http://localhost:4200/login/callback',
    );
  });

  it('returns to the origin without a trailing slash after sign-out', () => {
    expect(
      toOktaAuthOptions(config, 'https://example.com/apps/okta/', true).postLogoutRedirectUri,
    ).toBe('https://example.com');
    expect(toOktaAuthOptions(config, 'http://localhost:4200/', true).postLogoutRedirectUri).toBe(
      'http://localhost:4200',
    );
  });

  it('uses the authorization code flow with PKCE', () => {
    const options = toOktaAuthOptions(config, 'http://localhost:4200/', true);

    expect(options.pkce).toBeTrue();
    expect(options.responseType).toBe('code');
  });

  it('stores tokens where the config says', () => {
    expect(toOktaAuthOptions(config, 'http://localhost:4200/', true).tokenManager?.storage).toBe(
      'memory',
    );
    expect(
      toOktaAuthOptions(
        { ...config, tokenStorage: 'sessionStorage' },
        'http://localhost:4200/',
        true,
      ).tokenManager?.storage,
    ).toBe('sessionStorage');
  });

  describe('the token manager options one-tab renewal depends on', () => {
    for (const storage of TOKEN_STORAGES) {
      it(`with ${storage}: no okta-auth-js auto-renew or auto-remove (SessionSync renews, in one tab)`, () => {
        const tokenManager = toOktaAuthOptions(
          { ...config, tokenStorage: storage },
          'http://localhost:4200/',
          true,
        ).tokenManager;

        // autoRenew would renew from isAuthenticated() in every tab: with refresh-token rotation,
        // two tabs renewing with one token get the grant revoked. autoRemove would drop an expired
        // token before the renewing tab could renew it.
        expect(tokenManager?.autoRenew).toBeFalse();
        expect(tokenManager?.autoRemove).toBeFalse();
      });
    }

    it('syncs storage between tabs only for localStorage, the one storage the tabs share', () => {
      const syncStorage = (tokenStorage: AuthConfig['tokenStorage']) =>
        toOktaAuthOptions({ ...config, tokenStorage }, 'http://localhost:4200/', true).tokenManager
          ?.syncStorage;

      expect(syncStorage('localStorage')).toBeTrue();
      expect(syncStorage('sessionStorage')).toBeFalse();
      expect(syncStorage('memory')).toBeFalse();
    });
  });

  describe('DPoP', () => {
    const options = (
      overrides: Partial<AuthConfig>,
      dpopSupported: boolean,
    ): ReturnType<typeof toOktaAuthOptions> =>
      toOktaAuthOptions({ ...config, ...overrides }, 'http://localhost:4200/', dpopSupported);

    it('binds the tokens to a browser key when the config says so, and refuses Bearer answers', () => {
      const dpop = options({ dpop: true }, true);

      expect(dpop.dpop).toBeTrue();
      expect(dpop.dpopOptions).toEqual({ allowBearerTokens: false });
    });

    it('stays on in a browser without WebCrypto or IndexedDB, so that sign-in fails closed', () => {
      expect(options({ dpop: true }, false).dpop).toBeTrue();
    });

    it('falls back to Bearer tokens in such a browser only when the config allows it', () => {
      const fallback = options({ dpop: true, dpopAllowBearer: true }, false);

      expect(fallback.dpop).toBeFalse();
      expect(fallback.dpopOptions).toEqual({ allowBearerTokens: true });
      expect(options({ dpop: true, dpopAllowBearer: true }, true).dpop).toBeTrue();
    });

    it('is off when the config turns it off', () => {
      expect(options({ dpop: false }, true).dpop).toBeFalse();
    });
  });

  it('keeps the PKCE transaction out of shared (cross-tab) storage', () => {
    expect(
      toOktaAuthOptions(config, 'http://localhost:4200/', true).transactionManager
        ?.enableSharedStorage,
    ).toBeFalse();
  });

  it('gives okta-auth-js an HTTP client that gives up after the configured number of seconds', async () => {
    const timeout = spyOn(AbortSignal, 'timeout').and.callThrough();
    const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse('{}'));
    const client = toOktaAuthOptions(
      { ...config, requestTimeoutSeconds: 7 },
      'http://localhost:4200/',
      true,
    ).httpRequestClient;
    if (!client) throw new Error('httpRequestClient was not set');

    await client('GET', `${config.issuer}/.well-known/openid-configuration`, {});

    expect(timeout).toHaveBeenCalledOnceWith(7000);
    expect(fetchSpy).toHaveBeenCalledOnceWith(
      `${config.issuer}/.well-known/openid-configuration`,
      jasmine.objectContaining({ signal: jasmine.any(AbortSignal) }),
    );
  });
});

/** The routes provideOktaAuth needs, one whose guard throws, and a catch-all for the rest. */
const routes: Routes = [
  { path: 'login/callback', children: [] },
  { path: 'forbidden', children: [] },
  {
    path: 'broken',
    canActivate: [
      () => {
        throw new Error('a guard of the app failed');
      },
    ],
    children: [],
  },
  { path: '**', children: [] },
];

describe('provideOktaAuth', () => {
  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter(routes), provideOktaAuth(config)],
    });
    await TestBed.inject(OKTA_LOADING).start();
  });

  afterEach(async () => {
    // okta-angular starts okta-auth-js's services (token auto-renew, ...) when OKTA_AUTH is created,
    // which our environment initializer does as soon as the test injector exists.
    await TestBed.inject(OKTA_AUTH).stop();
  });

  const inject = (): OktaAuth => TestBed.inject(OKTA_AUTH);

  /** Calls the restoreOriginalUri that okta-auth-js runs after handleLoginRedirect stored the tokens. */
  async function restore(originalUri: string): Promise<void> {
    const auth = inject();
    const restoreOriginalUri = auth.options.restoreOriginalUri;
    if (!restoreOriginalUri) throw new Error('restoreOriginalUri was not set');
    await restoreOriginalUri(auth, originalUri);
  }

  it('provides an OktaAuth configured with the issuer and client id', () => {
    const auth = inject();

    expect(auth).toBeInstanceOf(OktaAuth);
    expect(auth.options.issuer).toBe(config.issuer);
    expect(auth.options.clientId).toBe(config.clientId);
    expect(auth.options.pkce).toBeTrue();
  });

  it('registers the redirect URI under the page base URI', () => {
    expect(inject().options.redirectUri).toBe(new URL('login/callback', document.baseURI).href);
  });

  it('sends the requests of okta-auth-js through the timed HTTP client', async () => {
    const timeout = spyOn(AbortSignal, 'timeout').and.callThrough();
    const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse('{"links":[]}'));

    await inject().webfinger({ resource: 'acct:ada@example.com' });

    expect(fetchSpy).toHaveBeenCalledWith(
      jasmine.stringContaining('/.well-known/webfinger'),
      jasmine.objectContaining({ signal: jasmine.any(AbortSignal) }),
    );
    expect(timeout).toHaveBeenCalledWith(config.requestTimeoutSeconds * 1000);
  });

  it('leaves out the headers that would cost every request to Okta a CORS preflight', async () => {
    const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse('{"links":[]}'));

    await inject().webfinger({ resource: 'acct:ada@example.com' });

    const headers = new Headers(fetchSpy.calls.mostRecent().args[1]?.headers);
    expect(headers.has('Content-Type')).toBeFalse();
    expect(headers.has('X-Okta-User-Agent-Extended')).toBeFalse();
  });

  it('provides the config as AUTH_CONFIG', () => {
    expect(TestBed.inject(AUTH_CONFIG)).toBe(config);
  });

  it("keeps the session and lands home when the app's own routing cannot open the page", async () => {
    spyOn(console, 'error');

    await expectAsync(restore('/broken')).toBeResolved();

    expect(TestBed.inject(Router).url).toBe('/');
    expect(console.error).toHaveBeenCalledWith(
      'Signed in, but the app could not open /broken:',
      jasmine.any(Error),
    );
  });

  it('sends the user back to the same-origin page they asked for', async () => {
    await restore('/profile?tab=claims');

    expect(TestBed.inject(Router).url).toBe('/profile?tab=claims');
  });

  it('sends the user home instead of to another site', async () => {
    await TestBed.inject(Router).navigateByUrl('/login/callback');

    await restore('//evil.example');

    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('turns an absolute URL on our own origin into an app path', async () => {
    await restore(`${window.location.origin}/messages?page=2`);

    expect(TestBed.inject(Router).url).toBe('/messages?page=2');
  });

  it('replaces the callback page in the history instead of adding an entry', async () => {
    const navigate = spyOn(TestBed.inject(Router), 'navigateByUrl').and.callThrough();

    await restore('/profile');

    expect(navigate).toHaveBeenCalledOnceWith(
      '/profile',
      jasmine.objectContaining({ replaceUrl: true }),
    );
  });
});

describe('provideOktaAuth: paint first', () => {
  it('starts the app without the Okta chunk; OktaAuth is there once the chunk is in', async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter(routes), provideOktaAuth(config)],
    });

    // The injector (the app) exists, and nothing of Okta has had to arrive for that.
    expect(TestBed.inject(AUTH_CONFIG)).toBe(config);
    expect(TestBed.inject(OKTA_LOADING).current === null).toBeTrue();
    expect(() => TestBed.inject(OktaLoader).services()).toThrowError(/before the Okta chunk/);

    const okta = await TestBed.inject(OKTA_LOADING).start();

    expect(TestBed.inject(OKTA_LOADING).current === okta).toBeTrue();
    expect(TestBed.inject(OKTA_AUTH)).toBeInstanceOf(OktaAuth);
    await TestBed.inject(OKTA_AUTH).stop();
  });
});

describe('provideOktaAuth when the Okta chunk cannot start', () => {
  let bodyBefore: Node[];
  beforeEach(() => (bodyBefore = Array.from(document.body.childNodes)));
  afterEach(() => document.body.replaceChildren(...bodyBefore));

  it('stops the app and says why, instead of a header that checks the session forever', async () => {
    spyOn(OktaLoader.prototype, 'load').and.rejectWith(new Error('chunk-okta.js answered 404.'));
    spyOn(console, 'error');
    TestBed.configureTestingModule({
      providers: [provideRouter(routes), provideOktaAuth(config)],
      // The app destroys itself; TestBed must not destroy it a second time.
      teardown: { destroyAfterEach: false },
    });
    const app = TestBed.inject(ApplicationRef);

    await expectAsync(TestBed.inject(OKTA_LOADING).start()).toBeRejected();
    await new Promise((resolve) => setTimeout(resolve));

    expect(app.destroyed).toBeTrue();
    expect(document.querySelector('.startup-error h1')?.textContent).toBe(
      'The app could not start',
    );
    expect(document.querySelector('.startup-error [role="alert"]')?.textContent).toBe(
      'chunk-okta.js answered 404.',
    );
  });
});

describe('provideOktaAuth with routes the app lacks', () => {
  const start = async (appRoutes: Routes, auth: AuthRoutes = {}) => {
    TestBed.configureTestingModule({
      providers: [provideRouter(appRoutes), provideOktaAuth(config, auth)],
    });
    // The injector, and with it the app, starts on the first inject().
    return () => TestBed.inject(OKTA_LOADING);
  };

  it('stops the start with a sentence naming the missing 403 route', async () => {
    const inject = await start([{ path: 'login/callback', children: [] }]);

    expect(inject).toThrowError(
      'The app has no route for /forbidden, which sign-in needs: add it to app.routes.ts, or pass another path to provideOktaAuth().',
    );
  });

  it('stops the start when the callback route is missing, even behind a catch-all', async () => {
    const inject = await start([
      { path: 'forbidden', children: [] },
      { path: '**', children: [] },
    ]);

    expect(inject).toThrowError(/no route for \/login\/callback/);
  });

  it('takes the 403 page at another path', async () => {
    const inject = await start(
      [
        { path: 'login/callback', children: [] },
        { path: 'no-entry', children: [] },
      ],
      { forbiddenPath: '/no-entry' },
    );

    await expectAsync(inject().start()).toBeResolved();
    expect(TestBed.inject(FORBIDDEN_PAGE)).toBe('/no-entry');
    await TestBed.inject(OKTA_AUTH).stop();
  });
});
