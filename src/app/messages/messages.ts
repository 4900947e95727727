import { httpResource } from '@angular/common/http';
import { Component, computed, inject } from '@angular/core';
import { SessionUnusableError } from '../auth';
import { API_URL } from './api-url';

interface Message {
  readonly id: string;
  readonly text: string;
  readonly date: string;
}

/** Messages from the protected sample API; the auth interceptor adds the access token. */
@Component({
  selector: 'app-messages',
  template: `
    <h1>Messages</h1>
    <p>
      Fetched from <code>{{ endpoint }}</code> with your access token.
    </p>
    <div aria-live="polite">
      @if (messages.isLoading()) {
        <p role="status">Loading messages…</p>
      } @else if (messages.error()) {
        <p role="alert">{{ errorText() }}</p>
      } @else {
        <ul class="messages">
          @for (message of messages.value()?.messages; track message.id) {
            <li>
              <time [attr.datetime]="message.date">{{ message.date }}</time>
              <span>{{ message.text }}</span>
            </li>
          } @empty {
            <li>No messages yet.</li>
          }
        </ul>
      }
    </div>
    <button type="button" (click)="reloadMessages()">Refresh</button>
  `,
  styles: `
    .messages {
      list-style: none;
      padding: 0;
    }
    .messages li {
      background: #fff;
      border: 1px solid #dde1e6;
      border-radius: 0.375rem;
      padding: 0.75rem 1rem;
      margin-bottom: 0.5rem;
      display: grid;
      gap: 0.25rem;
    }
    time {
      font-size: 0.85rem;
      color: #4a4f5c;
    }
  `,
})
export class Messages {
  protected readonly endpoint = `${inject(API_URL)}/api/messages`;
  protected readonly messages = httpResource<{ messages: Message[] }>(() => this.endpoint);
  protected readonly errorText = computed(() => {
    const error = this.messages.error() as { status?: number } | undefined;
    if (error instanceof SessionUnusableError) {
      return 'Your session could not be used in this browser, so you were signed out. Sign in again.';
    }
    if (error?.status === 401) return 'The API did not accept your access token. Sign in again.';
    if (error?.status === 0) return 'The API could not be reached. Is it running?';
    return 'The messages could not be loaded. Please try again.';
  });

  protected reloadMessages(): void {
    this.messages.reload();
  }
}
