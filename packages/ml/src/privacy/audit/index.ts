export { MembershipAuditError } from "./membership-audit-error.js";
export { onnxPredictor, type MembershipPredictor } from "./membership-predictor.js";
export {
  LOSS_PROBABILITY_CLIP,
  exampleLosses,
  lossFor,
  type ExampleLoss,
} from "./example-losses.js";
export { calibratedScores, lossThresholdScores } from "./calibrated-scores.js";
export {
  DEFAULT_FPR_TARGETS,
  membershipAttackMetrics,
  type MembershipAttackMetrics,
  type TprAtFpr,
} from "./membership-attack-metrics.js";
export {
  auditMembership,
  type AuditSetSummary,
  type CalibratedAttackResult,
  type MembershipAuditInput,
  type MembershipAuditResult,
} from "./audit-membership.js";
export {
  fileFingerprint,
  readAuditSplit,
  type AuditSplit,
  type FileFingerprint,
  type ReadAuditSplitOptions,
} from "./read-audit-split.js";
export {
  auditOnnxModel,
  type OnnxMembershipAuditOptions,
  type OnnxMembershipAuditResult,
} from "./audit-onnx-model.js";
export {
  membershipAuditEvidence,
  type AuditSetEvidence,
  type MembershipAuditEvidence,
} from "./membership-audit-evidence.js";
