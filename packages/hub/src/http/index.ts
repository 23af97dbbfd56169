export { registerAuthHook, type AuthLimits } from "./auth-hook.js";
export { sendError, toHubError } from "./error-reply.js";
export type { HubApp } from "./hub-app.js";
export { baseUrlOf, originOf } from "./request-context.js";
export { validatorCompiler } from "./validator-compiler.js";
