// Stands in for the cross-fetch package, which okta-auth-js bundles only as a fallback
// (`window.fetch || crossFetch`) and which is dead code here: the app gives okta-auth-js its own
// HTTP client (timed-fetch.ts) and every supported browser has fetch. Wired in angular.json
// (fileReplacements); remove with okta-auth-js 8, which no longer depends on cross-fetch.
export default (...args) => globalThis.fetch(...args);
