/**
 * Renders a configuration or bootstrap failure into the page, so that a bad deployment shows a
 * sentence instead of a blank screen. Plain DOM with textContent: Angular did not start.
 */
export function showStartupError(error: unknown): void {
  console.error(error);
  // The first failure is the cause; one that follows it is its consequence (e.g. Angular's
  // "injector has already been destroyed" from a bootstrap still under way when the first stopped
  // the app) and would only hide it.
  if (document.querySelector('.startup-error')) return;
  const message = error instanceof Error ? error.message : String(error);
  const main = document.createElement('main');
  main.className = 'startup-error';
  const heading = document.createElement('h1');
  heading.textContent = 'The app could not start';
  const text = document.createElement('p');
  text.setAttribute('role', 'alert');
  text.textContent = message;
  const hint = document.createElement('p');
  hint.textContent =
    'Check the app configuration (config.json, or .env for npm start), then reload.';
  main.append(heading, text, hint);
  document.body.replaceChildren(main);
}
