export { appendAuditEvent, type AuditEventInput, type RequestOrigin } from "./append-event.js";
export { canonicalJson } from "./canonical-json.js";
export { verifyChain, type ChainProblem, type ChainVerdict } from "./verify-chain.js";
export { AUDIT_ACTIONS, type AuditAction } from "./actions.js";
