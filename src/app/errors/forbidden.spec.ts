import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AuthSession } from '../auth';
import { Forbidden } from './forbidden';

describe('Forbidden', () => {
  const displayName = signal<string | null>(null);

  beforeEach(() => {
    displayName.set(null);
    const session: Pick<AuthSession, 'displayName'> = { displayName };
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [
            { path: 'forbidden', component: Forbidden },
            { path: '', children: [] },
          ],
          withComponentInputBinding(),
        ),
        { provide: AuthSession, useValue: session },
      ],
    });
  });

  async function render(group?: string): Promise<ComponentFixture<Forbidden>> {
    const fixture = TestBed.createComponent(Forbidden);
    if (group !== undefined) fixture.componentRef.setInput('group', group);
    await fixture.whenStable();
    return fixture;
  }

  const page = (fixture: { nativeElement: unknown }) => fixture.nativeElement as HTMLElement;
  const alertText = (element: HTMLElement) =>
    element.querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim();

  it('says the user has no access to the page', async () => {
    const fixture = await render('Admins');

    expect(page(fixture).querySelector('h1')?.textContent).toBe(
      "You don't have access to this page",
    );
  });

  it('names the required group in an alert', async () => {
    const fixture = await render('Admins');

    expect(page(fixture).querySelector('[role="alert"] strong')?.textContent).toBe('Admins');
  });

  it('speaks of the "required" group when none is given', async () => {
    const fixture = await render();

    expect(alertText(page(fixture))).toContain('members of the required group');
  });

  it('names the signed-in user, who is not in the group', async () => {
    displayName.set('Ada Lovelace');

    const fixture = await render('Admins');

    expect(alertText(page(fixture))).toContain(
      'You are signed in as Ada Lovelace, who is not in it.',
    );
  });

  it('leaves the user sentence out when nobody is signed in', async () => {
    const fixture = await render('Admins');

    expect(alertText(page(fixture))).not.toContain('signed in as');
  });

  it('shows a group name with markup as text', async () => {
    const fixture = await render('<img src=x onerror="window.hacked=1">');

    expect(page(fixture).querySelector('img')).toBeNull();
    expect(page(fixture).querySelector('[role="alert"] strong')?.textContent).toBe(
      '<img src=x onerror="window.hacked=1">',
    );
  });

  it('links to the home page', async () => {
    const fixture = await render('Admins');

    const link = page(fixture).querySelector<HTMLAnchorElement>('a');
    expect(link?.textContent).toBe('Go to the home page');
    expect(link?.getAttribute('href')).toBe('/');
  });

  it('takes the group from the ?group= query parameter', async () => {
    const harness = await RouterTestingHarness.create();

    await harness.navigateByUrl('/forbidden?group=Ops%20%26%20Admins', Forbidden);

    expect(page(harness.fixture).querySelector('[role="alert"] strong')?.textContent).toBe(
      'Ops & Admins',
    );
    expect(TestBed.inject(Router).url).toBe('/forbidden?group=Ops%20%26%20Admins');
  });
});
