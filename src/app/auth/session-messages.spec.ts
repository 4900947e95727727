import { parseSessionMessage } from './session-messages';

describe('parseSessionMessage', () => {
  const accepted: [string, unknown][] = [
    ['a request for the session', { type: 'request-session' }],
    ['a request for renewal', { type: 'request-renewal' }],
    ['a session with its generation', { type: 'tokens', tokens: { any: 'shape' }, generation: 3 }],
    ['the end of a session', { type: 'signed-out', generation: 0 }],
  ];
  for (const [what, data] of accepted) {
    it(`reads ${what}`, () => {
      expect(parseSessionMessage(data)).toEqual(data as ReturnType<typeof parseSessionMessage>);
    });
  }

  it('leaves the tokens of a session message to checkTokenSet, unread', () => {
    const tokens = { idToken: 'not even an object' };

    expect(parseSessionMessage({ type: 'tokens', tokens, generation: 1 })).toEqual({
      type: 'tokens',
      tokens,
      generation: 1,
    });
  });

  const refused: [string, unknown][] = [
    ['null', null],
    ['a string', 'request-session'],
    ['an array', [{ type: 'request-session' }]],
    ['an unknown type', { type: 'set-tokens' }],
    ['no type', { tokens: {}, generation: 0 }],
    ['a request with extra fields', { type: 'request-session', reply: 'evil' }],
    ['a session without a generation', { type: 'tokens', tokens: {} }],
    ['a session with extra fields', { type: 'tokens', tokens: {}, generation: 0, from: 'x' }],
    ['a generation that is a string', { type: 'tokens', tokens: {}, generation: '1' }],
    ['a fractional generation', { type: 'signed-out', generation: 1.5 }],
    ['a negative generation', { type: 'signed-out', generation: -1 }],
    ['an unsafe integer generation', { type: 'signed-out', generation: 2 ** 53 }],
  ];
  for (const [what, data] of refused) {
    it(`drops ${what}`, () => {
      expect(parseSessionMessage(data)).toBeNull();
    });
  }
});
