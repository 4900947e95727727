import { AuthConfig, parseAuthConfig } from './auth-config';

/** How the app asks for its configuration file; a parameter so that tests need no server. */
export type FetchConfig = (url: string) => Promise<Response>;

// A fresh copy every time: one build runs in every environment, and a cached config.json would
// keep pointing a redeployed app at the old org.
const fetchFresh: FetchConfig = (url) => fetch(url, { cache: 'no-store' });

/**
 * Fetches and parses a JSON configuration file, rejecting with a sentence a user can act on
 * (network failure, an error status, a file that is not JSON) rather than a raw exception.
 */
export async function fetchConfigJson(url: string, fetchConfig = fetchFresh): Promise<unknown> {
  const cannotLoad = (why = '') =>
    new Error(`The app could not load its configuration (${url}${why}).`);
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
 * the app can live under a sub-path), validated: what an app that has no settings file of its
 * own passes to `provideOktaAuth`.
 */
export async function loadAuthConfig(
  url = 'config.json',
  fetchConfig = fetchFresh,
): Promise<AuthConfig> {
  return parseAuthConfig(await fetchConfigJson(url, fetchConfig));
}
