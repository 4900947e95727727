import { toSafeReturnPath } from './return-path';

describe('toSafeReturnPath', () => {
  const origin = 'http://localhost:4200';

  it('keeps a same-origin path with its query and fragment', () => {
    expect(toSafeReturnPath('/profile?tab=claims#top', origin)).toBe('/profile?tab=claims#top');
  });

  it('turns an absolute URL on our own origin into its path', () => {
    expect(toSafeReturnPath('http://localhost:4200/messages?x=1', origin)).toBe('/messages?x=1');
  });

  it('resolves harmless dot segments inside the app', () => {
    expect(toSafeReturnPath('/messages/../profile', origin)).toBe('/profile');
  });

  it('keeps an encoded slash encoded, as one path segment on our origin', () => {
    expect(toSafeReturnPath('/%2F%2Fevil.example', origin)).toBe('/%2F%2Fevil.example');
  });

  it('keeps an encoded backslash encoded, as one path segment on our origin', () => {
    expect(toSafeReturnPath('/%5C%5Cevil.example', origin)).toBe('/%5C%5Cevil.example');
  });

  const hostile: [string, string | undefined][] = [
    ['protocol-relative URL', '//evil.example/profile'],
    ['backslash trick', '/\\evil.example'],
    ['absolute URL on another origin', 'https://evil.example/profile'],
    ['lookalike origin', 'http://localhost:4200.evil.example/'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['control characters', '/\tprofile'],
    ['nothing stored', undefined],
    // The URL parser resolves these into `//evil…`, which a browser reads as another host.
    ['parent segment before a double slash', '/..//evil.example'],
    ['current segment before a backslash', '/./\\evil'],
    ['percent-encoded parent segment before a double slash', '/%2e%2e//evil.example'],
    ['mixed-case encoded parent segment', '/.%2E//evil.example'],
    ['parent segments that climb above the root', '/a/../..//evil'],
    ['parent segment after our own origin', 'http://localhost:4200/..//evil.example'],
    // The URL parser drops tabs and newlines, which would join `/` and `/evil` into `//evil`.
    ['tab between two slashes', '/\t/evil'],
    ['newline between two slashes', '/\n/evil.example'],
    ['carriage return between two slashes', '/\r/evil.example'],
    ['DEL character', '/\u007f/evil.example'],
    ['scheme-relative URL with our scheme', 'http:evil.example'],
    ['scheme-relative URL with another scheme', 'https:evil.example'],
    ['scheme and backslashes', 'http:\\\\evil.example'],
    ['relative path without a leading slash', 'evil.example/profile'],
    ['empty string', ''],
  ];
  for (const [name, value] of hostile) {
    it(`sends a ${name} to the home page`, () => {
      expect(toSafeReturnPath(value, origin)).toBe('/');
    });
  }

  describe('whatever it is given', () => {
    const inputs = [
      '/profile',
      '/..//evil.example',
      '/%2e%2e//evil.example',
      '/%2F%2Fevil.example',
      '/a/../..//evil',
      '/\t/evil',
      'https:evil',
      '/#//evil.example',
      '/?next=//evil.example',
      'http://localhost:4200/..//evil.example',
    ];
    for (const input of inputs) {
      it(`returns a path that stays on our origin (${JSON.stringify(input)})`, () => {
        const path = toSafeReturnPath(input, origin);

        expect(path).toMatch(/^\/(?![/\\])/);
        expect(new URL(path, origin).origin).toBe(origin);
      });

      it(`returns a path that it leaves unchanged when given again (${JSON.stringify(input)})`, () => {
        const path = toSafeReturnPath(input, origin);

        expect(toSafeReturnPath(path, origin)).toBe(path);
      });
    }
  });
});
