// What the bench stack starts (bench-stack.mjs): each server's environment, laid over the shell's
// by childEnv as startProcess does, so that nothing in the shell changes what is measured.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { benchStack } from './bench-stack.mjs';
import { childEnv } from './processes.mjs';
import { readServeOptions } from './serve.mjs';

describe('the bench stack', () => {
  it("starts the provider with its fault switch off, whatever the shell's DEV_PROVIDER_FAULTS", () => {
    const { providerEnv } = benchStack({});
    assert.equal(providerEnv.DEV_PROVIDER_FAULTS, 'off');
    assert.equal(childEnv(providerEnv, { DEV_PROVIDER_FAULTS: 'on' }).DEV_PROVIDER_FAULTS, 'off');
  });

  it("serves the app over plain HTTP with its own config.json, whatever the shell's or .env's serve settings", () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-root-'));
    const serveSettings = [
      'TLS_CERT_FILE=/certs/cert.pem',
      'TLS_KEY_FILE=/certs/key.pem',
      'APP_CONFIG_FILE=/deploy/config.json',
      'TRUST_PROXY=1',
    ];
    writeFileSync(join(root, '.env'), `${serveSettings.join('\n')}\n`);
    const shell = Object.fromEntries(serveSettings.map((line) => line.split('=')));
    const env = childEnv(benchStack({}).appEnv, shell);
    assert.deepEqual(readServeOptions(root, env), {
      tlsFiles: null,
      configFile: null,
      trustProxy: false,
    });
  });
});
