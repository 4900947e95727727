import { Component, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AuthSession } from '../auth';

/** The 403 page: signed in, but not allowed. Never restarts sign-in (that would loop). */
@Component({
  selector: 'app-forbidden',
  imports: [RouterLink],
  template: `
    <h1>You don't have access to this page</h1>
    <p role="alert">
      This page is for members of the <strong>{{ group() || 'required' }}</strong> group.
      @if (session.displayName(); as name) {
        You are signed in as {{ name }}, who is not in it.
      }
    </p>
    <p>
      If you need access, ask your Okta administrator to add you to the group, then sign out and in
      again so that your token carries it.
    </p>
    <p><a routerLink="/">Go to the home page</a></p>
  `,
})
export class Forbidden {
  /** Set by the router from `?group=` (withComponentInputBinding). */
  readonly group = input<string>('');
  protected readonly session = inject(AuthSession);
}
