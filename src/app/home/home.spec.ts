import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthSession } from '../auth';
import { Home } from './home';

type Status = ReturnType<AuthSession['status']>;

describe('Home', () => {
  const status = signal<Status>('pending');
  const displayName = signal<string | null>(null);
  let session: jasmine.SpyObj<Pick<AuthSession, 'signIn'>> &
    Pick<AuthSession, 'status' | 'displayName'>;

  beforeEach(() => {
    status.set('pending');
    displayName.set(null);
    session = {
      ...jasmine.createSpyObj<Pick<AuthSession, 'signIn'>>('AuthSession', ['signIn']),
      status,
      displayName,
    };
    session.signIn.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: AuthSession, useValue: session }],
    });
  });

  async function render(): Promise<ComponentFixture<Home>> {
    const fixture = TestBed.createComponent(Home);
    await fixture.whenStable();
    return fixture;
  }

  const text = (fixture: ComponentFixture<Home>) =>
    ((fixture.nativeElement as HTMLElement).textContent ?? '').replace(/\s+/g, ' ');
  const button = (fixture: ComponentFixture<Home>, name: string) =>
    Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find(
      (element) => element.textContent?.trim() === name,
    );

  it('offers a signed-out visitor to sign in, landing on their profile', async () => {
    status.set('signed-out');
    const fixture = await render();

    button(fixture, 'Sign in with Okta')?.click();

    expect(session.signIn).toHaveBeenCalledOnceWith('/profile');
  });

  it('welcomes a signed-in user by name, without a Sign in button', async () => {
    status.set('signed-in');
    displayName.set('Ada Lovelace');

    const fixture = await render();

    expect(text(fixture)).toContain('Welcome back, Ada Lovelace.');
    expect(button(fixture, 'Sign in with Okta')).toBeUndefined();
  });

  it('shows neither while the session is being checked', async () => {
    const fixture = await render();

    expect(button(fixture, 'Sign in with Okta')).toBeUndefined();
    expect(text(fixture)).not.toContain('Welcome back');
  });
});
