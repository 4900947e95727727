import { SessionGenerations } from './session-generation';

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

  it('takes a generation another tab announced when it is newer', () => {
    generations.observe(5);
    generations.observe(3);

    expect(generations.current()).toBe(5);
  });

  it('ignores a value in storage that is not a whole number', () => {
    localStorage.setItem(`${clientId}-session-generation`, 'many');

    expect(generations.current()).toBe(0);
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
