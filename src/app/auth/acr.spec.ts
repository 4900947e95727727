import { acrSatisfies, authTimeFresh, OKTA_ACR, stepUpNeeded } from './acr';
import { TEST_NOW_SECONDS } from './testing/auth-fixtures';

const NOW = TEST_NOW_SECONDS;
const {
  oneFactor: ONE,
  password: PWD,
  twoFactors: TWO,
  twoFactorsIfPossible: TWO_IF_POSSIBLE,
  phishingResistant: PHR,
  phishingResistantHardware: PHRH,
} = OKTA_ACR;
const ALL = [ONE, PWD, TWO_IF_POSSIBLE, TWO, PHR, PHRH];

describe('acrSatisfies', () => {
  // Each row: a token's acr, and every Okta value it satisfies; it must satisfy no other.
  const table: [string, string[]][] = [
    [ONE, [ONE]],
    [PWD, [PWD, ONE]],
    [TWO_IF_POSSIBLE, [TWO_IF_POSSIBLE, ONE]],
    [TWO, [TWO, TWO_IF_POSSIBLE, ONE]],
    [PHR, [PHR, ONE]],
    [PHRH, [PHRH, PHR, ONE]],
  ];
  for (const [got, satisfied] of table) {
    it(`orders ${got} against every Okta value`, () => {
      for (const wanted of ALL) {
        expect(acrSatisfies(got, wanted))
          .withContext(`${got} for ${wanted}`)
          .toBe(satisfied.includes(wanted));
      }
    });
  }

  it('lets an unknown value satisfy itself only, and no known value satisfy it', () => {
    const custom = 'urn:example:loa:3';
    expect(acrSatisfies(custom, custom)).toBeTrue();
    for (const known of ALL) {
      expect(acrSatisfies(custom, known)).withContext(known).toBeFalse();
      expect(acrSatisfies(known, custom)).withContext(known).toBeFalse();
    }
    expect(acrSatisfies('urn:okta:loa:2fa:ANY', TWO)).toBeFalse();
  });

  it('takes any one value of a space-separated list', () => {
    expect(acrSatisfies(PHR, `${TWO} ${PHR}`)).toBeTrue();
    expect(acrSatisfies(TWO, `  ${PHRH}  ${TWO_IF_POSSIBLE} `)).toBeTrue();
    expect(acrSatisfies(ONE, `${TWO} ${PHR}`)).toBeFalse();
  });

  it('is never satisfied by a missing acr, nor is an empty requirement ever met', () => {
    expect(acrSatisfies(undefined, ONE)).toBeFalse();
    expect(acrSatisfies('', ONE)).toBeFalse();
    expect(acrSatisfies(TWO, '')).toBeFalse();
    expect(acrSatisfies(TWO, '   ')).toBeFalse();
  });
});

describe('authTimeFresh', () => {
  const cases: [string, number | undefined, number, boolean][] = [
    ['authenticated just now', NOW, 0, true],
    ['one second younger than the limit', NOW - 899, 900, true],
    ['exactly as old as the limit', NOW - 900, 900, true],
    ['one second older than the limit', NOW - 901, 900, false],
    ['max age 0, one second ago', NOW - 1, 0, false],
    ['no auth_time', undefined, 900, false],
    ['auth_time NaN', Number.NaN, 900, false],
    ['auth_time infinite', Number.POSITIVE_INFINITY, 900, false],
    ['auth_time in the future, without tolerance', NOW + 1, 900, false],
  ];
  for (const [label, authTime, maxAge, fresh] of cases) {
    it(`says ${fresh ? 'fresh' : 'stale'}: ${label}`, () => {
      expect(authTimeFresh(authTime, maxAge, NOW)).toBe(fresh);
    });
  }

  it('takes an auth_time ahead of the clock by at most the skew', () => {
    expect(authTimeFresh(NOW + 60, 900, NOW, 60)).toBeTrue();
    expect(authTimeFresh(NOW + 61, 900, NOW, 60)).toBeFalse();
  });

  it('never stretches the age by the skew', () => {
    expect(authTimeFresh(NOW - 901, 900, NOW, 300)).toBeFalse();
  });
});

describe('stepUpNeeded', () => {
  const requirement = { acr: TWO, maxAgeSeconds: 900 };

  it('asks for nothing when the acr and the auth_time both meet the requirement', () => {
    expect(stepUpNeeded({ acr: PHRH, auth_time: NOW - 10 }, { acr: PHR }, NOW)).toBeNull();
    expect(stepUpNeeded({ acr: TWO, auth_time: NOW - 900 }, requirement, NOW)).toBeNull();
  });

  it('asks for nothing when there is no requirement', () => {
    expect(stepUpNeeded({}, {}, NOW)).toBeNull();
  });

  it('asks for both the acr and the age when only the acr falls short', () => {
    expect(stepUpNeeded({ acr: PWD, auth_time: NOW }, requirement, NOW)).toEqual({
      acrValues: TWO,
      maxAge: 900,
    });
  });

  it('asks for both the acr and the age when only the age falls short', () => {
    expect(stepUpNeeded({ acr: TWO, auth_time: NOW - 901 }, requirement, NOW)).toEqual({
      acrValues: TWO,
      maxAge: 900,
    });
  });

  it('asks for what the requirement names, and only that', () => {
    expect(stepUpNeeded({ acr: ONE }, { acr: TWO }, NOW)).toEqual({ acrValues: TWO });
    expect(stepUpNeeded({ auth_time: NOW - 61 }, { maxAgeSeconds: 60 }, NOW)).toEqual({
      maxAge: 60,
    });
  });

  it('treats missing or mistyped claims as falling short', () => {
    const claimSets: Record<string, unknown>[] = [
      {},
      { auth_time: NOW },
      { acr: TWO },
      { acr: [TWO], auth_time: NOW },
      { acr: TWO, auth_time: String(NOW) },
      { acr: TWO, auth_time: null },
    ];
    for (const claims of claimSets) {
      expect(stepUpNeeded(claims, requirement, NOW))
        .withContext(JSON.stringify(claims))
        .toEqual({ acrValues: TWO, maxAge: 900 });
    }
  });

  it('passes the skew on to the auth_time check', () => {
    const claims = { acr: TWO, auth_time: NOW + 30 };
    expect(stepUpNeeded(claims, requirement, NOW)).not.toBeNull();
    expect(stepUpNeeded(claims, requirement, NOW, 60)).toBeNull();
  });

  it('normalises the spaces of an acr list it asks for', () => {
    expect(stepUpNeeded({}, { acr: ` ${PHR}   ${TWO} ` }, NOW)).toEqual({
      acrValues: `${PHR} ${TWO}`,
    });
  });

  it('throws on a requirement nothing could meet', () => {
    expect(() => stepUpNeeded({ acr: TWO }, { acr: '  ' }, NOW)).toThrowError(RangeError);
    for (const maxAgeSeconds of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => stepUpNeeded({ auth_time: NOW }, { maxAgeSeconds }, NOW))
        .withContext(String(maxAgeSeconds))
        .toThrowError(RangeError);
    }
  });
});
