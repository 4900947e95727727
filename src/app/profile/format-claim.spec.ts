import { formatClaim } from './format-claim';

describe('formatClaim', () => {
  const cases: [string, string, unknown, string][] = [
    ['iat as a UTC date', 'iat', 1700000000, '2023-11-14T22:13:20.000Z (1700000000)'],
    ['exp as a UTC date', 'exp', 1700003600, '2023-11-14T23:13:20.000Z (1700003600)'],
    ['auth_time as a UTC date', 'auth_time', 0, '1970-01-01T00:00:00.000Z (0)'],
    ['nbf as a UTC date', 'nbf', 1700000000, '2023-11-14T22:13:20.000Z (1700000000)'],
    ['updated_at as a UTC date', 'updated_at', 1700000000, '2023-11-14T22:13:20.000Z (1700000000)'],
    ['a number in another claim as a plain number', 'ver', 1700000000, '1700000000'],
    ['a time claim that is a string as it is', 'iat', '1700000000', '1700000000'],
    ['a string as it is', 'sub', '00u1abcd', '00u1abcd'],
    ['a boolean as true or false', 'email_verified', true, 'true'],
    ['a list comma-separated', 'amr', ['pwd', 'mfa', 'otp'], 'pwd, mfa, otp'],
    ['an empty list as nothing', 'groups', [], ''],
    ['numbers in a time claim list as numbers', 'iat', [1700000000], '1700000000'],
    [
      'an object as JSON',
      'address',
      { locality: 'Paris', country: 'FR' },
      '{"locality":"Paris","country":"FR"}',
    ],
    ['objects in a list as JSON', 'roles', [{ id: 1 }, { id: 2 }], '{"id":1}, {"id":2}'],
    ['null as null', 'locale', null, 'null'],
    ['markup as the same text', 'name', '<b>Ada</b>', '<b>Ada</b>'],
  ];

  for (const [what, name, value, expected] of cases) {
    it(`shows ${what}`, () => {
      expect(formatClaim(name, value)).toBe(expected);
    });
  }

  // `new Date(value * 1000).toISOString()` throws a RangeError outside the Date range (about
  // ±8.64e12 seconds); thrown while rendering, it would take the whole Profile page down.
  for (const value of [1e20, -1e20]) {
    it(`shows an out-of-range time (${value}) as its number instead of throwing`, () => {
      let text = '';
      expect(() => (text = formatClaim('exp', value))).not.toThrow();
      expect(text).toContain(String(value));
    });
  }
});
