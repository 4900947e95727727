// The `tokenHold` fault: /v1/token answers held until the test releases them (POST
// /__test__/release), so that a test can act while a renewal is "on the wire" (for example, sign
// out) and then let the answer arrive. Like stall.mjs, a hold never holds the process: it ends as
// soon as the connection closes (the client gave up, or the server is shutting down).

export function createHeldAnswers() {
  /** Release functions of the answers held now. */
  const waiting = new Set();

  return {
    /** How many answers are held now. */
    get count() {
      return waiting.size;
    },

    /**
     * Holds the answer of `ctx` (already built: its tokens are issued) until `releaseAll()`.
     * Resolves true when released, false when the connection closed first (do not answer then).
     */
    hold(ctx) {
      if (ctx.res.destroyed) return Promise.resolve(false);
      return new Promise((resolve) => {
        const finish = (released) => {
          waiting.delete(release);
          ctx.res.off('close', onClose);
          resolve(released);
        };
        const release = () => finish(true);
        const onClose = () => finish(false);
        waiting.add(release);
        ctx.res.once('close', onClose);
      });
    },

    /** Sends every held answer; returns how many there were. */
    releaseAll() {
      const released = [...waiting];
      for (const release of released) release();
      return released.length;
    },

    /** Releases everything (DELETE /__test__/faults): no test leaves an answer hanging. */
    reset() {
      this.releaseAll();
    },
  };
}
