import { toSafeReturnPath } from './return-path';

describe('toSafeReturnPath', () => {
  const origin = 'http://localhost:4200';

  it('keeps a same-origin path with its query and fragment', () => {
    expect(toSafeReturnPath('/profile?tab=claims#top', origin)).toBe('/profile?tab=claims#top');
  });

  it('turns an absolute URL on our own origin into its path', () => {
    expect(toSafeReturnPath('http://localhost:4200/messages?x=1', origin)).toBe('/messages?x=1');
  });

  const hostile: [string, string | undefined][] = [
    ['protocol-relative URL', '//evil.example/profile'],
    ['backslash trick', '/\\evil.example'],
    ['absolute URL on another origin', 'https://evil.example/profile'],
    ['lookalike origin', 'http://localhost:4200.evil.example/'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['control characters', '/\tprofile'],
    ['nothing stored', undefined],
  ];
  for (const [name, value] of hostile) {
    it(`sends a ${name} to the home page`, () => {
      expect(toSafeReturnPath(value, origin)).toBe('/');
    });
  }
});
