import { Component, inject, OnInit, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { OKTA_AUTH } from './okta-auth-token';
import { AUTH_CONFIG } from './auth-config-token';
import { completeSignIn } from './complete-sign-in';
import { finishSigningIn } from './dpop-key-sweep';
import { preloadRouteFor } from './preload-route';
import { toSafeReturnPath } from './return-path';
import { SessionSync } from './session-sync';
import { SignInAttempts } from './sign-in-attempts';
import { describeSignInError } from './sign-in-error';

/**
 * The redirect URI's page: finishes the authorization code exchange (PKCE) and returns the user
 * to the page they asked for, or explains what went wrong and offers a fresh start.
 *
 * Replaces okta-angular's OktaCallbackComponent, whose error lives in a plain field and so never
 * renders under zoneless change detection (remove when okta-angular renders it from a signal).
 */
@Component({
  selector: 'app-login-callback',
  imports: [RouterLink],
  template: `
    <section class="callback" aria-live="polite">
      @if (error(); as message) {
        <h1>Sign-in did not complete</h1>
        <p role="alert">{{ message }}</p>
        @if (stopped()) {
          <p>
            Sign-in failed twice in a row, so the app stopped trying on its own. Try again when you
            are ready, or contact your administrator if it keeps failing.
          </p>
        }
        <p class="actions">
          <button type="button" class="primary" (click)="tryAgain()">Try again</button>
          <a routerLink="/">Back to home</a>
        </p>
      } @else {
        <h1>Signing you in…</h1>
        <p role="status">Finishing sign-in with Okta.</p>
      }
    </section>
  `,
})
export class LoginCallback implements OnInit {
  private readonly oktaAuth = inject(OKTA_AUTH);
  private readonly config = inject(AUTH_CONFIG);
  private readonly attempts = inject(SignInAttempts);
  private readonly sessionSync = inject(SessionSync);
  private readonly router = inject(Router);
  protected readonly error = signal<string | null>(null);
  protected readonly stopped = signal(false);
  private returnTo = '/';

  ngOnInit(): void {
    void this.finishSignIn();
  }

  private async finishSignIn(): Promise<void> {
    const href = window.location.href;
    const hasResponse = new URL(href).search.length > 1;
    // code and state are single-use: remove them from the address bar and history before anything
    // else, so neither Back nor Reload can replay them.
    window.history.replaceState(window.history.state, '', window.location.pathname);
    const lastError = this.attempts.lastError();
    if (!hasResponse && (lastError || this.attempts.mustStop())) {
      // Sent here because sign-in could not start, or keeps failing: explain, don't redirect again.
      this.returnTo = toSafeReturnPath(this.oktaAuth.getOriginalUri(), window.location.origin);
      this.showFailure(
        lastError ??
          'You signed in, but the app could not keep your session. Is browser storage blocked?',
        this.attempts.mustStop(),
      );
      return;
    }
    // The page the user returns to loads beside the code exchange, not after it.
    const state = new URL(href).searchParams.get('state') ?? undefined;
    preloadRouteFor(
      this.router.config,
      toSafeReturnPath(this.oktaAuth.getOriginalUri(state), window.location.origin),
    );
    // A failed exchange leaves okta-auth-js's new DPoP key pair unused; any outcome sweeps those.
    const outcome = await finishSigningIn(
      this.config.clientId,
      () =>
        completeSignIn(this.oktaAuth, this.config, href, {
          endSession: () => this.sessionSync.endSession(),
          onVerified: () => this.attempts.forgetMessage(),
        }),
      () => this.oktaAuth.tokenManager.getTokensSync().accessToken?.dpopPairId,
    );
    if (outcome.ok) {
      // The guard of the page may send us straight back here (same route, so this component is
      // reused and ngOnInit does not run again): a step-up that would loop says why (the message
      // was cleared just before that page opened), and a session that did not stick is explained.
      const sentBack = this.attempts.lastError();
      if (sentBack) {
        this.showFailure(sentBack, this.attempts.mustStop());
        return;
      }
      this.attempts.clearFailures();
      if (this.attempts.mustStop()) {
        this.showFailure(
          'You signed in, but the app could not keep your session. Is browser storage blocked?',
          true,
        );
      }
      return;
    }
    this.returnTo = outcome.returnTo;
    // A link that answers no sign-in of this tab says nothing about this tab's sign-ins: counting
    // it would let anyone trip the loop breaker with a few links.
    if (!outcome.foreign) this.attempts.recordFailure(outcome.message);
    this.showFailure(outcome.message, this.attempts.mustStop());
  }

  /** Starts a brand-new flow (new state, nonce and PKCE verifier); the old code is never reused. */
  protected async tryAgain(): Promise<void> {
    this.attempts.reset();
    try {
      await this.oktaAuth.signInWithRedirect({ originalUri: this.returnTo });
    } catch (error) {
      this.attempts.recordFailure(describeSignInError(error));
      this.showFailure(describeSignInError(error), false);
    }
  }

  private showFailure(message: string, stopped: boolean): void {
    this.stopped.set(stopped);
    this.error.set(message);
  }
}
