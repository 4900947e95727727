import { HttpClient, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { AuthState } from '@okta/okta-auth-js/core';
import { BehaviorSubject } from 'rxjs';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { AuthSession } from './auth-session';
import {
  ACTIVITY_WRITE_MS,
  FOLLOWER_RECHECK_MS,
  IDLE_WARNING_MS,
  idleActivityKey,
  idleEndedKey,
  IdleTimeout,
  idleLockName,
  idleNoticeKey,
  IS_BROWSER_EVENT,
  SIGN_IN_FINISH_REQUESTS,
} from './idle-timeout';
import { OKTA_AUTH_STATE } from './okta-auth-token';
import { SessionGenerations } from './session-generation';
import { SessionSync } from './session-sync';
import {
  TEST_ISSUER,
  TEST_NOW_SECONDS,
  TEST_SUB,
  testAuthConfig,
  testIdToken,
} from './testing/auth-fixtures';

type Status = 'signed-in' | 'signed-out';

/**
 * The events this spec dispatches as the user's. A script's events are not trusted (isTrusted is
 * false) and the app ignores them; a spec cannot make trusted ones, so it vouches for these.
 */
const asUser = new WeakSet<Event>();
function userEvent<T extends Event>(event: T): T {
  asUser.add(event);
  return event;
}

describe('IdleTimeout', () => {
  const MINUTES = 5;
  const TIMEOUT_MS = MINUTES * 60_000;
  const WARN_AT_MS = TIMEOUT_MS - IDLE_WARNING_MS;
  /** How long a tab on the callback page waits for its sign-in to finish before the end applies. */
  const CALLBACK_WAIT_MS = SIGN_IN_FINISH_REQUESTS * testAuthConfig().requestTimeoutSeconds * 1000;
  /** The claims of the sign-in the session came from (okta-auth-js keeps them with the ID token). */
  const FIRST_SIGN_IN = { sub: TEST_SUB, auth_time: TEST_NOW_SECONDS - 20, amr: ['pwd'] };
  let testNumber = 0;
  let clientId: string;
  /** okta-angular's auth state; its first value is its placeholder, before storage is read. */
  let authState: BehaviorSubject<AuthState>;
  let session: jasmine.SpyObj<Pick<AuthSession, 'signIn' | 'signOut'>>;
  let sessionSync: jasmine.SpyObj<Pick<SessionSync, 'renewIfExpired'>>;

  /** `browserEventsOnly`: the app's own test of events, without the spec's vouching. */
  function configure(idleTimeoutMinutes = MINUTES, { browserEventsOnly = false } = {}): void {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AUTH_CONFIG, useValue: testAuthConfig({ clientId, idleTimeoutMinutes }) },
        { provide: AuthSession, useValue: session },
        { provide: OKTA_AUTH_STATE, useValue: authState },
        { provide: SessionSync, useValue: sessionSync },
        browserEventsOnly
          ? []
          : {
              provide: IS_BROWSER_EVENT,
              useValue: (event: Event) => event.isTrusted || asUser.has(event),
            },
      ],
    });
  }

  beforeEach(() => {
    clientId = `idle-timeout-spec-${++testNumber}-${Date.now()}`;
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(TEST_NOW_SECONDS * 1000));
    authState = new BehaviorSubject<AuthState>({ isAuthenticated: false });
    session = jasmine.createSpyObj<Pick<AuthSession, 'signIn' | 'signOut'>>('AuthSession', [
      'signIn',
      'signOut',
    ]);
    // As the real sign-out does before it leaves for Okta: the session ends in this tab at once.
    session.signOut.and.callFake(async () => setStatus('signed-out'));
    session.signIn.and.resolveTo();
    sessionSync = jasmine.createSpyObj<Pick<SessionSync, 'renewIfExpired'>>('SessionSync', [
      'renewIfExpired',
    ]);
    sessionSync.renewIfExpired.and.resolveTo();
  });

  afterEach(() => {
    TestBed.resetTestingModule(); // Removes the listeners before the clock goes.
    jasmine.clock().uninstall();
    for (const storage of [localStorage, sessionStorage]) {
      for (const key of Object.keys(storage)) {
        if (key.startsWith(clientId)) storage.removeItem(key);
      }
    }
  });

  /** The auth state changes: signed in (with an ID token of the sign-in `claims`), or out. */
  function setStatus(value: Status, claims: Record<string, unknown> = FIRST_SIGN_IN): void {
    const signedIn = value === 'signed-in';
    authState.next({
      isAuthenticated: signedIn,
      idToken: signedIn ? testIdToken(claims) : undefined,
    });
  }

  /** A renewal: new tokens, the same sign-in (auth_time, acr and amr stay). */
  function renew(): void {
    setStatus('signed-in', {
      ...authState.value.idToken?.claims,
      iat: Math.floor(Date.now() / 1000),
    });
  }

  /** The tokens of a completed step-up arrive: the user authenticated again, with a code. */
  function stepUpArrives(): void {
    const now = Math.floor(Date.now() / 1000);
    setStatus('signed-in', {
      ...FIRST_SIGN_IN,
      iat: now,
      auth_time: now,
      acr: 'urn:okta:loa:2fa:any',
      amr: ['pwd', 'otp', 'mfa'],
    });
  }

  /** Starts watching as idle-watch.ts does, in a tab that is signed in now. */
  function start(): IdleTimeout {
    const idle = TestBed.inject(IdleTimeout);
    idle.start();
    setStatus('signed-in');
    return idle;
  }

  /** Another tab of the same app: its own watch, with the same session, storage and locks. */
  function startAnotherTab(): IdleTimeout {
    const other = TestBed.runInInjectionContext(() => new IdleTimeout());
    other.start();
    return other;
  }

  const generation = () => new SessionGenerations(clientId).current();

  /** Input in another tab, as this tab hears of it: its record, then the storage event. */
  function inputInAnotherTab(): void {
    const key = idleActivityKey(clientId);
    localStorage.setItem(key, JSON.stringify({ generation: generation(), at: Date.now() }));
    window.dispatchEvent(new StorageEvent('storage', { key, storageArea: localStorage }));
  }

  function press(): void {
    document.body.dispatchEvent(
      userEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true })),
    );
  }

  /** This tab starts leaving for `url` (the Navigation API's event, as a location.assign() raises). */
  function leaveFor(url: string): void {
    const event = userEvent(new Event('navigate', { cancelable: true }));
    Object.defineProperty(event, 'destination', { value: { url } });
    window.navigation.dispatchEvent(event);
  }

  function storedActivity(): { generation: number; at: number; signIn?: string } | null {
    return JSON.parse(localStorage.getItem(idleActivityKey(clientId)) ?? 'null');
  }

  /**
   * Lets a Web Lock decision and what follows it run: the browser answers a tab's lock requests in
   * order, so a later request's answer comes after the earlier one's.
   */
  async function settle(lockGeneration = generation()): Promise<void> {
    const name = idleLockName(clientId, lockGeneration);
    for (let i = 0; i < 3; i++) await navigator.locks.request(name, { ifAvailable: true }, () => 0);
  }

  /**
   * Another tab signing out for idleness: it holds the session's lock until it leaves. Resolves
   * once it has the lock, to a function that leaves and resolves once the lock is free.
   */
  async function anotherTabSigningOut(): Promise<() => Promise<void>> {
    let leave: () => void = () => undefined;
    const left = new Promise<void>((resolve) => (leave = resolve));
    let taken: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (taken = resolve));
    const released = navigator.locks.request(idleLockName(clientId, generation()), () => {
      taken();
      return left;
    });
    await holding;
    return async () => {
      leave();
      await released;
    };
  }

  describe('when the timeout is set', () => {
    beforeEach(() => configure());

    it('warns one minute before the end, and not sooner', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
      jasmine.clock().tick(1);
      expect(idle.phase()).toBe('warning');
      expect(idle.secondsLeft()).toBe(60);
    });

    it('counts down every second while the warning is open', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS);
      jasmine.clock().tick(1000);
      expect(idle.secondsLeft()).toBe(59);
      jasmine.clock().tick(45_000);
      expect(idle.secondsLeft()).toBe(14);
    });

    it('signs out at the end, once, says why, and leaves the reason for the page after Okta', async () => {
      const idle = start();
      const ended = generation();
      jasmine.clock().tick(TIMEOUT_MS - 1);
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      jasmine.clock().tick(1);
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
      expect(idle.phase()).toBe('ended');
      expect(sessionStorage.getItem(idleNoticeKey(clientId))).toBe('/');
      expect(localStorage.getItem(idleEndedKey(clientId))).toBe(String(ended));
    });

    it('starts the time again on input in this tab', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      press();
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
      jasmine.clock().tick(1);
      expect(idle.phase()).toBe('warning');
    });

    for (const type of ['pointerdown', 'wheel', 'touchstart']) {
      it(`counts ${type} as input`, () => {
        const idle = start();
        jasmine.clock().tick(WARN_AT_MS - 10_000);
        window.dispatchEvent(userEvent(new Event(type)));
        jasmine.clock().tick(10_000);
        expect(idle.phase()).toBe('none');
      });
    }

    it('starts the time again on input in another tab, and closes the warning there', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      inputInAnotherTab();
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
      jasmine.clock().tick(1);
      expect(idle.phase()).toBe('warning');
      inputInAnotherTab(); // "Stay signed in" over there
      expect(idle.phase()).toBe('none');
    });

    it("does not count the app's own traffic: its HTTP calls, or a renewal stored by another tab", () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      TestBed.inject(HttpClient).get('/api/messages').subscribe();
      TestBed.inject(HttpTestingController).expectOne('/api/messages').flush([]);
      window.dispatchEvent(
        new StorageEvent('storage', { key: 'okta-token-storage', storageArea: localStorage }),
      );
      jasmine.clock().tick(10_000);
      expect(idle.phase()).toBe('warning');
    });

    it('writes input for the other tabs at most once per interval, and the last input at its end', () => {
      start();
      const signedInAt = Date.now();
      expect(storedActivity()?.at).toBe(signedInAt);
      jasmine.clock().tick(ACTIVITY_WRITE_MS); // the sign-in's own write is held no longer
      const writes = spyOn(Storage.prototype, 'setItem').and.callThrough();
      press();
      expect(storedActivity()?.at).toBe(signedInAt + ACTIVITY_WRITE_MS);
      for (let i = 1; i < 4; i++) {
        jasmine.clock().tick(1000);
        press();
      }
      expect(writes).toHaveBeenCalledTimes(1);
      jasmine.clock().tick(ACTIVITY_WRITE_MS - 3000);
      expect(writes).toHaveBeenCalledTimes(2);
      expect(storedActivity()?.at).toBe(signedInAt + ACTIVITY_WRITE_MS + 3000);
    });

    it('does not count input while the warning is open: only Stay signed in does', async () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS);
      press(); // e.g. Tab, to reach "Sign out"
      jasmine.clock().tick(IDLE_WARNING_MS - 1);
      expect(idle.phase()).toBe('warning');
      jasmine.clock().tick(1);
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
    });

    it('Stay signed in starts the time again for every tab and renews if the tokens are due', async () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS + 20_000);
      await idle.staySignedIn();
      expect(idle.phase()).toBe('none');
      expect(storedActivity()).toEqual(
        jasmine.objectContaining({ generation: generation(), at: Date.now() }),
      );
      expect(sessionSync.renewIfExpired).toHaveBeenCalledTimes(1);
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
    });

    it('Sign out is a normal sign-out, without the idle notice', async () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS);
      await idle.signOut();
      expect(session.signOut).toHaveBeenCalledTimes(1);
      expect(idle.phase()).toBe('none');
      expect(sessionStorage.getItem(idleNoticeKey(clientId))).toBeNull();
    });

    it('leaves the sign-out to the tab that took the lock first, and says why once it ends', async () => {
      const idle = start();
      const leave = await anotherTabSigningOut();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      jasmine.clock().tick(FOLLOWER_RECHECK_MS); // asks again: still taken
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      setStatus('signed-out'); // SessionSync heard of the other tab's sign-out
      expect(idle.phase()).toBe('ended');
      expect(sessionStorage.getItem(idleNoticeKey(clientId))).toBeNull();
      await leave();
    });

    it("says why when the tab that signed out for idleness is heard of only after its sign-out's message", () => {
      const idle = start();
      const ended = generation();
      setStatus('signed-out'); // SessionSync's message came first: nothing here says idleness yet

      expect(idle.phase()).toBe('none');
      localStorage.setItem(idleEndedKey(clientId), String(ended));
      window.dispatchEvent(
        new StorageEvent('storage', {
          key: idleEndedKey(clientId),
          newValue: String(ended),
          storageArea: localStorage,
        }),
      );

      expect(idle.phase()).toBe('ended');
    });

    it('signs out itself if the tab that took the lock left without ending the session here', async () => {
      start();
      const leave = await anotherTabSigningOut();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      await leave();
      jasmine.clock().tick(FOLLOWER_RECHECK_MS);
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
    });

    it('two tabs whose time runs out together sign out once', async () => {
      // The sign-out has not reached the other tab yet when its own time runs out.
      session.signOut.and.resolveTo();
      const idle = start();
      const other = startAnotherTab();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
      setStatus('signed-out');
      expect([idle.phase(), other.phase()]).toEqual(['ended', 'ended']);
    });

    it('does not sign out when input in another tab came just before the end', async () => {
      const idle = start();
      jasmine.clock().tick(TIMEOUT_MS - 1);
      // The record moved, but this tab has not heard of it yet.
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() }),
      );
      jasmine.clock().tick(1);
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      expect(idle.phase()).toBe('none');
    });

    it('a normal sign-out elsewhere closes the warning without the idle notice', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS);
      setStatus('signed-out');
      expect(idle.phase()).toBe('none');
    });

    it('ends a session restored after its time ran out (a reload, a laptop that slept)', async () => {
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() - TIMEOUT_MS }),
      );
      const idle = start();
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
      expect(idle.phase()).toBe('ended');
    });

    it('keeps the time of a session restored in time, without counting the reload as input', () => {
      const before = Date.now() - 60_000;
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: before }),
      );
      const idle = start();
      expect(storedActivity()?.at).toBe(before);
      jasmine.clock().tick(WARN_AT_MS - 60_000);
      expect(idle.phase()).toBe('warning');
    });

    it('gives a session newer than the record (a new sign-in) its own time', () => {
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() - TIMEOUT_MS }),
      );
      new SessionGenerations(clientId).next(); // the sign-out that ended that session
      const idle = start();
      expect(storedActivity()).toEqual(
        jasmine.objectContaining({ generation: generation(), at: Date.now() }),
      );
      expect(idle.phase()).toBe('none');
    });

    it('ignores a recorded time in the future, which would keep the session alive for ever', () => {
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() + 365 * 86_400_000 }),
      );
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS);
      expect(idle.phase()).toBe('warning');
    });

    it('the tab that signed out says why when it is back from Okta, once, and signs in to the page it left', async () => {
      await TestBed.inject(Router).navigateByUrl('/messages');
      const idle = start();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      TestBed.resetTestingModule(); // the page leaves for Okta and comes back
      configure();
      const back = TestBed.inject(IdleTimeout);
      back.start();
      setStatus('signed-out');
      expect(back).not.toBe(idle);
      expect(back.phase()).toBe('ended');
      expect(sessionStorage.getItem(idleNoticeKey(clientId))).toBeNull();
      await back.signIn();
      expect(session.signIn).toHaveBeenCalledOnceWith('/messages');
      back.dismiss();
      expect(back.phase()).toBe('none');
    });

    it('closes the notice when a new session begins', async () => {
      const idle = start();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      expect(idle.phase()).toBe('ended');
      new SessionGenerations(clientId).next();
      setStatus('signed-in');
      expect(idle.phase()).toBe('none');
    });

    it('flushes input held back by the write interval when the page goes (e.g. to Okta)', () => {
      start();
      jasmine.clock().tick(ACTIVITY_WRITE_MS);
      press(); // written at once
      jasmine.clock().tick(1000);
      press(); // held back for the rest of the interval
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(storedActivity()?.at).toBe(Date.now());
    });

    it('counts leaving for a sign-in at Okta (a step-up) as activity, but no other departure, nor one while the warning is open', () => {
      const idle = start();
      const signedInAt = Date.now();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      leaveFor(`${TEST_ISSUER}/v1/logout?id_token_hint=x`);
      leaveFor('https://elsewhere.example/oauth2/default/v1/authorize?state=x');
      expect(storedActivity()?.at).toBe(signedInAt);
      leaveFor(`${TEST_ISSUER}/v1/authorize?acr_values=urn%3Aokta%3Aloa%3A2fa%3Aany`);
      const leftAt = Date.now();
      expect(storedActivity()?.at).toBe(leftAt);
      // With the warning open the user cannot have started it: the app did.
      jasmine.clock().tick(WARN_AT_MS);
      expect(idle.phase()).toBe('warning');
      leaveFor(`${TEST_ISSUER}/v1/authorize?state=y`);
      expect(storedActivity()?.at).toBe(leftAt);
    });

    it('counts a completed sign-in (a step-up) as activity for every tab, and not a renewal', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      renew();
      jasmine.clock().tick(10_000);
      expect(idle.phase()).toBe('warning');
      stepUpArrives();
      expect(idle.phase()).toBe('none');
      expect(storedActivity()?.at).toBe(Date.now());
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
      jasmine.clock().tick(1);
      expect(idle.phase()).toBe('warning');
    });

    it('does not end the session while this tab finishes a step-up on the callback page', async () => {
      // The user spent the whole idle time at Okta, typing the code: the record is out of date.
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() - TIMEOUT_MS - 60_000 }),
      );
      const router = TestBed.inject(Router);
      await router.navigateByUrl(CALLBACK_PATH);
      const idle = start(); // the old tokens are still stored while the code is exchanged
      await settle();
      jasmine.clock().tick(1000);
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      expect(idle.phase()).toBe('none');
      stepUpArrives();
      await router.navigateByUrl('/admin');
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      expect(idle.phase()).toBe('none');
      // The time counts from the step-up's return.
      jasmine.clock().tick(WARN_AT_MS - 1);
      expect(idle.phase()).toBe('none');
      jasmine.clock().tick(1);
      expect(idle.phase()).toBe('warning');
    });

    it('ends the session on the callback page once its sign-in had time to finish (it failed)', async () => {
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ generation: generation(), at: Date.now() - TIMEOUT_MS }),
      );
      await TestBed.inject(Router).navigateByUrl(CALLBACK_PATH);
      const idle = start();
      jasmine.clock().tick(CALLBACK_WAIT_MS - 1);
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      jasmine.clock().tick(1);
      await settle();
      expect(session.signOut).toHaveBeenCalledTimes(1);
      expect(idle.phase()).toBe('ended');
    });

    it('counts a sign-in that was stored before this tab started watching (a slow start)', async () => {
      start(); // the record now knows the first sign-in
      TestBed.resetTestingModule();
      const record = storedActivity()!;
      localStorage.setItem(
        idleActivityKey(clientId),
        JSON.stringify({ ...record, at: Date.now() - TIMEOUT_MS - 60_000 }),
      );
      configure();
      await TestBed.inject(Router).navigateByUrl('/admin');
      stepUpArrives(); // stored by the callback before the idle watch started
      const idle = TestBed.inject(IdleTimeout);
      idle.start();
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
      expect(idle.phase()).toBe('none');
      expect(storedActivity()?.at).toBe(Date.now());
    });

    it('a follower whose time ran out does not sign out once the generation moved on, even if the news is late', async () => {
      const idle = start();
      const ended = generation();
      const leave = await anotherTabSigningOut();
      jasmine.clock().tick(TIMEOUT_MS);
      await settle();
      // The other tab's sign-out moved the generation on, then it left for Okta; its channel
      // message has not reached this tab.
      new SessionGenerations(clientId).next();
      await leave();
      jasmine.clock().tick(FOLLOWER_RECHECK_MS);
      await settle(ended);
      jasmine.clock().tick(FOLLOWER_RECHECK_MS);
      await settle(ended);
      expect(session.signOut).not.toHaveBeenCalled();
      setStatus('signed-out'); // the message arrives
      expect(idle.phase()).toBe('ended');
    });

    it('follows a newer session another tab began after the generation moved on', async () => {
      start();
      jasmine.clock().tick(TIMEOUT_MS - 10_000);
      // Another tab signed out and in again (localStorage): this tab never saw the session end.
      new SessionGenerations(clientId).next();
      setStatus('signed-in', { ...FIRST_SIGN_IN, auth_time: Math.floor(Date.now() / 1000) });
      expect(storedActivity()).toEqual(
        jasmine.objectContaining({ generation: generation(), at: Date.now() }),
      );
      jasmine.clock().tick(10_000);
      await settle();
      expect(session.signOut).not.toHaveBeenCalled();
    });

    it('does not count input while signed out', () => {
      const idle = TestBed.inject(IdleTimeout);
      idle.start();
      setStatus('signed-out');
      press();
      expect(storedActivity()).toBeNull();
    });
  });

  describe("with the browser's own test of events", () => {
    beforeEach(() => configure(MINUTES, { browserEventsOnly: true }));

    it('does not count input that a script dispatched: any script could keep the session alive', () => {
      const idle = start();
      jasmine.clock().tick(WARN_AT_MS - 10_000);
      for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
        document.body.dispatchEvent(new Event(type, { bubbles: true }));
      }
      jasmine.clock().tick(10_000);
      expect(idle.phase()).toBe('warning');
      expect(storedActivity()?.at).toBe(TEST_NOW_SECONDS * 1000);
    });
  });

  describe('when the timeout is off (0)', () => {
    beforeEach(() => configure(0));

    it('never warns, never signs out and records nothing', async () => {
      const idle = start();
      press();
      jasmine.clock().tick(24 * 3_600_000);
      await settle();
      expect(idle.phase()).toBe('none');
      expect(session.signOut).not.toHaveBeenCalled();
      expect(storedActivity()).toBeNull();
    });
  });
});
