import { afterFirstPaint, FIRST_PAINT_WAIT_MS } from './first-paint';

describe('afterFirstPaint', () => {
  /** A PerformanceObserver whose entries the test delivers. */
  function fakeObserver() {
    const observer = {
      report: (() => undefined) as (names: string[]) => void,
      observe: jasmine.createSpy('observe'),
      disconnect: jasmine.createSpy('disconnect'),
    };
    const Fake = Object.assign(
      function (this: unknown, callback: PerformanceObserverCallback) {
        observer.report = (names) =>
          callback(
            {
              getEntriesByName: (name: string) =>
                names.filter((n) => n === name).map((n) => ({ name: n })),
            } as unknown as PerformanceObserverEntryList,
            observer as unknown as PerformanceObserver,
          );
        return observer;
      },
      { supportedEntryTypes: ['paint'] },
    );
    const original = window.PerformanceObserver;
    window.PerformanceObserver = Fake as unknown as typeof PerformanceObserver;
    return { observer, restore: () => (window.PerformanceObserver = original) };
  }

  it('waits for the first contentful paint, not a background-only first paint, then runs once', () => {
    const { observer, restore } = fakeObserver();
    try {
      const then = jasmine.createSpy('then');

      afterFirstPaint(then);
      expect(observer.observe).toHaveBeenCalledOnceWith({ type: 'paint', buffered: true });
      observer.report(['first-paint']);
      expect(then).not.toHaveBeenCalled();
      observer.report(['first-contentful-paint']);

      expect(then).toHaveBeenCalledTimes(1);
      expect(observer.disconnect).toHaveBeenCalled();
    } finally {
      restore();
    }
  });

  it('does not wait for a paint that a tab loaded in the background never makes', () => {
    spyOnProperty(document, 'visibilityState').and.returnValue('hidden');
    const then = jasmine.createSpy('then');

    afterFirstPaint(then);

    expect(then).toHaveBeenCalledTimes(1);
  });

  it('gives up waiting for a contentful paint after FIRST_PAINT_WAIT_MS, and runs once', () => {
    const { observer, restore } = fakeObserver();
    jasmine.clock().install();
    try {
      const then = jasmine.createSpy('then');

      afterFirstPaint(then);
      jasmine.clock().tick(FIRST_PAINT_WAIT_MS - 1);
      expect(then).not.toHaveBeenCalled();
      jasmine.clock().tick(1);
      observer.report(['first-contentful-paint']);

      expect(then).toHaveBeenCalledTimes(1);
      expect(observer.disconnect).toHaveBeenCalled();
    } finally {
      jasmine.clock().uninstall();
      restore();
    }
  });
});
