import { AuthConfig, parseAuthConfig } from './auth-config';

/** How the app asks for its configuration file; a parameter so that tests need no server. */
export type FetchConfig = (url: string) => Promise<Response>;

// A fresh copy every time: one build runs in every environment, and a cached config.json would
// keep pointing a redeployed app at the old org.
const fetchFresh: FetchConfig = (url) => fetch(url, { cache: 'no-store' });

/**
 * Parses the JSON configuration: the copy a server embedded in the page, when there is one
 * (`<script type="application/json" id="app-config">`, as scripts/serve.mjs writes it), which
 * saves a round trip before the app can start; otherwise `url`, fetched. Rejects with a sentence
 * a user can act on (network failure, an error status, a file that is not JSON) rather than a raw
 * exception. A block that is there but not JSON is refused, never passed over for the file.
 */
export async function fetchConfigJson(url: string, fetchConfig = fetchFresh): Promise<unknown> {
  const cannotLoad = (why = '') =>
    new Error(`The app could not load its configuration (${url}${why}).`);
  // A data block: never run, so the Content-Security-Policy's script-src does not apply to it.
  const embedded = document.getElementById('app-config')?.textContent?.trim();
  if (embedded) {
    try {
      return JSON.parse(embedded);
    } catch {
      throw cannotLoad(' embedded in the page: not valid JSON');
    }
  }
  let response: Response;
  try {
    response = await fetchConfig(url);
  } catch {
    throw cannotLoad();
  }
  if (!response.ok) throw cannotLoad(` answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw cannotLoad(': not valid JSON');
  }
}

/**
 * The Okta settings from `config.json` served beside index.html (relative to `<base href>`, so
 * the app can live under a sub-path), or from the page when the server embedded it, validated:
 * what an app that has no settings file of its own passes to `provideOktaAuth`.
 */
export async function loadAuthConfig(
  url = 'config.json',
  fetchConfig = fetchFresh,
): Promise<AuthConfig> {
  return parseAuthConfig(await fetchConfigJson(url, fetchConfig));
}
