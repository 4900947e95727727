import { Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { map } from 'rxjs';
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
  /**
   * `?group=`, as groupGuard writes it. Read from the route here: binding it as an input
   * (withComponentInputBinding) would put 2 kB of router code in every page's first load.
   */
  private readonly group = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(map((params) => params.get('group') ?? '')),
    { requireSync: true },
  );
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
