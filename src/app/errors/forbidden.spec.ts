import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ADMIN_GROUP } from '../admin/admin-group';
import { AuthSession } from '../auth';
import { Forbidden } from './forbidden';

describe('Forbidden', () => {
  const displayName = signal<string | null>(null);

  beforeEach(() => {
    displayName.set(null);
    const session: Pick<AuthSession, 'displayName'> = { displayName };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'forbidden', component: Forbidden },
          { path: '', children: [] },
        ]),
        { provide: AuthSession, useValue: session },
        { provide: ADMIN_GROUP, useValue: 'Ops & Admins' },
      ],
    });
  });

  /** The 403 page as groupGuard sends the user there: with `?group=`, or without it. */
  async function render(group?: string): Promise<RouterTestingHarness['fixture']> {
    const harness = await RouterTestingHarness.create();
    const query = group === undefined ? '' : `?group=${encodeURIComponent(group)}`;
    await harness.navigateByUrl(`/forbidden${query}`, Forbidden);
    return harness.fixture;
  }

  const page = (fixture: { nativeElement: unknown }) => fixture.nativeElement as HTMLElement;
  const alertText = (element: HTMLElement) =>
    element.querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim();

  it('says the user has no access to the page', async () => {
    const fixture = await render('Ops & Admins');

    expect(page(fixture).querySelector('h1')?.textContent).toBe(
      "You don't have access to this page",
    );
  });

  it('names the required group in an alert when it is the configured one', async () => {
    const fixture = await render('Ops & Admins');

    expect(page(fixture).querySelector('[role="alert"] strong')?.textContent).toBe('Ops & Admins');
  });

  it('speaks of the "required" group when none is given', async () => {
    const fixture = await render();

    expect(alertText(page(fixture))).toContain('members of the required group');
  });

  it('names the signed-in user, who is not in the group', async () => {
    displayName.set('Ada Lovelace');

    const fixture = await render('Ops & Admins');

    expect(alertText(page(fixture))).toContain(
      'You are signed in as Ada Lovelace, who is not in it.',
    );
  });

  it('leaves the user sentence out when nobody is signed in', async () => {
    const fixture = await render('Ops & Admins');

    expect(alertText(page(fixture))).not.toContain('signed in as');
  });

  // Anyone can link to /forbidden?group=…: a name the configuration does not hold is not shown.
  describe('given a group name that is not a configured group', () => {
    const names: [string, string][] = [
      ['words of an attacker', 'Support. Call +1 555 0100 to be added'],
      ['markup', '<img src=x onerror="window.hacked=1">'],
      ['a name that differs only in case', 'ops & admins'],
    ];
    for (const [what, name] of names) {
      it(`shows none of it, only generic text (${what})`, async () => {
        const fixture = await render(name);

        expect(page(fixture).textContent).not.toContain(name);
        expect(page(fixture).querySelector('img, [role="alert"] strong')).toBeNull();
        expect(alertText(page(fixture))).toContain('members of the required group');
      });
    }
  });

  it('links to the home page', async () => {
    const fixture = await render('Ops & Admins');

    const link = page(fixture).querySelector<HTMLAnchorElement>('a');
    expect(link?.textContent).toBe('Go to the home page');
    expect(link?.getAttribute('href')).toBe('/');
  });

  it('names the configured group that the ?group= query parameter asks for', async () => {
    const harness = await RouterTestingHarness.create();

    await harness.navigateByUrl('/forbidden?group=Ops%20%26%20Admins', Forbidden);

    expect(page(harness.fixture).querySelector('[role="alert"] strong')?.textContent).toBe(
      'Ops & Admins',
    );
    expect(TestBed.inject(Router).url).toBe('/forbidden?group=Ops%20%26%20Admins');
  });

  it('follows a new ?group= while it stays on the page', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/forbidden?group=other', Forbidden);

    await harness.navigateByUrl('/forbidden?group=Ops%20%26%20Admins', Forbidden);

    expect(page(harness.fixture).querySelector('[role="alert"] strong')?.textContent).toBe(
      'Ops & Admins',
    );
  });

  it('shows no text from a ?group= query parameter that names no configured group', async () => {
    const harness = await RouterTestingHarness.create();

    await harness.navigateByUrl(
      `/forbidden?group=${encodeURIComponent('<script>alert(1)</script>Call +1 555 0100')}`,
      Forbidden,
    );

    const text = page(harness.fixture).textContent ?? '';
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('555 0100');
    expect(alertText(page(harness.fixture))).toContain('members of the required group');
  });
});
