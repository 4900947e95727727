import { Component, computed, inject } from '@angular/core';
import { AuthSession } from '../auth';
import { formatClaim } from './format-claim';

/** The signed-in user, and every claim of their ID token. */
@Component({
  selector: 'app-profile',
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
    }
  `,
  styles: `
    .who {
      font-size: 1.15rem;
    }
    h2 {
      font-size: 1.25rem;
      margin-top: 2rem;
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
  protected readonly rows = computed(() =>
    Object.entries(this.session.claims() ?? {}).map(([name, value]) => ({
      name,
      value: formatClaim(name, value),
    })),
  );
}
