export { registerAuthHook, type AuthLimits } from "./auth-hook.js";
export { clientErrorHandler } from "./client-error.js";
export { registerConnectionCap } from "./connection-cap.js";
export { MAX_PARAM_LENGTH, sendError, sendFrameworkError, toHubError } from "./error-reply.js";
export type { HubApp } from "./hub-app.js";
export { proxyMatcher } from "./proxy-trust.js";
export { registerRequestDeadlines, type RequestDeadlines } from "./request-deadlines.js";
export { baseUrlOf, originOf } from "./request-context.js";
export { validatorCompiler } from "./validator-compiler.js";
