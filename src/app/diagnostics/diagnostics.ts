import { httpResource } from '@angular/common/http';
import { Component, computed, inject, signal } from '@angular/core';
import { SessionDiagnostics, SessionFact } from '../auth/diagnostics';
import { ADMIN_GROUP } from '../admin/admin-group';
import { API_URL } from '../messages/api-url';
import { API_AUDIENCE } from './api-audience';
import { describeApiAnswer } from './api-fact';

const STATUS_LABELS: Record<SessionFact['status'], string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Failure',
  info: 'Info',
};

/**
 * What only a signed-in session can show about the Okta org's set-up: the facts of the tokens
 * this tab holds and one real call to the API, each with its fix. No token value is shown.
 */
@Component({
  selector: 'app-diagnostics',
  template: `
    <h1>Diagnostics</h1>
    <p>
      Facts about this session, checked against what the app and the API expect. Nothing here shows
      a token. Before signing in, <code>npm run doctor</code> checks the org from the command line.
    </p>
    <ul class="facts">
      @for (fact of facts(); track fact.id) {
        <li [attr.data-status]="fact.status">
          <h2>
            <span class="status">{{ label(fact) }}</span> {{ fact.title }}
          </h2>
          <p>{{ fact.detail }}</p>
          @if (fact.fix) {
            <p class="fix"><strong>Fix:</strong> {{ fact.fix }}</p>
          }
        </li>
      }
    </ul>
    <p class="actions">
      <button type="button" (click)="callApi()">Call the API again</button>
      <button type="button" (click)="renew()">Renew now</button>
    </p>
    <div aria-live="polite">
      @if (renewal(); as outcome) {
        <p role="status">{{ outcome }}</p>
      }
    </div>
  `,
  // A [class] binding would add Angular's class-binding runtime (6 kB) to the initial bundle.
  styles: `
    .facts {
      list-style: none;
      padding: 0;
    }
    .facts li {
      background: #fff;
      border: 1px solid #dde1e6;
      border-left: 0.4rem solid #6b7280;
      border-radius: 0.375rem;
      padding: 0.5rem 1rem;
      margin-bottom: 0.5rem;
    }
    .facts li[data-status='pass'] {
      border-left-color: #1a7f37;
    }
    .facts li[data-status='warn'] {
      border-left-color: #9a6700;
    }
    .facts li[data-status='fail'] {
      border-left-color: #cf222e;
    }
    h2 {
      font-size: 1.05rem;
      margin: 0.25rem 0;
    }
    .status {
      font-size: 0.8rem;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      margin-right: 0.5rem;
    }
    .fix {
      color: #1f2328;
    }
    .actions {
      display: flex;
      gap: 0.75rem;
    }
  `,
})
export class Diagnostics {
  private readonly session = inject(SessionDiagnostics);
  private readonly endpoint = `${inject(API_URL)}/api/messages`;
  private readonly expected = {
    apiAudience: inject(API_AUDIENCE),
    adminGroup: inject(ADMIN_GROUP),
  };
  /** Bumped after a renewal, so that the facts are read again from the new tokens. */
  private readonly version = signal(0);
  /** One real call, through the app's interceptor (token, DPoP proof, nonce retry). */
  private readonly apiCall = httpResource(() => this.endpoint);
  protected readonly renewal = signal<string | null>(null);
  protected readonly facts = computed(() => {
    this.version();
    const api = this.apiCall.isLoading()
      ? []
      : [describeApiAnswer(this.apiCall.error() ?? 'ok', this.endpoint)];
    return [...this.session.describe(this.expected), ...api];
  });

  protected label(fact: SessionFact): string {
    return STATUS_LABELS[fact.status];
  }

  protected callApi(): void {
    this.apiCall.reload();
  }

  protected async renew(): Promise<void> {
    this.renewal.set('Renewing…');
    const outcome = await this.session.renewNow();
    this.version.update((n) => n + 1);
    this.renewal.set(RENEWAL_OUTCOMES[outcome]);
  }
}

const RENEWAL_OUTCOMES = {
  rotated: 'Renewed. The refresh token rotated, as it should: each one is good for one use.',
  kept: 'Renewed, but the refresh token did not rotate. Turn on "Rotate token after every use" (Applications → your app → General → Refresh Token behavior).',
  failed: 'The session could not be renewed (no refresh token, or Okta refused it).',
} as const;
