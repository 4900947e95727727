// What the bench stack starts (bench-stack.mjs): each server's environment, laid over the shell's
// by childEnv as startProcess does, so that nothing in the shell changes what is measured.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { loadConfig } from '../api/config.mjs';
import { readSettings } from '../dev-provider/settings.mjs';
import { benchStack } from './bench-stack.mjs';
import { childEnv } from './processes.mjs';
import { readOktaChunkDelay, readServeOptions } from './serve.mjs';
import { loadSettings } from './settings.mjs';

describe('the bench stack', () => {
  it("starts the provider with its fault switch off, whatever the shell's DEV_PROVIDER_FAULTS", () => {
    const { providerEnv } = benchStack({});
    assert.equal(providerEnv.DEV_PROVIDER_FAULTS, 'off');
    assert.equal(childEnv(providerEnv, { DEV_PROVIDER_FAULTS: 'on' }).DEV_PROVIDER_FAULTS, 'off');
  });

  it("serves the Okta chunk at full speed, whatever the shell's SERVE_DELAY_OKTA_CHUNK_MS", () => {
    const env = childEnv(benchStack({}).appEnv, { SERVE_DELAY_OKTA_CHUNK_MS: '2500' });
    assert.equal(readOktaChunkDelay(env), 0);
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

  describe('DPoP on and off', () => {
    // What each server makes of the environment the bench gives it, in an empty folder so that no
    // .env or .okta.env takes part, and over a shell that sets the opposite of everything.
    const shell = {
      OKTA_DPOP: 'false',
      OKTA_DPOP_ALLOW_BEARER: 'true',
      DEV_PROVIDER_DPOP: 'required',
      API_DPOP: 'required',
    };
    const empty = () => mkdtempSync(join(tmpdir(), 'bench-root-'));
    const appConfig = (env) => loadSettings(empty(), childEnv(env, shell)).runtimeConfig;

    it('serves the one build twice, with DPoP on and off, differing in nothing else but the port', () => {
      const stack = benchStack({ BENCH_APP_PORT: '4500', BENCH_APP_OFF_PORT: '4501' });
      const on = appConfig(stack.appEnv);
      const off = appConfig(stack.appOffEnv);
      assert.deepEqual(
        [on.dpop, on.dpopAllowBearer, off.dpop, off.dpopAllowBearer],
        [true, false, false, false],
      );
      assert.deepEqual({ ...on, dpop: null }, { ...off, dpop: null });
      assert.deepEqual(
        [stack.variants.on.appOrigin, stack.variants.off.appOrigin],
        ['http://localhost:4500', 'http://localhost:4501'],
      );
    });

    it('has the provider and the API take both apps, and both kinds of token', () => {
      const stack = benchStack({});
      const origins = [stack.variants.on.appOrigin, stack.variants.off.appOrigin];
      const provider = readSettings(childEnv(stack.providerEnv, shell));
      assert.deepEqual([provider.dpop, [...provider.appOrigins]], ['optional', origins]);
      const api = loadConfig(childEnv(stack.apiEnv, shell));
      assert.deepEqual([api.dpop, api.dpopNonces, api.appOrigins], ['allowed', false, origins]);
      assert.equal(
        loadConfig(childEnv(benchStack({ BENCH_API_DPOP_NONCE: 'on' }).apiEnv, shell)).dpopNonces,
        true,
      );
      assert.throws(
        () => benchStack({ BENCH_API_DPOP_NONCE: 'yes' }),
        /BENCH_API_DPOP_NONCE must be "on" or "off"/,
      );
    });
  });
});
