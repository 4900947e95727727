import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { OKTA_AUTH } from '@okta/okta-angular';
import type { OktaAuth } from '@okta/okta-auth-js';
import { LoginCallback } from './login-callback';

type CallbackMethods = 'isLoginRedirect' | 'handleLoginRedirect' | 'signInWithRedirect';

/** The slice of OktaAuth that LoginCallback uses. */
interface FakeOktaAuth extends jasmine.SpyObj<Pick<OktaAuth, CallbackMethods>> {
  readonly transactionManager: jasmine.SpyObj<Pick<OktaAuth['transactionManager'], 'clear'>>;
}

describe('LoginCallback', () => {
  let oktaAuth: FakeOktaAuth;
  let originalUrl: string;

  beforeEach(() => {
    // The component reads and rewrites the real address bar; restore the runner's URL afterwards.
    originalUrl = window.location.href;
    oktaAuth = {
      ...jasmine.createSpyObj<Pick<OktaAuth, CallbackMethods>>('OktaAuth', [
        'isLoginRedirect',
        'handleLoginRedirect',
        'signInWithRedirect',
      ]),
      transactionManager: jasmine.createSpyObj<Pick<OktaAuth['transactionManager'], 'clear'>>(
        'TransactionManager',
        ['clear'],
      ),
    };
    oktaAuth.isLoginRedirect.and.returnValue(true);
    oktaAuth.handleLoginRedirect.and.resolveTo();
    oktaAuth.signInWithRedirect.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: OKTA_AUTH, useValue: oktaAuth }],
    });
  });

  afterEach(() => {
    window.history.replaceState(window.history.state, '', originalUrl);
  });

  /** Puts `search` in the address bar, as Okta's redirect to /login/callback would. */
  function arriveWith(search: string): void {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
  }

  async function render(): Promise<ComponentFixture<LoginCallback>> {
    const fixture = TestBed.createComponent(LoginCallback);
    await fixture.whenStable();
    return fixture;
  }

  const text = (fixture: ComponentFixture<LoginCallback>) =>
    (fixture.nativeElement as HTMLElement).textContent ?? '';
  const alert = (fixture: ComponentFixture<LoginCallback>) =>
    (fixture.nativeElement as HTMLElement).querySelector<HTMLElement>('[role="alert"]');
  const button = (fixture: ComponentFixture<LoginCallback>, name: string) =>
    Array.from((fixture.nativeElement as HTMLElement).querySelectorAll('button')).find(
      (element) => element.textContent?.trim() === name,
    );

  describe('while the code exchange is in progress', () => {
    beforeEach(() => {
      arriveWith('?code=abc&state=xyz');
      oktaAuth.handleLoginRedirect.and.returnValue(new Promise<void>(() => undefined));
    });

    it('shows that the user is being signed in', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain('Signing you in…');
      expect(
        (fixture.nativeElement as HTMLElement).querySelector('[role="status"]')?.textContent,
      ).toContain('Finishing sign-in with Okta.');
    });

    it('shows no error and no Try again button', async () => {
      const fixture = await render();

      expect(alert(fixture)).toBeNull();
      expect(button(fixture, 'Try again')).toBeUndefined();
    });

    it('hands the redirect to okta-auth-js', async () => {
      await render();

      expect(oktaAuth.handleLoginRedirect).toHaveBeenCalledTimes(1);
    });
  });

  describe('when the code exchange fails', () => {
    beforeEach(() => {
      arriveWith('?code=abc&state=xyz');
      oktaAuth.handleLoginRedirect.and.rejectWith(
        new Error('The token endpoint could not be reached.'),
      );
    });

    it('shows the error in an alert', async () => {
      const fixture = await render();

      expect(text(fixture)).toContain('Sign-in did not complete');
      expect(alert(fixture)?.textContent).toBe('The token endpoint could not be reached.');
      expect(text(fixture)).not.toContain('Signing you in…');
    });

    it('offers Try again, which starts a fresh sign-in', async () => {
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
    });

    it('removes the single-use code and state from the address bar', async () => {
      await render();

      expect(window.location.search).toBe('');
    });

    it('clears the failed transaction', async () => {
      await render();

      expect(oktaAuth.transactionManager.clear).toHaveBeenCalled();
    });

    it('explains a lost PKCE verifier as a sign-in from another tab', async () => {
      oktaAuth.handleLoginRedirect.and.rejectWith(
        new Error('Could not load PKCE codeVerifier from storage.'),
      );

      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        'This sign-in was started in another tab or has expired. Please try again.',
      );
    });
  });

  describe('when Okta sends back an error', () => {
    beforeEach(() => {
      arriveWith(
        '?error=access_denied&error_description=User%20is%20not%20assigned%20to%20the%20client%20application.&state=xyz',
      );
    });

    it('shows the error description in an alert', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe('User is not assigned to the client application.');
    });

    it('does not try to exchange a code', async () => {
      await render();

      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });

    it('removes the error and state from the address bar, keeping the path', async () => {
      const path = window.location.pathname;

      await render();

      expect(window.location.search).toBe('');
      expect(window.location.pathname).toBe(path);
    });

    it('clears the transaction', async () => {
      await render();

      expect(oktaAuth.transactionManager.clear).toHaveBeenCalled();
    });

    it('offers Try again', async () => {
      const fixture = await render();

      button(fixture, 'Try again')?.click();

      expect(oktaAuth.signInWithRedirect).toHaveBeenCalledOnceWith({ originalUri: '/' });
    });
  });

  it('describes a known error code when Okta sends no description', async () => {
    arriveWith('?error=login_required&state=xyz');

    const fixture = await render();

    expect(alert(fixture)?.textContent).toBe('Okta needs you to sign in again.');
  });

  it('shows markup in an error description as text, creating no element from it', async () => {
    const payload = '<img src=x onerror="window.hacked=1"><a href="https://evil.example">Help</a>';
    arriveWith(`?error=server_error&error_description=${encodeURIComponent(payload)}`);

    const fixture = await render();

    expect(alert(fixture)?.textContent).toBe(payload);
    expect(alert(fixture)?.querySelector('img, a')).toBeNull();
  });

  describe('when the page is not a sign-in redirect', () => {
    beforeEach(() => {
      arriveWith('');
      oktaAuth.isLoginRedirect.and.returnValue(false);
    });

    it('explains that there is nothing to finish', async () => {
      const fixture = await render();

      expect(alert(fixture)?.textContent).toBe(
        'There is no sign-in to finish here. Start again from the Sign in button.',
      );
    });

    it('does not try to exchange a code', async () => {
      await render();

      expect(oktaAuth.handleLoginRedirect).not.toHaveBeenCalled();
    });
  });
});
