import { Injector, runInInjectionContext } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { OKTA_LOADING, OktaLoader, OktaLoading, OktaRuntime, whenOktaLoaded } from './okta-loader';
import * as oktaRuntime from './okta-runtime';
import { provideOktaLoaded } from './testing/auth-fixtures';

/** A chunk whose arrival the test decides. */
function controlledChunk() {
  let arrive: (okta: OktaRuntime) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const load = jasmine.createSpy('load').and.callFake(
    () =>
      new Promise<OktaRuntime>((resolve, reject) => {
        arrive = resolve;
        fail = reject;
      }),
  );
  return { load, arrive: (okta: OktaRuntime) => arrive(okta), fail: (e: unknown) => fail(e) };
}

const turn = () => new Promise((resolve) => setTimeout(resolve));

describe('OktaLoading', () => {
  it('does not load the chunk until something starts it: waiting alone loads nothing', async () => {
    const chunk = controlledChunk();
    const loading = new OktaLoading(chunk.load);
    let settled = false;
    void loading.loaded.then(() => (settled = true));

    await turn();

    expect(chunk.load).not.toHaveBeenCalled();
    expect(settled).toBeFalse();
    expect(loading.current).toBeNull();
  });

  it('loads the chunk once, however often it is started, and tells every waiter', async () => {
    const chunk = controlledChunk();
    const loading = new OktaLoading(chunk.load);

    const first = loading.start();
    const second = loading.start();
    chunk.arrive(oktaRuntime);

    expect(await first).toBe(oktaRuntime);
    expect(await second).toBe(oktaRuntime);
    expect(await loading.loaded).toBe(oktaRuntime);
    expect(loading.current).toBe(oktaRuntime);
    expect(chunk.load).toHaveBeenCalledTimes(1);
  });

  it('passes a failure to load on to every waiter', async () => {
    const chunk = controlledChunk();
    const loading = new OktaLoading(chunk.load);

    const started = loading.start();
    chunk.fail(new Error('chunk-x.js: 404'));

    await expectAsync(started).toBeRejectedWithError('chunk-x.js: 404');
    await expectAsync(loading.loaded).toBeRejectedWithError('chunk-x.js: 404');
    expect(loading.current).toBeNull();
  });
});

describe('whenOktaLoaded', () => {
  it('runs at once, in the injection context, once the chunk is in', () => {
    TestBed.configureTestingModule({
      providers: [provideOktaLoaded()],
    });

    const result = TestBed.runInInjectionContext(() =>
      whenOktaLoaded((okta) => ({ okta, injector: TestBed.inject(Injector) })),
    );

    expect(result).toEqual({ okta: oktaRuntime, injector: jasmine.anything() });
  });

  it('starts loading the chunk and waits for it when it is not in yet', async () => {
    const chunk = controlledChunk();
    TestBed.configureTestingModule({
      providers: [{ provide: OKTA_LOADING, useValue: new OktaLoading(chunk.load) }],
    });
    const injector = TestBed.inject(Injector);
    const use = jasmine
      .createSpy('use')
      .and.callFake(() => runInInjectionContext(injector, () => 'done'));

    const result = TestBed.runInInjectionContext(() => whenOktaLoaded(use));
    await turn();

    expect(chunk.load).toHaveBeenCalledTimes(1);
    expect(use).not.toHaveBeenCalled();
    chunk.arrive(oktaRuntime);
    expect(await result).toBe('done');
    expect(use).toHaveBeenCalledOnceWith(oktaRuntime);
  });
});

describe('OktaLoader', () => {
  it('refuses to hand out OktaAuth before the chunk is in, saying what to do', () => {
    TestBed.configureTestingModule({ providers: [OktaLoader] });

    expect(() => TestBed.inject(OktaLoader).services()).toThrowError(/whenOktaLoaded/);
  });

  it('starts nothing once the app is gone (a late first paint, a late guard)', async () => {
    TestBed.configureTestingModule({ providers: [OktaLoader] });
    const loader = TestBed.inject(OktaLoader);
    TestBed.resetTestingModule();

    await expectAsync(loader.load()).toBeRejectedWithError('The app ended first.');
    expect(loader.destroyed).toBeTrue();
    expect(() => loader.services()).toThrowError(/before the Okta chunk/);
  });
});
