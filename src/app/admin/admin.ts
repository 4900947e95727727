import { Component, inject } from '@angular/core';
import { AuthSession } from '../auth';
import { ADMIN_GROUP } from './admin-group';

/** A page only members of the admin group reach (see groupGuard in app.routes.ts). */
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
    <p>
      Hiding a link is not security: the API must check the same group claim (or a scope) on every
      request that needs it.
    </p>
  `,
})
export class Admin {
  protected readonly group = inject(ADMIN_GROUP);
  protected readonly groups = inject(AuthSession).groups;
}
