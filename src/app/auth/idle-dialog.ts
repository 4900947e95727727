import {
  ChangeDetectorRef,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
} from '@angular/core';
import { IdleTimeout } from './idle-timeout';

/**
 * The screen reader hears the countdown at these seconds only (politely): every second would
 * drown everything else. The dialog's own description gives the time when it opens.
 */
export const ANNOUNCED_SECONDS = [30, 15, 10, 5] as const;

/**
 * The idle timeout's warning, then its notice: a modal `<dialog>` (showModal() makes the rest of
 * the page inert, so focus stays inside) with the role of an alert dialog, named by its heading.
 * Escape counts as "Stay signed in": whoever pressed it is there.
 */
@Component({
  selector: 'app-idle-dialog',
  template: `
    <dialog
      role="alertdialog"
      aria-labelledby="idle-dialog-title"
      aria-describedby="idle-dialog-text"
      (cancel)="cancel($event)"
    >
      @switch (idle.phase()) {
        @case ('warning') {
          <h2 id="idle-dialog-title">Are you still there?</h2>
          <p id="idle-dialog-text">
            You will be signed out in <strong>{{ countdown() }}</strong> because nothing has
            happened for a while.
          </p>
          <p class="visually-hidden" aria-live="polite" aria-atomic="true">{{ announcement() }}</p>
          <p class="actions">
            <button type="button" class="primary" autofocus (click)="staySignedIn()">
              Stay signed in
            </button>
            <button type="button" (click)="signOut()">Sign out</button>
          </p>
        }
        @case ('ended') {
          <h2 id="idle-dialog-title">You were signed out</h2>
          <p id="idle-dialog-text">
            You were signed out after {{ idle.minutes }} minutes without activity.
          </p>
          <p class="actions">
            <button type="button" class="primary" autofocus (click)="signIn()">Sign in</button>
            <button type="button" (click)="dismiss()">Close</button>
          </p>
        }
      }
    </dialog>
  `,
  styles: `
    dialog {
      max-width: min(28rem, calc(100vw - 2rem));
      padding: 1.5rem;
      border: none;
      border-radius: 0.5rem;
      box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.3);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.45);
    }
    h2 {
      margin-top: 0;
      font-size: 1.25rem;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
})
export class IdleDialog {
  protected readonly idle = inject(IdleTimeout);
  private readonly host: HTMLElement = inject(ElementRef).nativeElement;
  private readonly view = inject(ChangeDetectorRef);

  protected readonly countdown = computed(() => seconds(this.idle.secondsLeft()));
  /** The last of ANNOUNCED_SECONDS reached: the live region changes only when it does. */
  protected readonly announcement = computed(() => {
    const left = this.idle.secondsLeft();
    const mark = [...ANNOUNCED_SECONDS].reverse().find((at) => left <= at);
    return mark === undefined ? '' : `You will be signed out in ${seconds(mark)}.`;
  });

  constructor() {
    // Driven by the phase's changes rather than an effect: afterRenderEffect() and viewChild(),
    // which nothing in the initial bundle uses, would add their code there.
    const changes = this.idle.phaseChanges.subscribe((phase) => this.show(phase !== 'none'));
    inject(DestroyRef).onDestroy(() => changes.unsubscribe());
  }

  protected staySignedIn(): Promise<void> {
    return this.idle.staySignedIn();
  }

  protected signOut(): Promise<void> {
    return this.idle.signOut();
  }

  protected signIn(): Promise<void> {
    return this.idle.signIn();
  }

  protected dismiss(): void {
    this.idle.dismiss();
  }

  /** Escape: the warning means "I am here", the notice "close it"; the phase closes the dialog. */
  protected cancel(event: Event): void {
    event.preventDefault();
    if (this.idle.phase() === 'warning') void this.idle.staySignedIn();
    else this.idle.dismiss();
  }

  /** Opens or closes the dialog, and puts focus on its first action whenever its content changes. */
  private show(open: boolean): void {
    this.view.detectChanges(); // The new content first: showModal() and focus() need it.
    const dialog = this.host.querySelector('dialog')!;
    if (!open) {
      if (dialog.open) dialog.close();
      return;
    }
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[autofocus]')?.focus();
  }
}

function seconds(count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`;
}
