// The auth folder's surface for the diagnostics page. Not in index.ts: everything index.ts
// re-exports is evaluated with it, so it would land in the initial bundle of every page.
export { SessionDiagnostics } from './session-diagnostics';
export type { SessionFact } from './session-facts';
