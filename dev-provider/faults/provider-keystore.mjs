// Key rotation inside a running oidc-provider. It takes its signing keys once, in the `jwks`
// configuration, and has no public way to change them; a restart would end every session and code
// the rotation tests need. So this reaches into its internal state (lib/helpers/weak_cache.js: the
// KeyStore that signs and verifies, and the key set /v1/keys publishes). Only the fault switch uses
// it, and `providerKeystore` checks the shape at start-up, so an oidc-provider upgrade that moves
// these fails the fault-switch start at once rather than a rotation test later.
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

export function providerKeystore(provider, signingKeys) {
  const internals = instance(provider);
  const { keystore } = internals ?? {};
  const isKnownShape =
    typeof keystore?.clear === 'function' &&
    typeof keystore?.add === 'function' &&
    typeof keystore?.[Symbol.iterator] === 'function' &&
    Array.isArray(internals.jwks?.keys) &&
    [...keystore].some((key) => key.kid === signingKeys.current.kid);
  if (!isKnownShape) {
    throw new Error(
      'This oidc-provider version keeps its signing keys elsewhere; update faults/provider-keystore.mjs.',
    );
  }

  return {
    /**
     * Makes oidc-provider sign with the first of `keys` and accept and publish all of them. It
     * signs with the first RS256 key it finds (KeyStore#selectForSign keeps insertion order among
     * equals), hence newest first.
     */
    install(keys) {
      keystore.clear();
      for (const key of keys) keystore.add(structuredClone(key.privateJwk));
      internals.jwks = { keys: keys.map((key) => ({ ...key.publicJwk })) };
    },
  };
}
