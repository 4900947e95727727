/**
 * Turns a stored "original URI" into a path inside this app, or `/` when it is not one.
 *
 * Protocol-relative (`//evil.example`), backslash (`/\evil.example`) and absolute URLs on another
 * origin are the classic open-redirect payloads; browsers normalise `\` to `/`, so both are dropped.
 */
export function toSafeReturnPath(originalUri: string | undefined | null, origin: string): string {
  if (!originalUri) return '/';
  if (/[\u0000-\u001f\\]/.test(originalUri)) return '/';
  let url: URL;
  try {
    url = new URL(originalUri, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  if (
    !originalUri.startsWith('/') &&
    !originalUri.startsWith(origin + '/') &&
    originalUri !== origin
  ) {
    return '/';
  }
  if (originalUri.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
