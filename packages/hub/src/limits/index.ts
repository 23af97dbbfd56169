export { addressKey, unmappedAddress } from "./address-key.js";
export type { FailureLimiter } from "./failure-limiter.js";
export { MemoryFailureLimiter } from "./memory-failure-limiter.js";
export { noCallFacts, type CallFacts, type UsageEntry } from "./usage-entry.js";
export {
  pruneUsage,
  startUsagePruning,
  type UsagePruned,
  type UsageRetention,
} from "./usage-prune.js";
export {
  USAGE_RECORDER_DEFAULTS,
  UsageRecorder,
  type UsageLog,
  type UsageRecorderOptions,
  type UsageRecorderStats,
} from "./usage-recorder.js";
export {
  USAGE_GROUPINGS,
  usageReport,
  type UsageGrouping,
  type UsageReport,
  type UsageReportQuery,
  type UsageReportRow,
} from "./usage-report.js";
