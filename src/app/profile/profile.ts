import { Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AuthSession } from '../auth';
import { formatClaim } from './format-claim';

/** The signed-in user, every claim of their ID token, and (on request) Okta's userinfo. */
@Component({
  selector: 'app-profile',
  imports: [RouterLink],
  template: `
    <h1>Profile</h1>
    @if (session.claims(); as claims) {
      <p class="who">
        <strong>{{ claims.name }}</strong>
        @if (claims.email) {
          <span> · {{ claims.email }}</span>
        }
      </p>
      <h2>ID token claims</h2>
      <table>
        <caption class="visually-hidden">
          Claims in your ID token
        </caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          @for (row of rows(); track row.name) {
            <tr>
              <th scope="row">
                <code>{{ row.name }}</code>
              </th>
              <td>{{ row.value }}</td>
            </tr>
          }
        </tbody>
      </table>
      <h2>From Okta's /v1/userinfo</h2>
      <p>
        The ID token is a snapshot from sign-in; the userinfo endpoint answers with the current
        profile, using your access token.
      </p>
      <button type="button" (click)="loadUserInfo()">Load userinfo</button>
      <p class="diagnostics">
        Something not working with your own Okta org?
        <a routerLink="/diagnostics">Check this session</a>: audience, scopes, refresh token,
        groups, clock and a real API call.
      </p>
    }
    <div aria-live="polite">
      @if (userInfoError(); as message) {
        <p role="alert">{{ message }}</p>
      }
      @if (userInfo(); as info) {
        <pre class="userinfo">{{ info }}</pre>
      }
    </div>
  `,
  styles: `
    .diagnostics {
      margin-top: 2rem;
    }
    .who {
      font-size: 1.15rem;
    }
    h2 {
      font-size: 1.25rem;
      margin-top: 2rem;
    }
    .userinfo {
      background: #fff;
      border: 1px solid #dde1e6;
      padding: 1rem;
      overflow-x: auto;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
  `,
})
export class Profile {
  protected readonly session = inject(AuthSession);
  protected readonly userInfo = signal<string | null>(null);
  protected readonly userInfoError = signal<string | null>(null);
  protected readonly rows = computed(() =>
    Object.entries(this.session.claims() ?? {}).map(([name, value]) => ({
      name,
      value: formatClaim(name, value),
    })),
  );

  protected async loadUserInfo(): Promise<void> {
    this.userInfoError.set(null);
    try {
      this.userInfo.set(JSON.stringify(await this.session.fetchUserInfo(), null, 2));
    } catch (error) {
      this.userInfo.set(null);
      this.userInfoError.set((error as Error).message);
    }
  }
}
