// Turns a request target into a path inside the build folder, or says which 4xx it deserves.
// Browsers only ever send origin-form targets ("/path?query") with dot segments already resolved,
// so anything else comes from a script or an attacker and is refused before it touches the disk.
import { join, normalize, sep } from 'node:path';

/** Longer targets get 414. Browsers and proxies cap URLs near 8 KiB; the app's own are far shorter. */
export const MAX_TARGET_LENGTH = 8 * 1024;

/**
 * Resolves `target` (the raw `req.url`) against `dist`. Returns `{ path, file }`, where `path` is
 * the decoded URL path and `file` lies inside `dist`, or `{ status }` with the 4xx to answer.
 */
export function resolveRequestTarget(target, dist) {
  if (target.length > MAX_TARGET_LENGTH) return { status: 414 };
  // Origin-form only: absolute-form ("http://host/"), authority-form and asterisk-form ("*") are
  // for proxies and OPTIONS. Raw control, space, non-ASCII bytes and "#" never come from a browser.
  if (!target.startsWith('/') || /[^\x21-\x7e]|#/.test(target)) return { status: 400 };
  const rawPath = target.split('?', 1)[0];
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400 }; // "/%", "/a%zz", invalid UTF-8 such as "%C0%AF"
  }
  // Decoded NUL, CR, LF and other controls name no file and only serve to confuse logs or fs calls.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\x00-\x1f\x7f]/.test(path)) return { status: 400 };
  // "..%2f" and "%2e%2e" decode to dot-dot segments; "\" is a separator on Windows.
  if (path.split(/[\\/]/).includes('..')) return { status: 400 };
  const file = normalize(join(dist, path));
  // Belt and braces: whatever the checks above missed, nothing outside the build folder is served.
  if (file !== dist && !file.startsWith(dist + sep)) return { status: 400 };
  return { path, file };
}
