import { Routes } from '@angular/router';
import { ADMIN_GROUP } from './admin/admin-group';
import { authGuard, groupGuard, LoginCallback } from './auth';
import { Home } from './home/home';

export const routes: Routes = [
  { path: '', component: Home, title: 'Okta + Angular' },
  // The callback must stay unguarded: a guard here would start a new sign-in before the
  // tokens from this one are stored, and the user would loop between the app and Okta.
  { path: 'login/callback', component: LoginCallback, title: 'Signing in' },
  {
    path: 'profile',
    canActivate: [authGuard],
    loadComponent: () => import('./profile/profile').then((m) => m.Profile),
    title: 'Profile',
  },
  {
    path: 'messages',
    canActivate: [authGuard],
    loadComponent: () => import('./messages/messages').then((m) => m.Messages),
    title: 'Messages',
  },
  {
    path: 'admin',
    // authGuard first: an anonymous visitor signs in; a signed-in non-member gets the 403 page.
    canActivate: [authGuard, groupGuard(ADMIN_GROUP)],
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
