import {
  DestroyRef,
  EnvironmentInjector,
  inject,
  Injectable,
  InjectionToken,
  Injector,
  runInInjectionContext,
} from '@angular/core';
import type { AuthState, OktaAuth } from '@okta/okta-auth-js/core';
import type { Observable } from 'rxjs';
import { AUTH_CONFIG } from './auth-config-token';
import { SessionSync } from './session-sync';

/** okta-angular and okta-auth-js: the Okta chunk (see okta-runtime.ts). */
export type OktaRuntime = typeof import('./okta-runtime');

/** What the Okta chunk sets up once it is in: the app's one OktaAuth and okta-angular's state. */
export interface OktaServices {
  readonly oktaAuth: OktaAuth;
  readonly authState$: Observable<AuthState>;
}

/**
 * Fetches the Okta chunk, outside the initial bundle. The browser fetches and runs it once, however
 * often this is called.
 */
export function loadOktaRuntime(): Promise<OktaRuntime> {
  return import('./okta-runtime').then((okta) => (arrived = okta));
}

/** The Okta chunk once it has arrived, so that OktaLoader can start it without waiting a turn. */
let arrived: OktaRuntime | undefined;

/**
 * The Okta chunk's arrival: started on demand (`start()`), awaited by whatever needs a token.
 *
 * Paint first: nothing starts it at bootstrap. A public page starts it once it has painted
 * (provideOktaAuth); a page that needs it to show anything (a guarded page, the callback) starts
 * it at once, through `whenOktaLoaded`.
 */
export class OktaLoading {
  /** The runtime once it is in and started, so that code can go on without waiting a turn. */
  get current(): OktaRuntime | null {
    return this.runtime;
  }
  /** Settles once the chunk is in and OktaAuth started, or could not be; never starts it. */
  readonly loaded: Promise<OktaRuntime>;
  private runtime: OktaRuntime | null = null;
  private started = false;
  private settle!: { resolve(okta: OktaRuntime): void; reject(error: unknown): void };

  constructor(private readonly load: () => Promise<OktaRuntime>) {
    this.loaded = new Promise<OktaRuntime>(
      (resolve, reject) => (this.settle = { resolve, reject }),
    );
    // Whoever waits hears of a failure; provideOktaAuth reports it once.
    this.loaded.catch(() => undefined);
  }

  /** Starts loading unless that has begun; resolves as `loaded`. */
  start(): Promise<OktaRuntime> {
    if (!this.started) {
      this.started = true;
      this.load().then((okta) => {
        this.runtime = okta;
        this.settle.resolve(okta);
      }, this.settle.reject);
    }
    return this.loaded;
  }
}

/**
 * The app's OktaLoading. provideOktaAuth() makes it start OktaAuth too; without provideOktaAuth
 * (unit tests that provide their own OKTA_AUTH) it only loads the chunk.
 */
export const OKTA_LOADING = new InjectionToken<OktaLoading>('OKTA_LOADING', {
  factory: () => new OktaLoading(loadOktaRuntime),
});

/**
 * Runs `use` in the caller's injection context once the Okta chunk is in and OktaAuth started,
 * loading it now if nothing has yet, so that `use` may inject OKTA_AUTH. Call it where `inject()`
 * works: a guard, an interceptor, a route's `loadComponent`.
 *
 * Once the chunk is in, `use` runs at once and its result is returned as it is: after the first
 * page, a guard or a request does not wait a turn of the event loop for what is already there.
 */
export function whenOktaLoaded<T>(use: (okta: OktaRuntime) => T): T | Promise<Awaited<T>> {
  const injector = inject(Injector);
  const loading = inject(OKTA_LOADING);
  if (loading.current) return runInInjectionContext(injector, () => use(loading.current!));
  return loading
    .start()
    .then((okta) => runInInjectionContext(injector, () => use(okta)) as Awaited<T>);
}

/**
 * The callback route's `loadComponent`. The page is in the Okta chunk, and it must not start
 * before OktaAuth has (it exchanges the code), which importing the chunk alone does not ensure.
 */
export function loadLoginCallback(): Promise<OktaRuntime['LoginCallback']> {
  return inject(OKTA_LOADING)
    .start()
    .then((okta) => okta.LoginCallback);
}

/**
 * Loads the Okta chunk and starts what needs it, in this order: OktaAuth (okta-angular's module,
 * which starts okta-auth-js's services), the session's tab-to-tab sync, the idle timeout if set.
 * Provided by provideOktaAuth(), which points OKTA_AUTH and OKTA_AUTH_STATE at `services()`.
 */
@Injectable()
export class OktaLoader {
  private readonly injector = inject(EnvironmentInjector);
  private loaded: OktaServices | null = null;
  /** True once the app this loader belongs to is gone: a late chunk has nothing to start. */
  destroyed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => (this.destroyed = true));
  }

  /**
   * `inShortTasks`: the page has painted, so OktaAuth starts in short tasks. Otherwise (a guarded
   * page, the callback) it starts as soon as it can: when the chunk is in already, now, not a turn
   * later, so that the session sync's wait for other tabs' answers runs while the app renders.
   */
  async load(inShortTasks = false): Promise<OktaRuntime> {
    const okta = arrived ?? (await loadOktaRuntime());
    if (this.destroyed) throw new Error('The app ended first.');
    const config = this.injector.get(AUTH_CONFIG);
    await okta.startOktaAuth(
      this.injector,
      config,
      (services) => {
        this.loaded = services;
        runInInjectionContext(this.injector, () => inject(SessionSync).start());
      },
      inShortTasks,
    );
    if (this.destroyed) throw new Error('The app ended first.');
    // The idle timeout is a chunk of its own (idle-watch.ts), fetched only when it is turned on.
    if (config.idleTimeoutMinutes) {
      void import('./idle-watch').then((m) => {
        if (!this.destroyed) m.watchIdleness(this.injector);
      });
    }
    return okta;
  }

  /** The started OktaAuth and its state; only once `load()` has resolved. */
  services(): OktaServices {
    if (!this.loaded) {
      // Angular keeps the failed attempt: this injector will not provide OKTA_AUTH later either.
      throw new Error('OKTA_AUTH was injected before the Okta chunk: use whenOktaLoaded().');
    }
    return this.loaded;
  }
}
