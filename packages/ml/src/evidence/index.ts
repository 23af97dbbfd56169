export {
  InvalidEvidenceError,
  TOOLKIT_VERSION,
  evidenceEnvelope,
  writeEvidenceFile,
  type EnvelopeFields,
  type EvidenceEnvelope,
  type EvidenceSubject,
} from "./evidence.js";
export {
  EVIDENCE_KINDS,
  EVIDENCE_KIND_NAMES,
  EvidenceSchema,
  evidenceJsonSchema,
  isEvidenceKind,
  type Evidence,
  type EvidenceKind,
  type EvidenceKindEntry,
  type EvidenceOf,
} from "./evidence-kinds.js";
export {
  EvidenceSubjectSchema,
  SEVERITIES,
  SHA256_PATTERN,
  type Severity,
} from "./evidence-envelope.js";
export { EvaluationEvidenceSchema, type EvaluationEvidence } from "./evaluation-evidence.js";
export {
  DifferentialPrivacyEvidenceSchema,
  KAnonymityEvidenceSchema,
  MembershipInferenceEvidenceSchema,
  PRIVACY_ASSESSMENTS,
  PiiAnonymizationEvidenceSchema,
  PiiScanEvidenceSchema,
  PrivacyEvidenceSchema,
  type PrivacyAssessment,
  type PrivacyEvidence,
} from "./privacy-evidence.js";
export { FairnessEvidenceSchema, type FairnessEvidence } from "./fairness-evidence.js";
export { SecurityScanEvidenceSchema, type SecurityScanEvidence } from "./security-scan-evidence.js";
export { RedTeamEvidenceSchema, type RedTeamEvidence } from "./red-team-evidence.js";
export {
  EthicsReviewEvidenceSchema,
  LicenceReviewEvidenceSchema,
  REVIEW_CONCLUSIONS,
  type EthicsReviewEvidence,
  type LicenceReviewEvidence,
} from "./review-evidence.js";
export {
  CapabilityReportEvidenceSchema,
  type CapabilityReportEvidence,
} from "./capability-report-evidence.js";
export {
  validateEvidence,
  type EvidenceError,
  type EvidenceValidation,
} from "./validate-evidence.js";
export {
  COMPUTE_STALENESS_FACTOR,
  DEFAULT_MAX_AGE_DAYS,
  evidenceStaleness,
  type Staleness,
  type StalenessContext,
} from "./evidence-staleness.js";
export { fileSha256 } from "./file-sha256.js";
export { writeJsonAtomically } from "./write-json-atomically.js";
