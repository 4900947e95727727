import { parseStepUpChallenge } from './step-up-challenge';

const TWO_FACTORS = 'urn:okta:loa:2fa:any';

describe('parseStepUpChallenge', () => {
  it('reads the acr_values and max_age of a Bearer challenge', () => {
    expect(
      parseStepUpChallenge(
        `Bearer error="insufficient_user_authentication", error_description="A stronger sign-in is needed", acr_values="${TWO_FACTORS}", max_age=900`,
      ),
    ).toEqual({ acrValues: TWO_FACTORS, maxAge: 900 });
  });

  it('reads the challenge the sample API sends with a DPoP-bound token, algs and all', () => {
    expect(
      parseStepUpChallenge(
        `DPoP algs="RS256 ES256", error="insufficient_user_authentication", error_description="x", acr_values="${TWO_FACTORS}", max_age=900, Bearer realm="api"`,
      ),
    ).toEqual({ acrValues: TWO_FACTORS, maxAge: 900 });
  });

  it('finds the step-up challenge after another challenge in the same header', () => {
    expect(
      parseStepUpChallenge(
        `DPoP algs="ES256", error="use_dpop_nonce", Bearer error="insufficient_user_authentication", acr_values="${TWO_FACTORS}", max_age=5`,
      ),
    ).toEqual({ acrValues: TWO_FACTORS, maxAge: 5 });
  });

  it('takes the first of two step-up challenges', () => {
    expect(
      parseStepUpChallenge(
        'DPoP error="insufficient_user_authentication", max_age=60, Bearer error="insufficient_user_authentication", max_age=5',
      ),
    ).toEqual({ maxAge: 60 });
  });

  it('reads schemes and parameter names in any letter case, values as sent', () => {
    expect(
      parseStepUpChallenge(
        'bEARER ERROR="insufficient_user_authentication", Acr_Values="phr", MAX_AGE=10',
      ),
    ).toEqual({ acrValues: 'phr', maxAge: 10 });
    expect(parseStepUpChallenge('Bearer error="INSUFFICIENT_USER_AUTHENTICATION"')).toBeNull();
    expect(
      parseStepUpChallenge('Bearer error="insufficient_user_authentication", acr_values="PHR"'),
    ).toEqual({ acrValues: 'PHR' });
  });

  it('reads quoted and bare values alike, with escapes, commas and spaces inside quotes', () => {
    expect(
      parseStepUpChallenge(
        'Bearer error=insufficient_user_authentication, error_description="say \\"hi\\", then, go", acr_values="phrh  phr", max_age="300"',
      ),
    ).toEqual({ acrValues: 'phrh phr', maxAge: 300 });
    expect(
      parseStepUpChallenge('Bearer error="insufficient_\\user_authentication", max_age=1'),
    ).toEqual({ maxAge: 1 });
  });

  it('takes optional whitespace around "=" and empty list elements', () => {
    expect(
      parseStepUpChallenge(
        ' , Bearer  error = "insufficient_user_authentication" ,, max_age=\t0 , ',
      ),
    ).toEqual({ maxAge: 0 });
  });

  it('skips challenges with a token68 before the step-up one', () => {
    expect(
      parseStepUpChallenge(
        'Basic dXNlcjpwYXNz==, Negotiate a/b+c=, Bearer error="insufficient_user_authentication", max_age=5',
      ),
    ).toEqual({ maxAge: 5 });
  });

  it('gives an empty request for a step-up challenge that names no requirement', () => {
    expect(parseStepUpChallenge('Bearer error="insufficient_user_authentication"')).toEqual({});
  });

  it('finds no step-up challenge in other challenges', () => {
    const values = [
      'Bearer realm="api"',
      'Bearer error="invalid_token", error_description="insufficient_user_authentication"',
      'DPoP algs="ES256", error="use_dpop_nonce", max_age=5',
      'Bearer error="insufficient_scope", scope="openid", acr_values="phr"',
      // RFC 6750 error codes belong to the OAuth schemes only.
      'Basic error="insufficient_user_authentication", max_age=5',
      // A token68 ends its challenge: a parameter cannot follow it.
      'Bearer abc=, error="insufficient_user_authentication"',
      '',
    ];
    for (const value of values) {
      expect(parseStepUpChallenge(value)).withContext(value).toBeNull();
    }
    expect(parseStepUpChallenge(null)).toBeNull();
  });

  it('refuses a header that is malformed anywhere, even after the step-up challenge', () => {
    const step = 'Bearer error="insufficient_user_authentication", max_age=5';
    const values = [
      `${step}, =broken`,
      `${step}, DPoP algs="ES256`,
      `${step} acr_values="phr"`,
      `${step}, max_age=6`,
      `${step}, Max_Age=6`,
      `${step}, Basic a==b`,
      `error="insufficient_user_authentication", max_age=5`,
      'Bearer\terror="insufficient_user_authentication"',
      'Bearer error="insufficient_user_authentication", acr_values=a"b"',
      'Bearer error="insufficient_user_authentication", acr_values="é"',
      'Bearer error="insufficient_user_authentication", acr_values="tab\there"',
      'Bearer error="insufficient_user_authentication", error_description="line\nbreak"',
    ];
    for (const value of values) {
      expect(parseStepUpChallenge(value)).withContext(value).toBeNull();
    }
  });

  it('refuses a max_age that is not a whole number of seconds', () => {
    for (const age of ['-1', '1.5', '1e3', '0x10', '""', '" 5"', 'five', '9007199254740993']) {
      const value = `Bearer error="insufficient_user_authentication", max_age=${age}`;
      expect(parseStepUpChallenge(value)).withContext(value).toBeNull();
    }
  });

  it('refuses an acr_values that lists no value', () => {
    for (const acr of ['""', '"   "']) {
      const value = `Bearer error="insufficient_user_authentication", acr_values=${acr}`;
      expect(parseStepUpChallenge(value)).withContext(value).toBeNull();
    }
  });
});
