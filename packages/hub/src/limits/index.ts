export { addressKey, unmappedAddress } from "./address-key.js";
export type { FailureLimiter } from "./failure-limiter.js";
export { MemoryFailureLimiter } from "./memory-failure-limiter.js";
export { LimitSpecSchema, type LimitSpec } from "./limit-spec.js";
