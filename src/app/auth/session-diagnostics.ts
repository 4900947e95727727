import { inject, Injectable } from '@angular/core';
import { requiresDpop } from './auth-config';
import { AUTH_CONFIG } from './auth-config-token';
import { OKTA_AUTH } from './okta-auth-token';
import { describeSession, SessionExpectations, SessionFact } from './session-facts';
import { SessionSync } from './session-sync';

/**
 * The diagnostics page's view of this tab's session: facts and fixes, never a token value. Only
 * that page (a lazy chunk) injects it, so none of it weighs on the initial bundle.
 */
@Injectable({ providedIn: 'root' })
export class SessionDiagnostics {
  private readonly oktaAuth = inject(OKTA_AUTH);
  private readonly config = inject(AUTH_CONFIG);
  private readonly sessionSync = inject(SessionSync);

  /** The facts of the tokens this tab holds, against what the app and the API expect. */
  describe(expected: Omit<SessionExpectations, 'scopes' | 'requireDpop'>): SessionFact[] {
    return describeSession(this.oktaAuth.tokenManager.getTokensSync(), {
      ...expected,
      scopes: this.config.scopes,
      requireDpop: requiresDpop(this.config),
    });
  }

  /**
   * Renews the session now and says whether Okta rotated the refresh token ("Rotate token after
   * every use"). A failed renewal ends the session, as any failed renewal does.
   */
  async renewNow(): Promise<'rotated' | 'kept' | 'failed'> {
    const before = this.oktaAuth.tokenManager.getTokensSync().refreshToken?.refreshToken;
    if (!before || !(await this.sessionSync.renewAccessToken())) return 'failed';
    const after = this.oktaAuth.tokenManager.getTokensSync().refreshToken?.refreshToken;
    return after && after !== before ? 'rotated' : 'kept';
  }
}
