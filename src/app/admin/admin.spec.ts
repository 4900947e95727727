import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  TestRequest,
} from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { UserClaims } from '@okta/okta-auth-js/core';
import { AuthSession } from '../auth';
import { API_URL } from '../messages/api-url';
import { Admin } from './admin';
import { ADMIN_GROUP } from './admin-group';

describe('Admin', () => {
  const groups = signal<readonly string[]>([]);
  const claims = signal<UserClaims | null>(null);

  beforeEach(() => {
    groups.set([]);
    claims.set(null);
    const session: Pick<AuthSession, 'groups' | 'claims'> = { groups, claims };
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthSession, useValue: session },
        { provide: ADMIN_GROUP, useValue: 'App Admins' },
        { provide: API_URL, useValue: 'http://localhost:8000' },
      ],
    });
  });

  /** Renders the page; `answer` answers its audit log request (an empty log by default). */
  async function render(
    answer: (request: TestRequest) => void = (request) => request.flush({ events: [] }),
  ): Promise<ComponentFixture<Admin>> {
    const fixture = TestBed.createComponent(Admin);
    fixture.detectChanges();
    answer(
      TestBed.inject(HttpTestingController).expectOne('http://localhost:8000/api/admin/audit'),
    );
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

  it('says the sign-in used a one-time code, and when it happened', async () => {
    claims.set({ sub: '00u1', amr: ['pwd', 'otp', 'mfa'], auth_time: 1_700_000_000 });

    const fixture = await render();
    const strength = page(fixture).querySelector('[data-testid="sign-in-strength"]');

    expect(strength?.textContent).toContain('With your password and a one-time code');
    expect(strength?.querySelector('time')?.getAttribute('datetime')).toBe(
      '2023-11-14T22:13:20.000Z',
    );
  });

  it('says a password-only sign-in used one factor', async () => {
    claims.set({ sub: '00u1', amr: ['pwd'] });

    const fixture = await render();

    expect(page(fixture).textContent).toContain('With one factor');
  });

  it("lists the audit log's events from the API", async () => {
    const fixture = await render((request) =>
      request.flush({
        events: [{ id: '1', text: 'ada opened the audit log.', date: '2026-11-29' }],
      }),
    );

    expect(page(fixture).querySelector('tbody td:last-child')?.textContent).toBe(
      'ada opened the audit log.',
    );
  });

  it('explains a refusal by the API', async () => {
    const fixture = await render((request) =>
      request.error(new ProgressEvent('error'), { status: 401 }),
    );

    expect(page(fixture).querySelector('[role="alert"]')?.textContent).toBe(
      'The API did not accept your sign-in for the audit log.',
    );
  });
});
