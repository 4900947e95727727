import { Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ADMIN_GROUP } from '../admin/admin-group';
import { AuthSession } from '../auth';

/** The 403 page: signed in, but not allowed. Never restarts sign-in (that would loop). */
@Component({
  selector: 'app-forbidden',
  imports: [RouterLink],
  template: `
    <h1>You don't have access to this page</h1>
    <p role="alert">
      @if (requiredGroup(); as name) {
        This page is for members of the <strong>{{ name }}</strong> group.
      } @else {
        This page is for members of the required group.
      }
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
  /** Set by the router from `?group=` (withComponentInputBinding), as groupGuard writes it. */
  readonly group = input<string>('');
  protected readonly session = inject(AuthSession);
  /** The groups this app's guards require: the only names this page ever shows. */
  private readonly configuredGroups: readonly string[] = [inject(ADMIN_GROUP)];
  /**
   * The configured group that `?group=` names, or null. Anyone can send a link with any `?group=`,
   * so the page shows a configured name, never text from the URL.
   */
  protected readonly requiredGroup = computed(
    () => this.configuredGroups.find((name) => name === this.group()) ?? null,
  );
}
