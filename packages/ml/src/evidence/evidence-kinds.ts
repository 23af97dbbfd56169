import { Type, type TSchema } from "typebox";
import {
  CapabilityReportEvidenceSchema,
  type CapabilityReportEvidence,
} from "./capability-report-evidence.js";
import { EvaluationEvidenceSchema, type EvaluationEvidence } from "./evaluation-evidence.js";
import { FairnessEvidenceSchema, type FairnessEvidence } from "./fairness-evidence.js";
import { PrivacyEvidenceSchema, type PrivacyEvidence } from "./privacy-evidence.js";
import { RedTeamEvidenceSchema, type RedTeamEvidence } from "./red-team-evidence.js";
import {
  EthicsReviewEvidenceSchema,
  LicenceReviewEvidenceSchema,
  type EthicsReviewEvidence,
  type LicenceReviewEvidence,
} from "./review-evidence.js";
import { SecurityScanEvidenceSchema, type SecurityScanEvidence } from "./security-scan-evidence.js";

/**
 * One evidence report, whatever its kind: the catalogue of kinds is this union
 * and {@link EVIDENCE_KINDS}. Narrow it on `kind`.
 *
 * @example
 * if (evidence.kind === "capability-report" && evidence.requiredAsl >= 3) { … }
 */
export type Evidence =
  | EvaluationEvidence
  | PrivacyEvidence
  | FairnessEvidence
  | SecurityScanEvidence
  | RedTeamEvidence
  | LicenceReviewEvidence
  | EthicsReviewEvidence
  | CapabilityReportEvidence;

/** The kinds of evidence report; docs/evidence.md documents each. */
export type EvidenceKind = Evidence["kind"];

/** The report of kind `K`. */
export type EvidenceOf<K extends EvidenceKind> = Extract<Evidence, { kind: K }>;

/** A kind's meaning and its JSON Schema (envelope and body together). */
export interface EvidenceKindEntry {
  /** What a report of this kind says, in one sentence. */
  readonly meaning: string;
  readonly schema: TSchema;
}

/**
 * The catalogue of evidence kinds: meaning and JSON Schema of each. A new kind
 * is a schema file, a member of {@link Evidence} and a row here.
 */
export const EVIDENCE_KINDS: { readonly [K in EvidenceKind]: EvidenceKindEntry } = {
  evaluation: {
    meaning: "a model's metrics on a dataset",
    schema: EvaluationEvidenceSchema,
  },
  privacy: {
    meaning:
      "a privacy guarantee, audit or check: differential privacy, membership inference, personal data, k-anonymity",
    schema: PrivacyEvidenceSchema,
  },
  fairness: {
    meaning: "one metric compared across the groups of a sensitive attribute, against a threshold",
    schema: FairnessEvidenceSchema,
  },
  "security-scan": {
    meaning: "an artifact scanner's findings (unsafe serialisation, embedded code, secrets)",
    schema: SecurityScanEvidenceSchema,
  },
  "red-team": {
    meaning: "an adversarial-testing exercise: who tested what, when, and what they found",
    schema: RedTeamEvidenceSchema,
  },
  "licence-review": {
    meaning: "a review of the model's licence and the licences it inherits",
    schema: LicenceReviewEvidenceSchema,
  },
  "ethics-review": {
    meaning: "a review of the model's intended uses, risks and mitigations",
    schema: EthicsReviewEvidenceSchema,
  },
  "capability-report": {
    meaning:
      "which capability thresholds (e.g. CBRN-3, AI R&D-4) a model crosses and the safety level its deployment needs",
    schema: CapabilityReportEvidenceSchema,
  },
};

/** Every evidence kind, in catalogue order. */
export const EVIDENCE_KIND_NAMES = Object.keys(EVIDENCE_KINDS) as readonly EvidenceKind[];

/** Whether `kind` names a kind in the catalogue. */
export function isEvidenceKind(kind: unknown): kind is EvidenceKind {
  return typeof kind === "string" && Object.hasOwn(EVIDENCE_KINDS, kind);
}

/** The JSON Schema of one kind's report, envelope included (what the hub serves per kind). */
export function evidenceJsonSchema(kind: EvidenceKind): TSchema {
  return EVIDENCE_KINDS[kind].schema;
}

/** The JSON Schema of any report: one of the kinds' schemas, told apart by `kind`. */
export const EvidenceSchema = Type.Unsafe<Evidence>({
  title: "Gatehouse evidence report",
  description: "an evidence report of one of the kinds; `kind` says which",
  oneOf: EVIDENCE_KIND_NAMES.map((kind) => EVIDENCE_KINDS[kind].schema),
});
