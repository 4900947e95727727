import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { IdleDialog } from './idle-dialog';
import { IdlePhase, IdleTimeout } from './idle-timeout';

type Actions = 'staySignedIn' | 'signOut' | 'signIn' | 'dismiss';

describe('IdleDialog', () => {
  let phase: ReturnType<typeof signal<IdlePhase>>;
  let secondsLeft: ReturnType<typeof signal<number>>;
  let phaseChanges: Subject<IdlePhase>;
  let idle: jasmine.SpyObj<Pick<IdleTimeout, Actions>>;
  let fixture: ComponentFixture<IdleDialog>;

  beforeEach(async () => {
    phase = signal<IdlePhase>('none');
    secondsLeft = signal(60);
    phaseChanges = new Subject<IdlePhase>();
    idle = jasmine.createSpyObj<Pick<IdleTimeout, Actions>>('IdleTimeout', [
      'staySignedIn',
      'signOut',
      'signIn',
      'dismiss',
    ]);
    idle.staySignedIn.and.resolveTo();
    idle.signOut.and.resolveTo();
    idle.signIn.and.resolveTo();
    TestBed.configureTestingModule({
      providers: [
        {
          provide: IdleTimeout,
          useValue: { ...idle, phase, phaseChanges, secondsLeft, minutes: 15 },
        },
      ],
    });
    fixture = TestBed.createComponent(IdleDialog);
    // In the document, as idle-watch.ts puts it: showModal() needs a connected element.
    document.body.append(fixture.nativeElement);
    await fixture.whenStable();
  });

  afterEach(() => (fixture.nativeElement as HTMLElement).remove());

  /** The service moves to `value` (telling the dialog if it is a new phase), then it renders. */
  async function show(value: IdlePhase, seconds = secondsLeft()): Promise<void> {
    const changed = phase() !== value;
    phase.set(value);
    secondsLeft.set(seconds);
    if (changed) phaseChanges.next(value);
    await fixture.whenStable();
  }

  const dialog = () => (fixture.nativeElement as HTMLElement).querySelector('dialog')!;
  const text = (element: Element | null) =>
    (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
  const button = (name: string) =>
    Array.from(dialog().querySelectorAll('button')).find((element) => text(element) === name);
  /** What a screen reader hears as the dialog's name and description. */
  const described = (attribute: 'aria-labelledby' | 'aria-describedby') =>
    text(document.getElementById(dialog().getAttribute(attribute) ?? ''));
  const liveRegion = () => dialog().querySelector('[aria-live="polite"]');

  it('stays closed while there is nothing to say', () => {
    expect(dialog().open).toBeFalse();
  });

  describe('the warning', () => {
    it('opens as a modal alert dialog, named by its heading, with the Stay signed in button focused', async () => {
      await show('warning', 60);
      expect(dialog().matches(':modal')).toBeTrue();
      expect(dialog().getAttribute('role')).toBe('alertdialog');
      expect(described('aria-labelledby')).toBe('Are you still there?');
      expect(described('aria-describedby')).toContain('You will be signed out in 60 seconds');
      expect(document.activeElement).toBe(button('Stay signed in')!);
    });

    it('counts down every second, and announces only 30, 15, 10 and 5 seconds, politely', async () => {
      await show('warning', 60);
      const heard: string[] = [];
      for (let left = 59; left >= 0; left--) {
        await show('warning', left);
        expect(described('aria-describedby')).toContain(
          `signed out in ${left === 1 ? '1 second' : `${left} seconds`}`,
        );
        const said = text(liveRegion());
        if (said && said !== heard.at(-1)) heard.push(said);
      }
      expect(liveRegion()?.getAttribute('aria-atomic')).toBe('true');
      expect(heard).toEqual([30, 15, 10, 5].map((s) => `You will be signed out in ${s} seconds.`));
    });

    it('Stay signed in and Sign out do what they say', async () => {
      await show('warning');
      button('Stay signed in')!.click();
      expect(idle.staySignedIn).toHaveBeenCalledTimes(1);
      button('Sign out')!.click();
      expect(idle.signOut).toHaveBeenCalledTimes(1);
    });

    it('takes Escape as Stay signed in', async () => {
      await show('warning');
      const escape = new Event('cancel', { cancelable: true });
      dialog().dispatchEvent(escape);
      expect(escape.defaultPrevented).toBeTrue();
      expect(idle.staySignedIn).toHaveBeenCalledTimes(1);
    });

    it('closes when the warning is over (Stay signed in here or in another tab)', async () => {
      await show('warning');
      await show('none');
      expect(dialog().open).toBeFalse();
    });
  });

  describe('the notice', () => {
    it('says why the session ended and puts focus on Sign in', async () => {
      await show('warning');
      await show('ended');
      expect(dialog().matches(':modal')).toBeTrue();
      expect(described('aria-labelledby')).toBe('You were signed out');
      expect(described('aria-describedby')).toBe(
        'You were signed out after 15 minutes without activity.',
      );
      expect(document.activeElement).toBe(button('Sign in')!);
      expect(button('Stay signed in')).toBeUndefined();
    });

    it('Sign in signs in again; Close and Escape close it', async () => {
      await show('ended');
      button('Sign in')!.click();
      expect(idle.signIn).toHaveBeenCalledTimes(1);
      button('Close')!.click();
      dialog().dispatchEvent(new Event('cancel', { cancelable: true }));
      expect(idle.dismiss).toHaveBeenCalledTimes(2);
      expect(idle.staySignedIn).not.toHaveBeenCalled();
    });
  });
});
