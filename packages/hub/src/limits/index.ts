export { FailureLimiter } from "./failure-limiter.js";
