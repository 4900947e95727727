// The fault switch: makes the provider misbehave on demand so that the app's security tests can
// check that the app defends itself. create-server.mjs builds it only when DEV_PROVIDER_FAULTS=on;
// README.md, "Fault switch", documents the test API and every fault.
import { authorizeFaults } from './authorize-faults.mjs';
import { endpointFaults } from './endpoint-faults.mjs';
import { createHeldAnswers } from './held-answers.mjs';
import { providerKeystore } from './provider-keystore.mjs';
import { createStats } from './stats.mjs';
import { createTestApi, isTestApiUrl, TEST_API_PATH } from './test-api.mjs';
import { tokenFaults } from './token-faults.mjs';

const NO_FAULTS = Object.freeze({});

/** The active fault set, replaced as a whole (see fault-set.mjs). */
function createFaultState() {
  let current = NO_FAULTS;
  return {
    get current() {
      return current;
    },
    replace(faults) {
      current = faults;
      return current;
    },
    clear() {
      current = NO_FAULTS;
    },
  };
}

/**
 * Wiring, in the order create-server.mjs uses it: `extraParams` goes into the configuration;
 * `attach(provider)` once the provider exists; then the Koa middleware (`countRequests` before the
 * CORS middleware, `endpointMiddleware` after it, so faulty answers keep their CORS headers) and
 * `testApi`: its `path`, whether it `matches` a request target, and `handle`, for node:http.
 */
export function createFaultSwitch({ signingKeys }) {
  const state = createFaultState();
  const held = createHeldAnswers();
  const stats = createStats({ heldAnswers: () => held.count });
  const authorize = authorizeFaults({ state });
  let keystore;
  let resetSecondFactor = () => {};

  return {
    extraParams: authorize.extraParams,

    /**
     * `secondFactor`: the TOTP verifier, whose used codes and lockouts the reset forgets too, so
     * that each test can sign in with the current code, however many ran in the last 30 s.
     */
    attach(provider, { secondFactor } = {}) {
      keystore = providerKeystore(provider, signingKeys);
      if (secondFactor) resetSecondFactor = () => secondFactor.reset();
      provider.on('authorization.success', authorize.onAuthorizationSuccess);
    },

    countRequests: stats.countRequests,

    /** The `dpopMode` fault: the DPoP mode that replaces the setting's, or undefined. */
    dpopMode: () => state.current.dpopMode,

    endpointMiddleware: [
      tokenFaults({ state, stats, signingKeys, held }),
      ...endpointFaults({ state }),
    ],

    testApi: {
      path: TEST_API_PATH,
      matches: isTestApiUrl,
      handle: createTestApi({
        state,
        stats,
        held,
        resetSecondFactor: () => resetSecondFactor(),
        async rotateKeys() {
          const { kid } = await signingKeys.rotate();
          keystore.install(signingKeys.list());
          return { kid };
        },
        restoreKeys() {
          const { kid } = signingKeys.restore();
          keystore.install(signingKeys.list());
          return { kid };
        },
      }),
    },
  };
}
