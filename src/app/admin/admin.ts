import { HttpClient } from '@angular/common/http';
import { Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { catchError, map, of } from 'rxjs';
import { AuthSession } from '../auth';
import { API_URL } from '../messages/api-url';
import { ADMIN_GROUP } from './admin-group';

interface AuditEvent {
  readonly id: string;
  readonly text: string;
  readonly date: string;
}

/**
 * A page only members of the admin group reach, after a strong and recent sign-in (the step-up
 * guard in app.routes.ts). Its audit log comes from an API route that checks the same again and
 * answers an RFC 9470 challenge when the access token falls short.
 */
@Component({
  selector: 'app-admin',
  template: `
    <h1>Admin</h1>
    <p>
      Only members of the <strong>{{ group }}</strong> group reach this page. The route is guarded
      by the <code>groups</code> claim of your ID token, and the navigation link is shown only to
      members.
    </p>
    <h2>Your groups</h2>
    <ul>
      @for (name of groups(); track name) {
        <li>{{ name }}</li>
      }
    </ul>
    <h2>Your sign-in</h2>
    <p data-testid="sign-in-strength">
      {{ strength() }}
      @if (authTime(); as time) {
        at <time [attr.datetime]="time.toISOString()">{{ time.toLocaleTimeString() }}</time>
      }
    </p>
    <h2>Audit log</h2>
    <p>
      From <code>{{ endpoint }}</code>, which asks for a second factor within the last few minutes
      itself.
    </p>
    <div aria-live="polite">
      @if (!audit()) {
        <p role="status">Loading the audit log…</p>
      } @else if (audit()?.error) {
        <p role="alert">{{ errorText() }}</p>
      } @else {
        <table>
          <caption>
            Recent events
          </caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            @for (event of audit()?.events; track event.id) {
              <tr>
                <td>
                  <time [attr.datetime]="event.date">{{ event.date }}</time>
                </td>
                <td>{{ event.text }}</td>
              </tr>
            }
          </tbody>
        </table>
      }
    </div>
    <p>
      Hiding a link is not security: the API must check the same group claim (or a scope) on every
      request that needs it.
    </p>
  `,
})
export class Admin {
  private readonly session = inject(AuthSession);
  protected readonly group = inject(ADMIN_GROUP);
  protected readonly groups = this.session.groups;
  protected readonly endpoint = `${inject(API_URL)}/api/admin/audit`;
  // HttpClient rather than httpResource: two lazy pages sharing httpResource would move its
  // runtime into the initial bundle.
  protected readonly audit = toSignal(
    inject(HttpClient)
      .get<{ events: AuditEvent[] }>(this.endpoint)
      .pipe(
        map(({ events }) => ({ events, error: undefined })),
        catchError((error: unknown) => of({ events: [], error })),
      ),
  );

  protected readonly strength = computed(() => {
    const amr = this.session.claims()?.['amr'];
    return Array.isArray(amr) && amr.includes('otp')
      ? 'With your password and a one-time code'
      : 'With one factor';
  });
  protected readonly authTime = computed(() => {
    const seconds = this.session.claims()?.auth_time;
    return typeof seconds === 'number' ? new Date(seconds * 1000) : null;
  });
  protected readonly errorText = computed(() => {
    const error = this.audit()?.error as { status?: number; message?: string } | undefined;
    // The interceptor's step-up did not start (e.g. the same challenge right after one): it says why.
    if (error && error.status === undefined && error.message) return error.message;
    if (error?.status === 401) return 'The API did not accept your sign-in for the audit log.';
    if (error?.status === 0) return 'The API could not be reached. Is it running?';
    return 'The audit log could not be loaded. Please try again.';
  });
}
