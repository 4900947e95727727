import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { AuthSession } from '../auth';
import { Admin } from './admin';
import { ADMIN_GROUP } from './admin-group';

describe('Admin', () => {
  const groups = signal<readonly string[]>([]);

  beforeEach(() => {
    groups.set([]);
    const session: Pick<AuthSession, 'groups'> = { groups };
    TestBed.configureTestingModule({
      providers: [
        { provide: AuthSession, useValue: session },
        { provide: ADMIN_GROUP, useValue: 'App Admins' },
      ],
    });
  });

  async function render(): Promise<ComponentFixture<Admin>> {
    const fixture = TestBed.createComponent(Admin);
    await fixture.whenStable();
    return fixture;
  }

  const page = (fixture: ComponentFixture<Admin>) => fixture.nativeElement as HTMLElement;
  const listed = (fixture: ComponentFixture<Admin>) =>
    Array.from(page(fixture).querySelectorAll('li')).map((item) => item.textContent?.trim());

  it('names the admin group from the configuration', async () => {
    const fixture = await render();

    expect(page(fixture).querySelector('p strong')?.textContent).toBe('App Admins');
  });

  it("lists the user's groups, in token order", async () => {
    groups.set(['Everyone', 'App Admins', 'Support']);

    const fixture = await render();

    expect(listed(fixture)).toEqual(['Everyone', 'App Admins', 'Support']);
  });

  it('lists no groups when the token carries none', async () => {
    const fixture = await render();

    expect(listed(fixture)).toEqual([]);
  });

  it('follows a change of groups (e.g. after a token renewal)', async () => {
    groups.set(['Everyone', 'App Admins']);
    const fixture = await render();

    groups.set(['App Admins']);
    await fixture.whenStable();

    expect(listed(fixture)).toEqual(['App Admins']);
  });

  it('shows group names with markup as text', async () => {
    groups.set(['<img src=x onerror="window.hacked=1">']);

    const fixture = await render();

    expect(page(fixture).querySelector('img')).toBeNull();
    expect(listed(fixture)).toEqual(['<img src=x onerror="window.hacked=1">']);
  });
});
