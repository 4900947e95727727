// The auth folder's public surface: code outside src/app/auth imports from here, never from @okta/*.
export { AuthConfigError, parseAuthConfig } from './auth-config';
export type { AuthConfig, TokenStorage } from './auth-config';
export { AUTH_CONFIG } from './auth-config-token';
export { fetchConfigJson, loadAuthConfig } from './load-auth-config';
export type { FetchConfig } from './load-auth-config';
export { authGuard, inOrder, requireSignIn, stepUpGuard } from './auth-guard';
export type { AuthenticationRequirement } from './acr';
export { CALLBACK_PATH } from './auth-paths';
export { FORBIDDEN_PATH, groupGuard, isInGroup } from './group-guard';
export { authInterceptor } from './auth-interceptor';
export { SessionUnusableError } from './session-unusable-error';
export { AuthSession } from './auth-session';
export { provideOktaAuth } from './provide-okta-auth';
export type { AuthRoutes } from './provide-okta-auth';
export { loadLoginCallback, loadOktaRuntime } from './okta-loader';
export { needsOktaFirst } from './needs-okta-first';
export { showStartupError } from './startup-error';
