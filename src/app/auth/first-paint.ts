/** How long to wait for a first contentful paint that may never come (a page with no text). */
export const FIRST_PAINT_WAIT_MS = 3000;

/**
 * Calls `then` once the page has painted its first content (the browser's first-contentful-paint
 * entry), so that work which can wait does not compete with that paint for the network and the
 * main thread.
 *
 * It runs at once in a tab loaded in the background, which paints only when it is shown (the work
 * may be what other tabs need from it, e.g. an answer about the session), and after
 * FIRST_PAINT_WAIT_MS at the latest: a browser that does not report paints waits that long.
 */
export function afterFirstPaint(then: () => void): void {
  if (document.visibilityState === 'hidden') {
    then();
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    observer.disconnect();
    then();
  };
  const timer = setTimeout(once, FIRST_PAINT_WAIT_MS);
  const observer = new PerformanceObserver((entries) => {
    if (entries.getEntriesByName('first-contentful-paint').length > 0) once();
  });
  // `buffered`: a paint that happened before this call counts too.
  observer.observe({ type: 'paint', buffered: true });
}
