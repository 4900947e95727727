/**
 * What the app's tabs say to each other over the `${clientId}-session` BroadcastChannel. Any
 * same-origin page can post there, so nothing is believed before `parseSessionMessage` has read it,
 * and a token set is stored only after `checkTokenSet` (token-set-checks.ts) accepted it.
 */
export type SessionMessage =
  /** A tab opened later asks the open ones for the session (sessionStorage mode only). */
  | { readonly type: 'request-session' }
  /** A tab's session: its tokens, and the session generation they belong to. */
  | { readonly type: 'tokens'; readonly tokens: unknown; readonly generation: number }
  /** A tab whose API answered 401 asks the renewing tab to renew now. */
  | { readonly type: 'request-renewal' }
  /** The session ended (sign-out, failed renewal); `generation` is the one that begins now. */
  | { readonly type: 'signed-out'; readonly generation: number };

/** Reads a message from the channel; anything that is not exactly one of the above is null. */
export function parseSessionMessage(data: unknown): SessionMessage | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const message = data as Record<string, unknown>;
  const keys = Object.keys(message).sort().join(',');
  switch (message['type']) {
    case 'request-session':
    case 'request-renewal':
      return keys === 'type' ? { type: message['type'] } : null;
    case 'tokens':
      return keys === 'generation,tokens,type' && isGeneration(message['generation'])
        ? { type: 'tokens', tokens: message['tokens'], generation: message['generation'] }
        : null;
    case 'signed-out':
      return keys === 'generation,type' && isGeneration(message['generation'])
        ? { type: 'signed-out', generation: message['generation'] }
        : null;
    default:
      return null;
  }
}

function isGeneration(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
