import { computed, DestroyRef, inject, Injectable, InjectionToken, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { IDToken } from '@okta/okta-auth-js/core';
import { Subject } from 'rxjs';
import { AUTH_CONFIG } from './auth-config-token';
import { CALLBACK_PATH } from './auth-paths';
import { AuthSession } from './auth-session';
import { OKTA_AUTH_STATE } from './okta-auth-token';
import { SessionGenerations } from './session-generation';
import { SessionSync } from './session-sync';

/** The warning appears this long before the end. */
export const IDLE_WARNING_MS = 60_000;
/** Input is written for the other tabs at most once per this interval (and once at its end). */
export const ACTIVITY_WRITE_MS = 5_000;
/**
 * What counts as the user being there: deliberate input only. Pointer movement is left out on
 * purpose: a mouse nudged by someone passing a shared computer must not keep the session alive.
 * `scroll` is left out because the app scrolls by itself (navigation, focus); a user's scrolling
 * comes with `wheel`, `keydown`, `touchstart` or `pointerdown` anyway. The app's own requests and
 * timers raise none of these.
 */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * Whether an event is the browser's own (the user's input, a real navigation) rather than one a
 * script made with dispatchEvent(): otherwise any script on the page, a widget or a library
 * replaying events, could keep the session alive. Unit specs, which can only dispatch events,
 * vouch for theirs here; the app keeps the default.
 */
export const IS_BROWSER_EVENT = new InjectionToken<(event: Event) => boolean>('IS_BROWSER_EVENT', {
  providedIn: 'root',
  factory: () => (event) => event.isTrusted,
});

/**
 * The callback page finishes a sign-in in at most this many requests to Okta in a row (discovery,
 * the token request and its DPoP-nonce retry, the keys), each within `requestTimeoutSeconds`.
 * The session does not end for idleness there before they had their time (see finishingSignIn).
 */
export const SIGN_IN_FINISH_REQUESTS = 4;

/** `none`: nothing to show; `warning`: the session ends soon; `ended`: it ended for idleness. */
export type IdlePhase = 'none' | 'warning' | 'ended';

/** localStorage: the last input in any tab, with the session generation it belongs to. */
export const idleActivityKey = (clientId: string) => `${clientId}-idle-activity`;
/** localStorage: the generation whose session was ended for idleness (by whichever tab came first). */
export const idleEndedKey = (clientId: string) => `${clientId}-idle-ended`;
/** sessionStorage: set by the tab that signs out for idleness, read once when it comes back. */
export const idleNoticeKey = (clientId: string) => `${clientId}-idle-signed-out`;
/** The Web Lock the tab that signs out holds, one per session generation. */
export const idleLockName = (clientId: string, generation: number) =>
  `${clientId}-idle-end-${generation}`;
/** How soon a tab whose time ran out while another signs out checks whether the session ended. */
export const FOLLOWER_RECHECK_MS = 1_000;
/** How often a tab waiting for the callback page's sign-in checks whether it left that page. */
const CALLBACK_RECHECK_MS = 1_000;

/** What a tab whose time ran out does: sign out, leave it to another, or neither. */
type EndRole = 'leader' | 'follower' | 'still-active' | 'ended-elsewhere';

interface ActivityRecord {
  readonly generation: number;
  readonly at: number;
  /** The sign-in the writing tab's tokens came from (currentSignIn), so that a new one counts once. */
  readonly signIn?: string;
}

/**
 * The idle timeout (`idleTimeoutMinutes`): after that long without user input in any tab of the
 * origin, the session ends everywhere, as a sign-out that revokes, with a warning a minute before.
 *
 * - **One time for all tabs.** The last input is kept in localStorage (whatever the token storage),
 *   so the browser's `storage` event tells every other tab at once, and a tab opened or woken later
 *   reads it. It is tagged with the session generation (session-generation.ts), which every
 *   sign-out moves on: a session newer than the record starts its own idle time, and a session
 *   restored after its time ran out (a reload, a laptop that slept) is ended.
 * - **Only the user counts**: input (ACTIVITY_EVENTS, the browser's own only: IS_BROWSER_EVENT),
 *   and not while the warning is open: there only "Stay signed in" (or Escape) does, so that
 *   tabbing to "Sign out" does not dismiss the warning. The app's requests, timers and renewals
 *   never count. Time spent at Okta is the user's too, though the app sees no input there: leaving
 *   for Okta's sign-in (a step-up) counts, and so does a completed sign-in (a new `auth_time`,
 *   `acr` or `amr` in the ID token, which a renewal keeps), in whichever tab its tokens reach.
 * - **Not while a sign-in finishes.** On the callback page the tab still holds the tokens it had
 *   before it left for Okta, with the idle time of before: ending that session would end the new
 *   one too (complete-sign-in.ts drops a sign-in that a sign-out overtook). The end waits until
 *   the tab leaves that page, or until its sign-in had time to finish (it failed).
 * - **One tab signs out.** At the end, the first tab to take the session's Web Lock (and still
 *   find no input anywhere) signs out: revocation, then Okta's `/v1/logout`. The others find the
 *   lock taken and leave the session to SessionSync, which clears it when that sign-out reaches
 *   them; a tab that finds the session generation moved on signs out no more, whether or not the
 *   news reached it. Every tab then says why.
 * - Timers are plain `setTimeout`s, set afresh on every change rather than chained, so that a
 *   background tab's timers are not throttled to once a minute; a tab that becomes visible checks
 *   at once.
 */
@Injectable({ providedIn: 'root' })
export class IdleTimeout {
  private readonly config = inject(AUTH_CONFIG);
  private readonly session = inject(AuthSession);
  private readonly sessionSync = inject(SessionSync);
  private readonly router = inject(Router);
  private readonly authState = inject(OKTA_AUTH_STATE);
  private readonly isBrowserEvent = inject(IS_BROWSER_EVENT);
  private readonly destroyRef = inject(DestroyRef);
  private readonly generations = new SessionGenerations(this.config.clientId);
  private readonly timeoutMs = this.config.idleTimeoutMinutes * 60_000;
  private readonly clientId = this.config.clientId;
  private readonly callbackWaitMs =
    SIGN_IN_FINISH_REQUESTS * this.config.requestTimeoutSeconds * 1000;

  /** The configured timeout, for the dialog's sentences. */
  readonly minutes = this.config.idleTimeoutMinutes;
  private readonly state = signal<IdlePhase>('none');
  readonly phase = this.state.asReadonly();
  /** Each new phase, for the dialog to open, close or move focus once it has rendered it. */
  readonly phaseChanges = new Subject<IdlePhase>();
  private readonly endsAt = signal(0);
  private readonly now = signal(0);
  /** Whole seconds until the end while the warning is open; it ticks every second. */
  readonly secondsLeft = computed(() =>
    Math.max(0, Math.ceil((this.endsAt() - this.now()) / 1000)),
  );

  /** The generation of the session this tab follows; null while it follows none. */
  private generation: number | null = null;
  /** The ID token of the auth state okta-angular last gave. */
  private idToken: IDToken | undefined;
  /** The sign-in this tab's tokens came from, when it last looked (currentSignIn). */
  private signedInWith: string | undefined;
  /** Since when this tab has been on the callback page while following a session. */
  private callbackSince: number | null = null;
  /** This tab's last input (written to storage at most every ACTIVITY_WRITE_MS). */
  private lastInput = 0;
  private inputUnwritten = false;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private phaseTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private ending = false;
  /** Resolves when this service is destroyed: the signing-out tab's lock is held until then. */
  private readonly pageGone = new Promise<void>((resolve) => this.destroyRef.onDestroy(resolve));
  /** The generation of a session that ended here without a known reason yet (see onStorage). */
  private endedUnexplained: number | null = null;
  /** Where "Sign in" returns to after the session ended: the page the user left. */
  private returnTo = '/';

  /** Starts watching (provideOktaAuth does, through idle-watch.ts); does nothing when turned off. */
  start(): void {
    if (!this.timeoutMs) return;
    this.showNoticeFromSignOut();
    const onInput = (event: Event) => this.noteInput(event);
    const options = { capture: true, passive: true };
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onInput, options);
    // Input held back by the write interval is written before the page goes (to Okta, say).
    const onPageHide = () => {
      if (this.inputUnwritten) this.writeActivity(this.lastInput);
    };
    window.addEventListener('pagehide', onPageHide);
    // The Navigation API (Chromium) says where the page goes; elsewhere a departure counts only
    // through the input that led to it.
    const navigation = 'navigation' in window ? window.navigation : undefined;
    const onNavigate = (event: Event) => {
      const url = (event as Partial<NavigateEvent>).destination?.url;
      if (url && this.isBrowserEvent(event) && this.isSignInAtOkta(url)) this.noteDeparture();
    };
    navigation?.addEventListener('navigate', onNavigate);
    const onStorage = (event: StorageEvent) => {
      // Another tab's input or "Stay signed in"; nothing else moves the time.
      if (event.key === idleActivityKey(this.clientId)) this.schedule();
      // The tab that ended the session for idleness says so in localStorage before it signs out,
      // but Chromium may show that write here after the sign-out's channel message: say why late.
      if (
        event.key === idleEndedKey(this.clientId) &&
        this.endedUnexplained !== null &&
        Number(event.newValue) === this.endedUnexplained
      ) {
        this.endedUnexplained = null;
        this.setPhase('ended');
      }
    };
    window.addEventListener('storage', onStorage);
    const onVisible = () => {
      if (document.visibilityState === 'visible') this.schedule();
    };
    document.addEventListener('visibilitychange', onVisible);
    // okta-angular's auth state rather than AuthSession.status: following a signal would take
    // effect(), which nothing in the initial bundle uses, and so would add it there.
    // Its ID token is the one okta-auth-js stores: it tells a new sign-in from a renewal.
    const following = this.authState.subscribe(({ isAuthenticated, idToken }) => {
      this.idToken = idToken;
      this.follow(isAuthenticated ? 'signed-in' : 'signed-out');
    });
    this.destroyRef.onDestroy(() => {
      following.unsubscribe();
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onInput, options);
      window.removeEventListener('pagehide', onPageHide);
      navigation?.removeEventListener('navigate', onNavigate);
      window.removeEventListener('storage', onStorage);
      document.removeEventListener('visibilitychange', onVisible);
      this.stopTimers();
      clearTimeout(this.writeTimer);
    });
  }

  /** The user is there: the time starts again in every tab, and a due renewal happens now. */
  async staySignedIn(): Promise<void> {
    if (this.generation === null) return;
    this.writeActivity(Date.now());
    this.schedule();
    await this.sessionSync.renewIfExpired();
  }

  /** A normal sign-out, as the header's button does. */
  signOut(): Promise<void> {
    this.setPhase('none');
    return this.session.signOut();
  }

  /** From the notice: signs in again, back to the page the user left. */
  signIn(): Promise<void> {
    return this.session.signIn(this.returnTo);
  }

  /** Closes the notice. */
  dismiss(): void {
    if (this.state() === 'ended') this.setPhase('none');
  }

  private setPhase(phase: IdlePhase): void {
    if (this.state() === phase) return;
    this.state.set(phase);
    this.phaseChanges.next(phase);
  }

  private follow(status: 'signed-in' | 'signed-out'): void {
    if (status === 'signed-in') {
      // New tokens (a renewal, a step-up, another tab's): schedule() looks at their sign-in.
      if (this.generation === null) this.begin();
      else this.schedule();
    }
    if (status === 'signed-out' && this.generation !== null) {
      // Whichever tab signed out, the session ended for idleness if its time had run out here, or
      // the tab that signed out said so (its input record may be newer than this tab has seen).
      const endedForIdleness =
        this.readEnded() === this.generation || Date.now() >= this.lastActivity() + this.timeoutMs;
      this.endedUnexplained = endedForIdleness ? null : this.generation;
      this.stop();
      this.setPhase(endedForIdleness ? 'ended' : 'none');
    }
  }

  /** This tab now has a session: the one the record is about, or a newer one, whose time starts now. */
  private begin(): void {
    this.endedUnexplained = null;
    this.adopt();
    this.setPhase('none'); // A notice of an earlier session is over.
    this.schedule();
  }

  /**
   * Follows the current session. Its time starts now if the record is of an older session, or
   * knows an older sign-in than the tokens (the callback stored a step-up before this tab started
   * watching). A record without a sign-in is taken as it is: a new sign-in cannot be told there.
   */
  private adopt(): void {
    this.generation = this.generations.current();
    this.signedInWith = this.currentSignIn();
    const record = this.readActivity();
    if (
      record?.generation !== this.generation ||
      (record.signIn !== undefined &&
        this.signedInWith !== undefined &&
        record.signIn !== this.signedInWith)
    ) {
      this.writeActivity(Date.now());
    }
  }

  private stop(): void {
    this.generation = null;
    this.signedInWith = undefined;
    this.callbackSince = null;
    this.lastInput = 0;
    this.inputUnwritten = false;
    this.ending = false;
    this.stopTimers();
  }

  /**
   * A sign-in this tab has not seen is the user's activity (they authenticated at Okta), counted
   * once for all tabs: not again by a tab whose copy of the tokens comes later (a tab that slept).
   * A renewal keeps the sign-in. A session of a newer generation (another tab signed out and in
   * again, and this tab never saw the end) is followed from its start.
   */
  private followSignIn(): void {
    const signIn = this.currentSignIn();
    // No ID token: the session is ending here (follow() hears of it next), not a new sign-in.
    if (signIn === undefined || signIn === this.signedInWith) return;
    if (this.generations.current() !== this.generation) {
      this.stop();
      this.adopt();
      this.setPhase('none');
      return;
    }
    this.signedInWith = signIn;
    const record = this.readActivity();
    if (record?.generation !== this.generation || record.signIn !== signIn) {
      this.writeActivity(Date.now());
    }
  }

  /**
   * What tells one sign-in from another: when (`auth_time`) and how (`acr`, `amr`) the user
   * authenticated. Renewals keep all three; a step-up changes at least one. Undefined without an
   * ID token.
   */
  private currentSignIn(): string | undefined {
    const claims = this.idToken?.claims;
    if (!claims) return undefined;
    return JSON.stringify([claims.auth_time ?? null, claims.acr ?? null, claims['amr'] ?? null]);
  }

  /** This tab leaves for Okta's sign-in (a step-up): the user goes on there. */
  private noteDeparture(): void {
    // With the warning open, the page behind is inert: the app left, not the user.
    if (this.generation === null || this.state() !== 'none') return;
    if (this.generations.current() !== this.generation) return; // The session is over.
    this.writeActivity(Date.now());
  }

  /** Whether `url` is the authorize endpoint of the app's issuer (a sign-in, not a sign-out). */
  private isSignInAtOkta(url: string): boolean {
    let to: URL;
    try {
      to = new URL(url);
    } catch {
      return false;
    }
    const issuer = this.config.issuer.replace(/\/+$/, '');
    return (
      `${to.origin}${to.pathname}`.startsWith(`${issuer}/`) && to.pathname.endsWith('/v1/authorize')
    );
  }

  private noteInput(event: Event): void {
    if (!this.isBrowserEvent(event)) return;
    if (this.generation === null || this.state() !== 'none') return;
    this.lastInput = Date.now();
    if (this.writeTimer === undefined) this.writeActivity(this.lastInput);
    else this.inputUnwritten = true;
  }

  /** Writes the time of input for every tab, then holds further writes for ACTIVITY_WRITE_MS. */
  private writeActivity(at: number): void {
    this.lastInput = Math.max(this.lastInput, at);
    this.inputUnwritten = false;
    if (this.generation !== null) {
      const record: ActivityRecord = {
        generation: this.generation,
        at: this.lastInput,
        signIn: this.signedInWith,
      };
      try {
        localStorage.setItem(idleActivityKey(this.clientId), JSON.stringify(record));
      } catch {
        // Storage blocked: this tab keeps its own time, and the other tabs theirs.
      }
    }
    clearTimeout(this.writeTimer);
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      if (this.inputUnwritten) this.writeActivity(this.lastInput);
    }, ACTIVITY_WRITE_MS);
  }

  /** The last input of this session in any tab. */
  private lastActivity(): number {
    const record = this.readActivity();
    const shared = record?.generation === this.generation ? record.at : 0;
    return Math.max(shared, this.lastInput);
  }

  /** Shows what is due now (nothing, the warning, or the end) and sets the timer for what is next. */
  private schedule(): void {
    clearTimeout(this.phaseTimer);
    if (this.generation === null || this.ending) return;
    this.followSignIn();
    const now = Date.now();
    if (this.finishingSignIn(now)) {
      // Looks again soon: leaving the page (for the page the user asked for) ends the wait.
      this.calm();
      const waited = (this.callbackSince as number) + this.callbackWaitMs - now;
      this.phaseTimer = setTimeout(() => this.schedule(), Math.min(CALLBACK_RECHECK_MS, waited));
      return;
    }
    const endsAt = this.lastActivity() + this.timeoutMs;
    const warnAt = endsAt - IDLE_WARNING_MS;
    if (now >= endsAt) {
      void this.end();
      return;
    }
    if (now >= warnAt) this.warn(endsAt);
    else this.calm();
    this.phaseTimer = setTimeout(() => this.schedule(), (now >= warnAt ? endsAt : warnAt) - now);
  }

  /**
   * Whether this tab is on the callback page, finishing a sign-in, and may still be: leaving the
   * page (to the page the user asked for) ends the wait, and so does its time running out.
   */
  private finishingSignIn(now: number): boolean {
    if (!this.onCallbackPage()) {
      this.callbackSince = null;
      return false;
    }
    this.callbackSince ??= now;
    return now < this.callbackSince + this.callbackWaitMs;
  }

  /** On the callback page, or on the way there (the first navigation of a page loaded there). */
  private onCallbackPage(): boolean {
    const navigation = this.router.currentNavigation();
    const urls = [this.router.url];
    if (navigation) {
      urls.push(this.router.serializeUrl(navigation.finalUrl ?? navigation.extractedUrl));
    }
    return urls.some((url) => url.split(/[?#]/)[0] === CALLBACK_PATH);
  }

  private warn(endsAt: number): void {
    this.endsAt.set(endsAt);
    this.now.set(Date.now());
    if (this.state() !== 'warning') this.returnTo = this.router.url;
    this.setPhase('warning');
    this.tickTimer ??= setInterval(() => this.now.set(Date.now()), 1000);
  }

  private calm(): void {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    if (this.state() === 'warning') this.setPhase('none');
  }

  private stopTimers(): void {
    clearTimeout(this.phaseTimer);
    clearInterval(this.tickTimer);
    this.phaseTimer = undefined;
    this.tickTimer = undefined;
  }

  /** The time is up: sign out if this tab is the first to find so, else let the first one do it. */
  private async end(): Promise<void> {
    const generation = this.generation;
    if (generation === null || this.ending) return;
    this.ending = true;
    clearTimeout(this.phaseTimer);
    const role = await this.claimEnd(generation);
    if (this.generation !== generation) return; // The session ended meanwhile (follow() said why).
    if (role === 'still-active') {
      this.ending = false;
      this.schedule();
      return;
    }
    if (role === 'ended-elsewhere') {
      // Another tab ended the session (a sign-out moves the generation on first of all), and its
      // news has not arrived: SessionSync ends the session here when it does (follow() then says
      // why). Signing out too would be a second /v1/logout, or end a newer session.
      this.ending = false;
      return;
    }
    if (role === 'follower') {
      // Another tab is signing out; SessionSync ends the session here when it does (follow() then
      // says why). Should that never happen, this tab finds the lock free later and signs out,
      // unless the generation moved on meanwhile (then the session ended elsewhere).
      this.ending = false;
      this.phaseTimer = setTimeout(() => this.schedule(), FOLLOWER_RECHECK_MS);
      return;
    }
    this.endsAt.set(Date.now());
    if (this.state() !== 'warning') this.returnTo = this.router.url;
    try {
      localStorage.setItem(idleEndedKey(this.clientId), String(generation));
    } catch {
      // Storage blocked: the other tabs tell by the time alone.
    }
    try {
      sessionStorage.setItem(idleNoticeKey(this.clientId), this.returnTo);
    } catch {
      // Storage blocked: the page after Okta's sign-out cannot say why; the other tabs still do.
    }
    this.setPhase('ended');
    await this.session.signOut();
  }

  /**
   * Decides whether this tab signs out, with a Web Lock named after the session's generation: the
   * tab that takes it first, and still finds no input anywhere and the generation unmoved, signs
   * out and keeps the lock until it leaves the page (for Okta's sign-out); a tab whose time runs
   * out meanwhile finds it taken. The lock decides, not a value in localStorage: Chromium shows
   * one tab's localStorage writes to the others only after a delay, so two tabs could both find
   * "nobody signed out yet" there. The generation is written before the sign-out leaves the page,
   * so a tab that finds the lock free after the signing-out tab left still learns of it there.
   */
  private claimEnd(generation: number): Promise<EndRole> {
    const decide = (): EndRole =>
      this.generations.current() !== generation
        ? 'ended-elsewhere'
        : Date.now() >= this.lastActivity() + this.timeoutMs
          ? 'leader'
          : 'still-active';
    if (!navigator.locks) return Promise.resolve(decide());
    return new Promise((decided) => {
      const refused = () => decided(decide());
      try {
        navigator.locks
          .request(idleLockName(this.clientId, generation), { ifAvailable: true }, (lock) => {
            if (!lock) return decided('follower');
            const role = decide();
            decided(role);
            return role === 'leader' ? this.pageGone : undefined;
          })
          .catch(refused);
      } catch {
        refused(); // Web Locks refused (e.g. a sandboxed frame): every tab decides for itself.
      }
    });
  }

  /** The tab that signed out for idleness is back from Okta's sign-out: say why, once. */
  private showNoticeFromSignOut(): void {
    let returnTo: string | null = null;
    try {
      returnTo = sessionStorage.getItem(idleNoticeKey(this.clientId));
      sessionStorage.removeItem(idleNoticeKey(this.clientId));
    } catch {
      return;
    }
    if (returnTo === null) return;
    this.returnTo = returnTo; // AuthSession.signIn() keeps only a same-origin path.
    this.setPhase('ended');
  }

  /**
   * The shared record, if the app can have written it. A time in the future is not one: it would
   * keep the session alive however long the user is away.
   */
  private readActivity(): ActivityRecord | null {
    let record: Partial<ActivityRecord>;
    try {
      record = JSON.parse(localStorage.getItem(idleActivityKey(this.clientId)) ?? 'null') ?? {};
    } catch {
      return null;
    }
    const { generation, at, signIn } = record;
    return Number.isSafeInteger(generation) &&
      Number.isSafeInteger(at) &&
      (at as number) <= Date.now() + ACTIVITY_WRITE_MS &&
      (signIn === undefined || typeof signIn === 'string')
      ? { generation: generation as number, at: at as number, signIn }
      : null;
  }

  private readEnded(): number | null {
    try {
      const text = localStorage.getItem(idleEndedKey(this.clientId));
      return text === null ? null : Number(text);
    } catch {
      return null;
    }
  }
}
