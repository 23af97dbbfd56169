export { addressKey, unmappedAddress } from "./address-key.js";
export type { FailureLimiter } from "./failure-limiter.js";
export { limitWindow, isTimeZone, type LimitPeriod, type LimitWindow } from "./limit-windows.js";
export { MemoryFailureLimiter } from "./memory-failure-limiter.js";
export { LimitSpecSchema, specProblem, type LimitSpec } from "./limit-spec.js";
export {
  NO_POLICY_LIMITS,
  type FileLimits,
  type PolicyLimits,
  type Tier,
  type TierFacts,
} from "./usage-policy.js";
export {
  evaluateTiers,
  promoteTiers,
  startTierPromotion,
  type TierChange,
} from "./account-tiers.js";
export {
  admitCall,
  type Admission,
  type CallToLimit,
  type GenerationTokens,
} from "./admit-call.js";
export { MemoryUsageLimiter } from "./memory-usage-limiter.js";
export { openUsageLimiter } from "./open-usage-limiter.js";
export {
  isPolicyName,
  rateLimitHeaders,
  sfString,
  type RateLimitHeaders,
} from "./ratelimit-headers.js";
export {
  RedisUsageLimiter,
  type LimiterLog,
  type LimitsUnavailable,
  type RedisUsageLimiterOptions,
} from "./redis-usage-limiter.js";
export type {
  ConcurrencyLimit,
  LimitCheck,
  LimitDecision,
  UsageLimiter,
  WindowLimit,
  WindowState,
} from "./usage-limiter.js";
export {
  noCallFacts,
  type CallFacts,
  type GenerationCount,
  type UsageEntry,
} from "./usage-entry.js";
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
export { raiseSignal, type RaisedSignal } from "./raise-signal.js";
export { SignalWatch, type SignalLog, type SignalWatchStats } from "./signal-watch.js";
export {
  estimateJaccard,
  hashText,
  MAX_SHINGLED_ELEMENTS,
  minhash,
  MINHASH_SIZE,
  quantise,
  tensorShingles,
} from "./minhash.js";
export { binaryTensorShingles } from "./binary-tensor-shingles.js";
export { inputSignature } from "./input-signature.js";
export {
  MAX_PROMPT_READ,
  normaliseText,
  TEXT_SHINGLE_CHARS,
  textShingles,
  tokenShingles,
} from "./text-shingles.js";
export { chatParts, promptParts, promptSignature, type PromptParts } from "./prompt-signature.js";
export { callInputs, type CallInputs } from "./call-inputs.js";
export {
  SignalDetectors,
  SIGNAL_WINDOWS_MS,
  type CallerKey,
  type ObservedCall,
  type SeedRequest,
  type SignalHit,
} from "./signal-detectors.js";
export {
  SIGNAL_ACTIONS,
  SIGNAL_KIND_NAMES,
  type SignalAction,
  type SignalKind,
  type SignalSubjectKind,
} from "./signal-kinds.js";
export {
  decideSignalAction,
  strongerAction,
  type SignalDecision,
  type SignalFacts,
  type SignalRule,
} from "./signal-rules.js";
export { BASELINE_ALPHA, SEED_HOURS, seedBaseline, type HourlyCalls } from "./spike-baseline.js";
export { readSpikeBaseline } from "./read-spike-baseline.js";
