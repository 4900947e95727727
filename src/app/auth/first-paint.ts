/**
 * Calls `then` once the page has painted its first content (the browser's first-contentful-paint
 * entry), so that work which can wait does not compete with that paint for the network and the
 * main thread. Where the browser does not report paints, `then` runs at once.
 *
 * A tab opened in the background paints when it is first shown, and `then` waits until then.
 */
export function afterFirstPaint(then: () => void): void {
  if (
    typeof PerformanceObserver !== 'function' ||
    !PerformanceObserver.supportedEntryTypes?.includes('paint')
  ) {
    then();
    return;
  }
  const observer = new PerformanceObserver((entries) => {
    if (entries.getEntriesByName('first-contentful-paint').length === 0) return;
    observer.disconnect();
    then();
  });
  // `buffered`: a paint that happened before this call counts too.
  observer.observe({ type: 'paint', buffered: true });
}
