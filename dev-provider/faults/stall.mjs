// Holds a response back, as a stalled network or server would, without holding the process: the
// timer is unref'd, and the wait ends as soon as the connection closes (the client gave up, or the
// server is shutting down and closed every connection), so SIGTERM still stops the provider at once.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits `ms` before the response to `ctx` is sent. Resolves true when the wait is over, false when
 * the connection closed first; the caller then must not answer (see `abandon`).
 */
export async function stall(ctx, ms) {
  if (ctx.res.destroyed) return false;
  const closed = new AbortController();
  const onClose = () => closed.abort();
  ctx.res.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: closed.signal, ref: false });
    return true;
  } catch (err) {
    if (err.name === 'AbortError') return false;
    throw err;
  } finally {
    ctx.res.off('close', onClose);
  }
}

/** Tells Koa not to write to a connection that is gone. */
export function abandon(ctx) {
  ctx.respond = false;
}
