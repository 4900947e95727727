// Starts every server of the e2e stacks at once (playwright.config.ts runs this as its one
// webServer) and prints READY_LINE once each one answers. Playwright would start them one after
// another, about half a second each, twenty of them; side by side they are up in a few seconds.
// RUN_SERVERS holds the list, as JSON: [{ name, command, args, env, url }]. A server that exits
// stops all of them, with a non-zero exit code, so a broken server fails the run at once.
import { fstatSync } from 'node:fs';
import { startProcess, stopAll, waitForUrl } from './processes.mjs';

// playwright.config.ts waits for this line.
const READY_LINE = 'All servers answer.';

const servers = JSON.parse(process.env.RUN_SERVERS ?? '[]');
const children = [];
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  await stopAll(children);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// Playwright holds the other end of our stdin (a socket pair). If it dies without stopping us
// (killed, crashed), that closes: stop the servers rather than leave them holding the e2e ports.
// A terminal or /dev/null as stdin is left alone.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('end', () => void stop(0)).resume();
}

// Like Playwright's reuseExistingServer: false. An answer now comes from something else (often an
// earlier run's server), and the tests would talk to it instead of to what they configured.
const taken = (
  await Promise.all(servers.map(async ({ name, url }) => ((await answers(url)) ? name : null)))
).filter(Boolean);
if (taken.length) {
  console.error(`Something already answers where these servers go: ${taken.join(', ')}.`);
  process.exit(1);
}

for (const { name, command, args = [], env = {} } of servers) {
  const child = startProcess(name, command, args, env);
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[${name}] stopped (exit ${code ?? signal}); stopping the other servers.`);
    void stop(1);
  });
}

try {
  await Promise.all(
    servers.map(({ url }, i) =>
      waitForUrl(url, {
        timeoutMs: 60_000,
        isAlive: () => children[i].exitCode === null && children[i].signalCode === null,
      }),
    ),
  );
  console.log(READY_LINE);
} catch (error) {
  if (!stopping) console.error(`The servers did not start: ${error.message}`);
  await stop(1);
}

async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}
