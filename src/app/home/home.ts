import { Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AuthSession } from '../auth';

/** Public landing page: what the app demonstrates, and the way in. */
@Component({
  selector: 'app-home',
  imports: [RouterLink],
  template: `
    <h1>Okta + Angular reference app</h1>
    <p>
      This app signs you in through the <strong>Okta-hosted sign-in page</strong> using the OpenID
      Connect authorization code flow with PKCE. No password ever touches this app: Okta checks it
      and sends back short-lived tokens.
    </p>
    <ul>
      <li><a routerLink="/profile">Profile</a> shows the claims in your ID token.</li>
      <li><a routerLink="/messages">Messages</a> calls a protected API with your access token.</li>
    </ul>
    @switch (session.status()) {
      @case ('signed-in') {
        <p>Welcome back, {{ session.displayName() }}.</p>
      }
      @case ('signed-out') {
        <p class="actions">
          <button type="button" class="primary" (click)="signIn()">Sign in with Okta</button>
        </p>
      }
    }
  `,
})
export class Home {
  protected readonly session = inject(AuthSession);

  protected signIn(): Promise<void> {
    return this.session.signIn('/profile');
  }
}
