import { MAX_GENERATION, SessionGenerations } from './session-generation';

let testNumber = 0;

describe('SessionGenerations', () => {
  let clientId: string;
  let generations: SessionGenerations;

  beforeEach(() => {
    clientId = `session-generation-spec-${++testNumber}-${Date.now()}`;
    generations = new SessionGenerations(clientId);
  });

  afterEach(() => {
    localStorage.removeItem(`${clientId}-session-generation`);
    sessionStorage.removeItem(`${clientId}-tab-session-generation`);
  });

  it('starts at generation 0', () => {
    expect(generations.current()).toBe(0);
  });

  it('moves on with each ended session, in localStorage, where every tab reads it at once', () => {
    expect(generations.next()).toBe(1);
    expect(generations.next()).toBe(2);

    expect(new SessionGenerations(clientId).current()).toBe(2);
  });

  it('takes the next generation when another tab announces it', () => {
    generations.observe(1);
    generations.observe(0);

    expect(generations.current()).toBe(1);
  });

  it('ignores an announced generation beyond the next one (a forged message)', () => {
    generations.observe(Number.MAX_SAFE_INTEGER);
    generations.observe(5);

    expect(generations.current()).toBe(0);
    expect(generations.next()).toBe(1);
  });

  for (const [what, value] of [
    ['not a whole number', 'many'],
    ['negative', '-1'],
    ['beyond the counter', String(Number.MAX_SAFE_INTEGER)],
    ['beyond the safe integers', '9007199254740993'],
  ]) {
    it(`treats a value in storage that is ${what} as the end of every session, and repairs it`, () => {
      localStorage.setItem(`${clientId}-session-generation`, '3');
      expect(generations.current()).toBe(3);
      localStorage.setItem(`${clientId}-session-generation`, value);

      const after = generations.current();

      expect(after).toBe(4); // No session holds it: every one of them has ended.
      expect(localStorage.getItem(`${clientId}-session-generation`)).toBe('4');
      expect(generations.next()).toBe(5);
    });
  }

  it('never moves past MAX_GENERATION, a safe integer', () => {
    localStorage.setItem(`${clientId}-session-generation`, String(MAX_GENERATION));

    expect(generations.next()).toBe(MAX_GENERATION);
    expect(Number.isSafeInteger(generations.current())).toBeTrue();
  });

  it("keeps a tab's own generation in its sessionStorage, and forgets it", () => {
    generations.storeForTab(4);
    const stored = new SessionGenerations(clientId).storedForTab();
    generations.storeForTab(null);

    expect(stored).toBe(4);
    expect(generations.storedForTab()).toBe(0);
  });

  it('still counts in memory when localStorage refuses writes', () => {
    spyOn(Storage.prototype, 'setItem').and.throwError('QuotaExceededError');

    expect(generations.next()).toBe(1);
    expect(generations.current()).toBe(1);
  });
});
