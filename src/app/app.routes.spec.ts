import { routes } from './app.routes';
import { authGuard, LoginCallback } from './auth';

describe('routes', () => {
  const route = (path: string) => routes.find((candidate) => candidate.path === path);

  it('serves the sign-in callback without a guard, so the tokens can arrive', () => {
    const callback = route('login/callback');

    expect(callback?.component).toBe(LoginCallback);
    expect(callback?.canActivate ?? []).toEqual([]);
    expect(callback?.canMatch ?? []).toEqual([]);
  });

  for (const path of ['profile', 'messages']) {
    it(`keeps anonymous visitors off /${path}`, () => {
      expect(route(path)?.canActivate).toEqual([authGuard]);
    });
  }

  it('leaves the home page open to everyone', () => {
    expect(route('')?.canActivate ?? []).toEqual([]);
  });

  it('sends unknown addresses to the not-found page last', () => {
    expect(routes.at(-1)?.path).toBe('**');
  });
});
