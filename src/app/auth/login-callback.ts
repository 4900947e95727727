import { Component, inject, OnInit, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { OKTA_AUTH } from '@okta/okta-angular';
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
        <p class="actions">
          <button type="button" (click)="tryAgain()">Try again</button>
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
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    void this.completeSignIn();
  }

  /** Exchanges the code for tokens; okta-auth-js then calls our restoreOriginalUri. */
  private async completeSignIn(): Promise<void> {
    const params = new URLSearchParams(window.location.search);
    const errorCode = params.get('error');
    if (errorCode) {
      this.fail(describeSignInError({ errorCode, errorSummary: params.get('error_description') }));
      return;
    }
    if (!this.oktaAuth.isLoginRedirect()) {
      this.fail('There is no sign-in to finish here. Start again from the Sign in button.');
      return;
    }
    try {
      await this.oktaAuth.handleLoginRedirect();
    } catch (error) {
      this.fail(describeSignInError(error));
    }
  }

  /** Starts a brand-new flow (new state, nonce and PKCE verifier); the old code is never reused. */
  protected async tryAgain(): Promise<void> {
    await this.oktaAuth.signInWithRedirect({ originalUri: '/' });
  }

  private fail(message: string): void {
    // The code and state are single-use and must not stay in the address bar or history.
    window.history.replaceState(window.history.state, '', window.location.pathname);
    this.oktaAuth.transactionManager.clear();
    this.error.set(message);
  }
}
