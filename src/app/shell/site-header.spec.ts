import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { ADMIN_GROUP } from '../admin/admin-group';
import { AuthSession } from '../auth';
import { SiteHeader } from './site-header';

type Status = ReturnType<AuthSession['status']>;

describe('SiteHeader', () => {
  const status = signal<Status>('pending');
  const displayName = signal<string | null>(null);
  const groups = signal<readonly string[]>([]);
  let session: jasmine.SpyObj<Pick<AuthSession, 'signIn' | 'signOut'>> &
    Pick<AuthSession, 'status' | 'displayName' | 'groups'>;

  beforeEach(() => {
    status.set('pending');
    displayName.set(null);
    groups.set([]);
    session = {
      ...jasmine.createSpyObj<Pick<AuthSession, 'signIn' | 'signOut'>>('AuthSession', [
        'signIn',
        'signOut',
      ]),
      status,
      displayName,
      groups,
    };
    session.signIn.and.resolveTo();
    session.signOut.and.resolveTo();
    TestBed.configureTestingModule({
      // Every URL matches a component-less route, so the header can be tested on any page.
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: AuthSession, useValue: session },
        { provide: ADMIN_GROUP, useValue: 'Platform Admins' },
      ],
    });
  });

  async function render(): Promise<ComponentFixture<SiteHeader>> {
    const fixture = TestBed.createComponent(SiteHeader);
    await fixture.whenStable();
    return fixture;
  }

  const text = (fixture: ComponentFixture<SiteHeader>) =>
    ((fixture.nativeElement as HTMLElement).textContent ?? '').replace(/\s+/g, ' ');
  const link = (fixture: ComponentFixture<SiteHeader>, name: string) =>
    Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('nav a')).find(
      (element) => element.textContent?.trim() === name,
    );
  /** A button offered to the user (the neutral state's placeholder is offered to no one). */
  const button = (fixture: ComponentFixture<SiteHeader>, name: string) =>
    Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll<HTMLButtonElement>(
        'button:not(.placeholder)',
      ),
    ).find((element) => element.textContent?.trim() === name);

  describe('while the session is being checked', () => {
    it('says so, without offering Sign in or Sign out', async () => {
      const fixture = await render();

      expect(
        (fixture.nativeElement as HTMLElement).querySelector('[role="status"]')?.textContent,
      ).toBe('Checking your session…');
      expect(button(fixture, 'Sign in')).toBeUndefined();
      expect(button(fixture, 'Sign out')).toBeUndefined();
    });

    it('holds the place of the button that replaces it, unseen and out of reach, so nothing moves', async () => {
      const fixture = await render();
      const placeholder = (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>(
        '.account button',
      );

      expect(placeholder).not.toBeNull();
      expect(getComputedStyle(placeholder!).visibility).toBe('hidden');
      // Neither visible nor focusable: not in the tab order, nor in the accessibility tree.
      expect(placeholder!.checkVisibility({ visibilityProperty: true })).toBeFalse();
      placeholder!.focus();
      expect(document.activeElement).not.toBe(placeholder);
    });
  });

  describe('when signed out', () => {
    beforeEach(() => status.set('signed-out'));

    it('says "Not signed in" and offers Sign in', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain('Not signed in');
      expect(button(fixture, 'Sign in')).toBeDefined();
      expect(button(fixture, 'Sign out')).toBeUndefined();
    });

    it('signs in and comes back to the current page, query included', async () => {
      await TestBed.inject(Router).navigateByUrl('/messages?page=2');
      const fixture = await render();

      button(fixture, 'Sign in')?.click();

      expect(session.signIn).toHaveBeenCalledOnceWith('/messages?page=2');
    });

    it('comes back to the home page rather than to the sign-in callback', async () => {
      await TestBed.inject(Router).navigateByUrl('/login/callback?error=access_denied');
      const fixture = await render();

      button(fixture, 'Sign in')?.click();

      expect(session.signIn).toHaveBeenCalledOnceWith('/');
    });
  });

  describe('when signed in', () => {
    beforeEach(() => {
      status.set('signed-in');
      displayName.set('Ada Lovelace');
    });

    it('says who is signed in and offers Sign out', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain('Signed in as Ada Lovelace');
      expect(button(fixture, 'Sign out')).toBeDefined();
      expect(button(fixture, 'Sign in')).toBeUndefined();
    });

    it('signs out when Sign out is clicked', async () => {
      const fixture = await render();

      button(fixture, 'Sign out')?.click();

      expect(session.signOut).toHaveBeenCalledTimes(1);
    });
  });

  it('switches from checking to signed in without being re-created', async () => {
    const fixture = await render();

    status.set('signed-in');
    displayName.set('Ada Lovelace');
    await fixture.whenStable();

    expect(text(fixture)).toContain('Signed in as Ada Lovelace');
    expect(text(fixture)).not.toContain('Checking your session…');
  });

  describe('the Admin link', () => {
    beforeEach(() => status.set('signed-in'));

    it('is shown to a member of the configured admin group', async () => {
      groups.set(['Everyone', 'Platform Admins']);

      const fixture = await render();

      expect(link(fixture, 'Admin')?.getAttribute('href')).toBe('/admin');
    });

    it('is hidden from a user outside the configured admin group', async () => {
      groups.set(['Everyone', 'Admins']);

      const fixture = await render();

      expect(link(fixture, 'Admin')).toBeUndefined();
    });

    it('is hidden from a group whose name differs only in letter case', async () => {
      groups.set(['platform admins']);

      const fixture = await render();

      expect(link(fixture, 'Admin')).toBeUndefined();
    });

    it('appears when the groups arrive, without re-creating the header', async () => {
      const fixture = await render();

      groups.set(['Platform Admins']);
      await fixture.whenStable();

      expect(link(fixture, 'Admin')).toBeDefined();
    });
  });

  it('links to the home, profile and messages pages', async () => {
    const fixture = await render();

    const links = Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('nav a')).map(
      (link) => [link.textContent?.trim(), link.getAttribute('href')],
    );
    expect(links).toEqual([
      ['Okta + Angular', '/'],
      ['Home', '/'],
      ['Profile', '/profile'],
      ['Messages', '/messages'],
    ]);
  });
});
