import { Routes } from '@angular/router';
import { needsOktaFirst } from './needs-okta-first';

describe('needsOktaFirst', () => {
  const guard = () => true;
  const routes: Routes = [
    { path: '', children: [] },
    { path: 'login/callback', children: [] },
    { path: 'profile', canActivate: [guard], children: [] },
    { path: 'reports', canMatch: [guard], children: [] },
    { path: 'forbidden', children: [] },
    { path: '**', children: [] },
  ];
  const base = 'https://app.example.com/';
  const needs = (path: string, baseUri = base) => needsOktaFirst(routes, baseUri + path, baseUri);

  it('lets a public page paint first: home, an unknown page, the 403 page', () => {
    expect(needs('')).toBeFalse();
    expect(needs('?utm_source=mail')).toBeFalse();
    expect(needs('no-such-page')).toBeFalse();
    expect(needs('forbidden?group=Admins')).toBeFalse();
  });

  it('fetches the chunk at once for a guarded page, whatever follows its first segment', () => {
    expect(needs('profile')).toBeTrue();
    expect(needs('profile/claims?tab=2#top')).toBeTrue();
    expect(needs('profile;view=all')).toBeTrue();
    expect(needs('reports')).toBeTrue();
  });

  it('fetches the chunk at once for the callback, with its code and state', () => {
    expect(needs('login/callback')).toBeTrue();
    expect(needs('login/callback?code=abc&state=xyz')).toBeTrue();
  });

  it('does not take a page that only starts like the callback for it', () => {
    expect(needs('login/callbacks')).toBeFalse();
  });

  it('reads the path under the base of an app served from a folder', () => {
    const folder = 'https://example.com/apps/okta/';

    expect(needs('profile', folder)).toBeTrue();
    expect(needs('', folder)).toBeFalse();
  });

  it('fetches the chunk at once when the address is not under the base (safe side)', () => {
    expect(needsOktaFirst(routes, 'https://other.example/', base)).toBeTrue();
  });
});
