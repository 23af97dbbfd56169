export { registerAuthHook, type AuthLimits } from "./auth-hook.js";
export { registerCsrf } from "./csrf.js";
export { withPasswordLimits } from "./password-limits.js";
export {
  CSRF_COOKIE,
  CSRF_HEADER,
  SESSION_COOKIE,
  secureCookies,
  sessionCookieOptions,
  setSessionCookie,
} from "./session-cookie.js";
export { clientErrorHandler } from "./client-error.js";
export { registerConnectionCap } from "./connection-cap.js";
export { MAX_PARAM_LENGTH, sendError, sendFrameworkError, toHubError } from "./error-reply.js";
export type { HubApp } from "./hub-app.js";
export { proxyMatcher } from "./proxy-trust.js";
export { registerRequestDeadlines, type RequestDeadlines } from "./request-deadlines.js";
export { baseUrlOf, originOf } from "./request-context.js";
export { validatorCompiler } from "./validator-compiler.js";
export { requireRouteAccess, type RouteAccess, type RouteEntry } from "./route-access.js";
