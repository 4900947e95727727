// Test support (not a test file): runs a server's entry point as a child process and waits until it
// says it is ready. Shared by the Node tests that need a real process (ready lines, exit codes,
// signals, what reaches stderr), so each of them starts, waits and stops the same way.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts `node <entry> ...args` with only PATH and `env` in its environment, so the developer's own
 * OKTA_*, API_* or DEV_PROVIDER_* settings cannot leak into a test. Its output is collected in
 * `output`; `exited` resolves once it has exited and its output is complete.
 *
 * @param {string} entry path of the script to run with this Node binary
 * @param {{ env?: Record<string, string>, args?: string[], nodeArgs?: string[], cwd?: string }}
 *   [options] `args` follow the entry; `nodeArgs` (Node's own options) come before it
 */
export function spawnServer(entry, { env = {}, args = [], nodeArgs = [], cwd } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], {
    env: { PATH: process.env.PATH, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output.stderr += chunk));
  // 'close' rather than 'exit': it comes after the output streams end, so nothing is missed.
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  /**
   * Resolves with the match once `pattern` matches everything `stream` has printed so far;
   * rejects, with the process's stderr, if it exits first or `timeoutMs` passes.
   */
  function waitFor(pattern, { stream = 'stdout', timeoutMs = READY_TIMEOUT_MS } = {}) {
    return new Promise((resolve, reject) => {
      let timer;
      const finish = (settle) => {
        clearTimeout(timer);
        child[stream].off('data', check);
        settle();
      };
      function check() {
        const match = pattern.exec(output[stream]);
        if (match) finish(() => resolve(match));
      }
      timer = setTimeout(
        () => finish(() => reject(failure(`did not print ${pattern} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      // Listeners run in the order added, so `output` already holds the chunk when check runs.
      child[stream].on('data', check);
      exited.then(({ code, signal }) =>
        finish(() => reject(failure(`exited (${code ?? signal}) before printing ${pattern}`))),
      );
      check();
    });
  }

  /** Sends `signal` if it still runs, SIGKILL after a grace period; resolves once it has exited. */
  async function stop(signal = 'SIGTERM') {
    if (isRunning()) {
      const force = setTimeout(() => isRunning() && child.kill('SIGKILL'), STOP_GRACE_MS);
      child.kill(signal);
      exited.finally(() => clearTimeout(force));
    }
    return exited;
  }

  function failure(what) {
    return new Error(`${entry} ${what}. stdout: ${output.stdout} stderr: ${output.stderr}`);
  }

  return { child, output, exited, isRunning, waitFor, stop };
}

/**
 * `spawnServer`, then waits until stdout matches `ready` (its ready line). Resolves to the same
 * handle plus `ready`, the match. A process that never gets ready is stopped before this rejects.
 *
 * @param {string} entry
 * @param {Parameters<typeof spawnServer>[1] & { ready: RegExp, timeoutMs?: number }} options
 */
export async function startServer(entry, { ready, timeoutMs, ...options }) {
  const server = spawnServer(entry, options);
  try {
    return { ...server, ready: await server.waitFor(ready, { timeoutMs }) };
  } catch (err) {
    await server.stop('SIGKILL');
    throw err;
  }
}
