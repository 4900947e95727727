import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { UserClaims } from '@okta/okta-auth-js';
import { AuthSession } from '../auth';
import { Profile } from './profile';

describe('Profile', () => {
  const claims = signal<UserClaims | null>(null);
  let fetchUserInfo: jasmine.Spy<AuthSession['fetchUserInfo']>;

  beforeEach(() => {
    claims.set(null);
    fetchUserInfo = jasmine.createSpy<AuthSession['fetchUserInfo']>('fetchUserInfo');
    const session: Pick<AuthSession, 'claims' | 'fetchUserInfo'> = { claims, fetchUserInfo };
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: AuthSession, useValue: session }],
    });
  });

  async function render(): Promise<ComponentFixture<Profile>> {
    const fixture = TestBed.createComponent(Profile);
    await fixture.whenStable();
    return fixture;
  }

  const page = (fixture: ComponentFixture<Profile>) => fixture.nativeElement as HTMLElement;
  /** Each body row of the claims table as [claim, value] text. */
  const rows = (fixture: ComponentFixture<Profile>) =>
    Array.from(page(fixture).querySelectorAll('tbody tr')).map((row) => [
      row.querySelector('th')?.textContent?.trim(),
      row.querySelector('td')?.textContent?.trim(),
    ]);

  it("shows the user's name and email", async () => {
    claims.set({ sub: '00u1abcd', name: 'Ada Lovelace', email: 'ada@example.com' });

    const fixture = await render();

    // The line above the claims table, which repeats every claim including the email.
    const who = page(fixture).querySelector('strong');
    expect(who?.textContent).toBe('Ada Lovelace');
    expect(who?.parentElement?.textContent).toContain('ada@example.com');
  });

  it('leaves the email out when the token has none', async () => {
    claims.set({ sub: '00u1abcd', name: 'Ada Lovelace' });

    const fixture = await render();

    expect(page(fixture).textContent).not.toContain('·');
  });

  it('shows one table row per claim, in token order, with formatted values', async () => {
    claims.set({
      sub: '00u1abcd',
      name: 'Ada Lovelace',
      iat: 1700000000,
      amr: ['pwd', 'mfa'],
      email_verified: true,
    });

    const fixture = await render();

    expect(rows(fixture)).toEqual([
      ['sub', '00u1abcd'],
      ['name', 'Ada Lovelace'],
      ['iat', '2023-11-14T22:13:20.000Z (1700000000)'],
      ['amr', 'pwd, mfa'],
      ['email_verified', 'true'],
    ]);
  });

  it('labels the table for assistive technology', async () => {
    claims.set({ sub: '00u1abcd' });

    const fixture = await render();

    expect(page(fixture).querySelector('table caption')?.textContent?.trim()).toBe(
      'Claims in your ID token',
    );
  });

  it('shows claim values with markup as text', async () => {
    claims.set({ sub: '00u1abcd', name: '<img src=x onerror="window.hacked=1">' });

    const fixture = await render();

    expect(page(fixture).querySelector('img')).toBeNull();
    expect(rows(fixture)).toContain(['name', '<img src=x onerror="window.hacked=1">']);
  });

  it('updates when the claims change (e.g. after a token renewal)', async () => {
    claims.set({ sub: '00u1abcd', name: 'Ada Lovelace' });
    const fixture = await render();

    claims.set({ sub: '00u1abcd', name: 'Ada King' });
    await fixture.whenStable();

    expect(page(fixture).querySelector('strong')?.textContent).toBe('Ada King');
  });

  it('shows no claims table while nobody is signed in', async () => {
    const fixture = await render();

    expect(page(fixture).querySelector('table')).toBeNull();
    expect(page(fixture).textContent).toContain('Profile');
  });
  describe('the "Load userinfo" button', () => {
    const loadButton = (fixture: ComponentFixture<Profile>) =>
      Array.from(page(fixture).querySelectorAll('button')).find(
        (button) => button.textContent?.trim() === 'Load userinfo',
      );

    async function clickLoad(fixture: ComponentFixture<Profile>): Promise<void> {
      loadButton(fixture)?.click();
      await fixture.whenStable();
    }

    beforeEach(() => claims.set({ sub: '00u1abcd', name: 'Ada Lovelace' }));

    it('fetches the userinfo when clicked, not before', async () => {
      fetchUserInfo.and.resolveTo({ sub: '00u1abcd' });
      const fixture = await render();
      expect(fetchUserInfo).not.toHaveBeenCalled();

      await clickLoad(fixture);

      expect(fetchUserInfo).toHaveBeenCalledTimes(1);
    });

    it('shows the userinfo as indented JSON', async () => {
      const info: UserClaims = { sub: '00u1abcd', name: 'Ada Lovelace', locale: 'en-GB' };
      fetchUserInfo.and.resolveTo(info);
      const fixture = await render();

      await clickLoad(fixture);

      expect(page(fixture).querySelector('pre.userinfo')?.textContent).toBe(
        JSON.stringify(info, null, 2),
      );
      expect(page(fixture).querySelector('[role="alert"]')).toBeNull();
    });

    it('shows the userinfo inside a polite live region', async () => {
      fetchUserInfo.and.resolveTo({ sub: '00u1abcd' });
      const fixture = await render();

      await clickLoad(fixture);

      expect(
        page(fixture).querySelector('pre.userinfo')?.closest('[aria-live="polite"]'),
      ).not.toBeNull();
    });

    it('shows the error message in an alert when loading fails', async () => {
      fetchUserInfo.and.rejectWith(new Error('The access token is invalid.'));
      const fixture = await render();

      await clickLoad(fixture);

      expect(page(fixture).querySelector('[role="alert"]')?.textContent?.trim()).toBe(
        'The access token is invalid.',
      );
      expect(page(fixture).querySelector('pre.userinfo')).toBeNull();
    });

    it('replaces earlier userinfo with the error when a later load fails', async () => {
      fetchUserInfo.and.resolveTo({ sub: '00u1abcd' });
      const fixture = await render();
      await clickLoad(fixture);

      fetchUserInfo.and.rejectWith(new Error('Failed to fetch'));
      await clickLoad(fixture);

      expect(page(fixture).querySelector('pre.userinfo')).toBeNull();
      expect(page(fixture).querySelector('[role="alert"]')?.textContent?.trim()).toBe(
        'Failed to fetch',
      );
    });

    it('clears an earlier error when a later load succeeds', async () => {
      fetchUserInfo.and.rejectWith(new Error('Failed to fetch'));
      const fixture = await render();
      await clickLoad(fixture);

      fetchUserInfo.and.resolveTo({ sub: '00u1abcd' });
      await clickLoad(fixture);

      expect(page(fixture).querySelector('[role="alert"]')).toBeNull();
      expect(page(fixture).querySelector('pre.userinfo')?.textContent).toContain('00u1abcd');
    });

    it('shows userinfo values with markup as text', async () => {
      fetchUserInfo.and.resolveTo({
        sub: '00u1abcd',
        name: '<img src=x onerror="window.hacked=1">',
      });
      const fixture = await render();

      await clickLoad(fixture);

      expect(page(fixture).querySelector('img')).toBeNull();
      expect(page(fixture).querySelector('pre.userinfo')?.textContent).toContain('<img src=x');
    });

    it('is not offered while nobody is signed in', async () => {
      claims.set(null);

      const fixture = await render();

      expect(loadButton(fixture)).toBeUndefined();
    });
  });

  it('links to the diagnostics page', async () => {
    claims.set({ sub: '00u1abcd', name: 'Ada Lovelace' });
    const fixture = await render();

    const link = (fixture.nativeElement as HTMLElement).querySelector('a[href="/diagnostics"]');
    expect(link?.textContent).toContain('Check this session');
  });
});
