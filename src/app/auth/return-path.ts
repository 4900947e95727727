/** C0 controls, DEL and backslash: never part of a return path we stored ourselves. */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/**
 * Turns a stored "original URI" into a path inside this app, or `/` when it is not one.
 *
 * Protocol-relative (`//evil.example`), backslash (`/\evil.example`) and absolute URLs on another
 * origin are the classic open-redirect payloads; browsers normalise `\` to `/` and drop tabs and
 * newlines, so input holding them is dropped. Checking the input is not enough: resolving dot
 * segments (`/..//evil.example`, `/%2e%2e//evil.example`) turns a harmless-looking path into
 * `//evil.example`. So the path returned is checked too, and is safe on its own without any
 * further sanitising by the caller.
 */
export function toSafeReturnPath(originalUri: string | undefined | null, origin: string): string {
  if (!originalUri || UNSAFE_CHARACTERS.test(originalUri)) return '/';
  const isAbsolutePath = originalUri.startsWith('/') && !originalUri.startsWith('//');
  const isOnOrigin = originalUri === origin || originalUri.startsWith(`${origin}/`);
  // Anything else (`https:evil`, `evil/path`, `javascript:`) is not something this app stored.
  if (!isAbsolutePath && !isOnOrigin) return '/';
  const path = pathOnOrigin(originalUri, origin);
  return path !== null && isSafePath(path, origin) ? path : '/';
}

/**
 * True when `path` starts with exactly one `/` followed by neither `/` nor `\` (or is `/`), and
 * reads back as itself on `origin`: a browser or router given it cannot leave this origin.
 */
function isSafePath(path: string, origin: string): boolean {
  if (!/^\/(?![/\\])/.test(path)) return false;
  return pathOnOrigin(path, origin) === path;
}

/** `url` resolved against `origin` as path, query and fragment; null when off `origin`. */
function pathOnOrigin(url: string, origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return null;
  }
  if (parsed.origin !== origin) return null;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
