/**
 * The app paths the auth folder itself needs. A leaf file (no imports), so guards, services and
 * providers can all use it without importing each other.
 */

/** The route that finishes the code exchange; register `<origin>/login/callback` in Okta. */
export const CALLBACK_PATH = '/login/callback';
