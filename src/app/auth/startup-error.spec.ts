import { showStartupError } from './startup-error';

describe('showStartupError', () => {
  let savedBody: Node[];

  beforeEach(() => {
    // showStartupError replaces the whole body; put the test runner's page back afterwards.
    savedBody = Array.from(document.body.childNodes);
    spyOn(console, 'error');
  });

  afterEach(() => {
    document.body.replaceChildren(...savedBody);
  });

  const alertText = () => document.body.querySelector('[role="alert"]')?.textContent;

  it('replaces the page with a heading and the error message in an alert', () => {
    showStartupError(new Error('issuer is missing: set it to e.g. https://dev-123456.okta.com.'));

    expect(document.body.querySelector('h1')?.textContent).toBe('The app could not start');
    expect(alertText()).toBe('issuer is missing: set it to e.g. https://dev-123456.okta.com.');
    expect(document.body.textContent).toContain('Check the app configuration');
  });

  it('removes whatever the page showed before', () => {
    const spinner = document.createElement('app-root');
    spinner.textContent = 'Loading…';
    document.body.append(spinner);

    showStartupError(new Error('boom'));

    expect(document.body.contains(spinner)).toBeFalse();
  });

  it('shows a thrown value that is not an Error as text', () => {
    showStartupError('config.json answered 500');

    expect(alertText()).toBe('config.json answered 500');
  });

  it('shows markup in the message as text, creating no elements from it', () => {
    const payload = '<img src="x" onerror="window.hacked = true"><b>bold</b>';

    showStartupError(new Error(payload));

    expect(alertText()).toBe(payload);
    expect(document.body.querySelector('img, b')).toBeNull();
  });

  it('keeps the first explanation when another failure follows it, and logs both', () => {
    const cause = new Error('The sign-in code could not load.');
    const consequence = new Error('NG0205: Injector has already been destroyed.');

    showStartupError(cause);
    showStartupError(consequence);

    expect(alertText()).toBe('The sign-in code could not load.');
    expect(document.body.querySelectorAll('.startup-error').length).toBe(1);
    expect(console.error).toHaveBeenCalledWith(cause);
    expect(console.error).toHaveBeenCalledWith(consequence);
  });

  it('logs the original error for developers', () => {
    const error = new Error('boom');

    showStartupError(error);

    expect(console.error).toHaveBeenCalledWith(error);
  });
});
