import { Component, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive } from '@angular/router';
import { ADMIN_GROUP } from '../admin/admin-group';
import { AuthSession } from '../auth';

/** Navigation, who is signed in, and the Sign in / Sign out button. */
@Component({
  selector: 'app-site-header',
  imports: [RouterLink, RouterLinkActive],
  templateUrl: './site-header.html',
  styleUrl: './site-header.css',
})
export class SiteHeader {
  protected readonly session = inject(AuthSession);
  protected readonly adminGroup = inject(ADMIN_GROUP);
  private readonly router = inject(Router);

  protected signIn(): Promise<void> {
    // Come back to the page the user is on, unless that is the callback itself.
    const here = this.router.url.startsWith('/login/callback') ? '/' : this.router.url;
    return this.session.signIn(here);
  }

  protected signOut(): Promise<void> {
    return this.session.signOut();
  }
}
