import { Routes } from '@angular/router';
import { ADMIN_AUTHENTICATION } from './admin/admin-authentication';
import { ADMIN_GROUP } from './admin/admin-group';
import { groupGuard, loadLoginCallback, requireSignIn, stepUpGuard } from './auth';
import { Home } from './home/home';

export const routes: Routes = [
  { path: '', component: Home, title: 'Okta + Angular' },
  // The callback must stay unguarded: a guard here would start a new sign-in before the
  // tokens from this one are stored, and the user would loop between the app and Okta. Its code
  // is in the Okta chunk, which main.ts starts fetching beside config.json: no extra request, and
  // no callback code in the bundle every visitor of the home page downloads.
  {
    path: 'login/callback',
    loadComponent: loadLoginCallback,
    title: 'Signing in',
  },
  {
    path: 'profile',
    ...requireSignIn(),
    loadComponent: () => import('./profile/profile').then((m) => m.Profile),
    title: 'Profile',
  },
  {
    path: 'messages',
    ...requireSignIn(),
    loadComponent: () => import('./messages/messages').then((m) => m.Messages),
    title: 'Messages',
  },
  {
    path: 'diagnostics',
    ...requireSignIn(),
    loadComponent: () => import('./diagnostics/diagnostics').then((m) => m.Diagnostics),
    title: 'Diagnostics',
  },
  {
    path: 'admin',
    // In this order: an anonymous visitor signs in; a signed-in non-member gets the 403 page; a
    // member whose sign-in is not strong or recent enough signs in again with a second factor.
    ...requireSignIn(groupGuard(ADMIN_GROUP), stepUpGuard(ADMIN_AUTHENTICATION)),
    loadComponent: () => import('./admin/admin').then((m) => m.Admin),
    title: 'Admin',
  },
  {
    path: 'forbidden',
    loadComponent: () => import('./errors/forbidden').then((m) => m.Forbidden),
    title: 'Access denied',
  },
  {
    path: '**',
    loadComponent: () => import('./errors/not-found').then((m) => m.NotFound),
    title: 'Page not found',
  },
];
