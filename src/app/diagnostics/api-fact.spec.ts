import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { SessionUnusableError } from '../auth';
import { describeApiAnswer } from './api-fact';

const ENDPOINT = 'http://localhost:8000/api/messages';
const refused = (status: number, error: unknown) =>
  new HttpErrorResponse({ status, error, headers: new HttpHeaders(), url: ENDPOINT });

describe('describeApiAnswer', () => {
  it('passes an answer', () => {
    expect(describeApiAnswer('ok', ENDPOINT)).toEqual(
      jasmine.objectContaining({ status: 'pass', detail: `${ENDPOINT} accepted the token.` }),
    );
  });

  it("names the API's refusal and the settings to compare", () => {
    const fact = describeApiAnswer(
      refused(401, {
        error: 'invalid_token',
        error_description: 'The access token is not valid for this API',
      }),
      ENDPOINT,
    );

    expect(fact.status).toBe('fail');
    expect(fact.detail).toBe(
      `${ENDPOINT} answered 401 invalid_token: The access token is not valid for this API.`,
    );
    expect(fact.fix).toContain('API_CLIENT_IDS');
  });

  it('names missing scopes, a refused proof and an unreachable API apart', () => {
    expect(
      describeApiAnswer(refused(403, { error: 'insufficient_scope' }), ENDPOINT).fix,
    ).toContain('API_REQUIRED_SCOPES');
    expect(
      describeApiAnswer(refused(401, { error: 'invalid_dpop_proof' }), ENDPOINT).fix,
    ).toContain('clock');
    expect(describeApiAnswer(refused(0, null), ENDPOINT).fix).toContain('APP_ORIGINS');
    expect(describeApiAnswer(refused(500, 'oops'), ENDPOINT).detail).toBe(
      `${ENDPOINT} answered 500 HTTP 500.`,
    );
  });

  it('says the session ended when the app could not send the token', () => {
    expect(describeApiAnswer(new SessionUnusableError('x'), ENDPOINT).detail).toContain(
      'the session ended',
    );
  });
});
