/**
 * Why a request to the API was not sent: the session's tokens cannot be used as the configuration
 * says (an unbound token while DPoP is required, or a DPoP key pair that is gone). The session
 * has ended, as after a failed renewal.
 */
export class SessionUnusableError extends Error {
  override readonly name = 'SessionUnusableError';
}
