import { Routes } from '@angular/router';
import { preloadRouteFor } from './preload-route';

describe('preloadRouteFor', () => {
  let loads: Record<string, jasmine.Spy>;
  let routes: Routes;

  beforeEach(() => {
    loads = {
      profile: jasmine.createSpy('profile').and.resolveTo(class Profile {}),
      messages: jasmine.createSpy('messages').and.rejectWith(new Error('chunk failed')),
      notFound: jasmine.createSpy('notFound').and.resolveTo(class NotFound {}),
    };
    routes = [
      { path: '', component: class Home {} },
      { path: 'profile', loadComponent: loads['profile'] },
      { path: 'messages', loadComponent: loads['messages'] },
      { path: '**', loadComponent: loads['notFound'] },
    ];
  });

  it('starts loading the component of the page the sign-in returns to, query and all', () => {
    preloadRouteFor(routes, '/profile?tab=claims#top');

    expect(loads['profile']).toHaveBeenCalledTimes(1);
    expect(loads['notFound']).not.toHaveBeenCalled();
  });

  it("loads the not-found page's component for a path no route has", () => {
    preloadRouteFor(routes, '/nowhere/at/all');

    expect(loads['notFound']).toHaveBeenCalledTimes(1);
  });

  it('loads nothing for an eager route', () => {
    preloadRouteFor(routes, '/');

    expect(Object.values(loads).some((load) => load.calls.any())).toBeFalse();
  });

  it('leaves a failed load to the router, without an unhandled rejection', async () => {
    preloadRouteFor(routes, '/messages');
    await new Promise((resolve) => setTimeout(resolve));

    expect(loads['messages']).toHaveBeenCalledTimes(1);
  });
});
