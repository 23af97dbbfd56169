export { appendAuditEvent, type AuditEventInput, type RequestOrigin } from "./append-event.js";
export { canonicalJson } from "./canonical-json.js";
export { verifyChain, type ChainVerdict } from "./verify-chain.js";
export { registerAuditRoutes } from "./routes.js";
