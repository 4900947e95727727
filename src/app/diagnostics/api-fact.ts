import { HttpErrorResponse } from '@angular/common/http';
import { SessionUnusableError } from '../auth';
import type { SessionFact } from '../auth/diagnostics';

/** The API's JSON error body (api/respond.mjs): `error` and a fixed `error_description`. */
interface ApiError {
  readonly error?: unknown;
  readonly error_description?: unknown;
}

const TITLE = 'A real call to the API';

/** What one GET of the API said about the access token, as a fact with a fix. */
export function describeApiAnswer(answer: 'ok' | unknown, endpoint: string): SessionFact {
  if (answer === 'ok') {
    return { id: 'api', title: TITLE, status: 'pass', detail: `${endpoint} accepted the token.` };
  }
  if (answer instanceof SessionUnusableError) {
    return {
      id: 'api',
      title: TITLE,
      status: 'fail',
      detail: 'The app could not send the token as the settings require, so the session ended.',
      fix: 'Sign in again; if it repeats, check OKTA_DPOP against the Okta app.',
    };
  }
  if (!(answer instanceof HttpErrorResponse)) {
    return {
      id: 'api',
      title: TITLE,
      status: 'fail',
      detail: 'The call failed before any answer.',
    };
  }
  if (answer.status === 0) {
    return {
      id: 'api',
      title: TITLE,
      status: 'fail',
      detail: `${endpoint} could not be reached, or it refused this origin (CORS).`,
      fix: "Start the API (npm start does), or check API_URL and the API's APP_ORIGINS.",
    };
  }
  const body = (typeof answer.error === 'object' && answer.error ? answer.error : {}) as ApiError;
  const code = typeof body.error === 'string' ? body.error : `HTTP ${answer.status}`;
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const detail = `${endpoint} answered ${answer.status} ${code}${description ? `: ${description}` : ''}.`;
  return { id: 'api', title: TITLE, status: 'fail', detail, fix: FIXES[code] ?? FIXES['other'] };
}

const FIXES: Record<string, string> = {
  invalid_token:
    "Compare the audience above with the API's OKTA_AUDIENCE, and the app's client id with the API's API_CLIENT_IDS.",
  insufficient_scope:
    'Grant the scopes the API needs (API_REQUIRED_SCOPES) in the access policy rule, and keep them in OKTA_SCOPES.',
  invalid_dpop_proof:
    "The API refused the DPoP proof: check this device's clock and the API's API_PUBLIC_URL.",
  other: "Read the API's log: it says why, in detail.",
};
