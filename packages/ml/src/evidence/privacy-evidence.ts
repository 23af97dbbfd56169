import { Type, type Static, type TSchema } from "typebox";
import { envelopeProperties, sha256Schema } from "./evidence-envelope.js";

/**
 * What a `privacy` report assesses, each with its own body; the report's
 * `assessment` field names one. docs/evidence.md documents each.
 */
export const PRIVACY_ASSESSMENTS = {
  "differential-privacy": "an (ε, δ) differential-privacy guarantee of training or of a mechanism",
  "membership-inference": "how well a membership-inference attack tells training rows from others",
  "pii-scan": "where personal data was found in a file (never what it was)",
  "pii-anonymization": "what an anonymisation of a file replaced",
  "k-anonymity": "the k-anonymity (and l-diversity) of a table",
} as const;

/** One of the keys of {@link PRIVACY_ASSESSMENTS}. */
export type PrivacyAssessment = keyof typeof PRIVACY_ASSESSMENTS;

const count = (description: string) => Type.Integer({ minimum: 0, description });

function variant<A extends PrivacyAssessment, P extends Record<string, TSchema>>(
  assessment: A,
  body: P,
) {
  return Type.Object(
    {
      ...envelopeProperties("privacy"),
      assessment: Type.Literal(assessment, { description: PRIVACY_ASSESSMENTS[assessment] }),
      command: Type.Optional(
        Type.String({ description: "the `gatehouse` command that wrote the report" }),
      ),
      ...body,
    },
    { title: `Privacy evidence: ${assessment}`, description: PRIVACY_ASSESSMENTS[assessment] },
  );
}

/** `differential-privacy`: the guarantee, plus how it was accounted (accountant, σ, q, steps). */
export const DifferentialPrivacyEvidenceSchema = variant("differential-privacy", {
  epsilon: Type.Number({ minimum: 0, description: "ε of the guarantee" }),
  delta: Type.Number({
    minimum: 0,
    exclusiveMaximum: 1,
    description: "δ of the guarantee, in [0, 1)",
  }),
  mechanism: Type.Optional(
    Type.String({ description: "the mechanism, e.g. `dp-sgd` or `poisson-sampled-gaussian`" }),
  ),
  noiseMultiplier: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: "σ: noise std over the clipping norm" }),
  ),
  sampleRate: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 1, description: "Poisson sampling rate q" }),
  ),
  steps: Type.Optional(count("steps accounted for")),
});

const attackSchema = Type.Object(
  {
    auc: Type.Number({ minimum: 0, maximum: 1, description: "ROC AUC; 0.5 means no leak" }),
    advantage: Type.Number({
      minimum: -1,
      maximum: 1,
      description: "membership advantage: the largest TPR − FPR over all thresholds",
    }),
  },
  { description: "an attack's result" },
);

/** `membership-inference`: the audited model and the loss-threshold attack's result. */
export const MembershipInferenceEvidenceSchema = variant("membership-inference", {
  model: Type.Object(
    { file: Type.String({ description: "the model's base name" }), sha256: sha256Schema("it") },
    { description: "the audited model" },
  ),
  lossThreshold: attackSchema,
});

/** `pii-scan`: findings per type in one file. */
export const PiiScanEvidenceSchema = variant("pii-scan", {
  types: Type.Array(Type.String(), { description: "the personal-data types looked for" }),
  findings: count("findings of all types"),
  counts: Type.Record(Type.String(), count("findings of this type"), {
    description: "findings per type",
  }),
});

/** `pii-anonymization`: what replaced personal data in a copy of a file. */
export const PiiAnonymizationEvidenceSchema = variant("pii-anonymization", {
  strategy: Type.String({
    minLength: 1,
    description: "`redact`, `mask`, `pseudonymize` or `generalize`",
  }),
  replaced: count("values replaced, all types"),
  counts: Type.Record(Type.String(), count("values replaced of this type"), {
    description: "values replaced per type",
  }),
  inputSha256: sha256Schema("the file read"),
  outputSha256: sha256Schema("the anonymised copy"),
});

/** `k-anonymity`: the smallest equivalence class of the released table. */
export const KAnonymityEvidenceSchema = variant("k-anonymity", {
  quasiIdentifiers: Type.Array(Type.String(), {
    minItems: 1,
    description: "the quasi-identifier columns",
  }),
  requestedK: Type.Integer({ minimum: 1, description: "the k asked for" }),
  k: count("size of the smallest equivalence class of the released table"),
  satisfiesK: Type.Boolean({ description: "`k >= requestedK`" }),
});

/** One of the privacy variants' schemas. */
const VARIANTS = [
  DifferentialPrivacyEvidenceSchema,
  MembershipInferenceEvidenceSchema,
  PiiScanEvidenceSchema,
  PiiAnonymizationEvidenceSchema,
  KAnonymityEvidenceSchema,
] as const;

/** A report of kind `privacy`, whichever assessment it holds. */
export type PrivacyEvidence =
  | Static<typeof DifferentialPrivacyEvidenceSchema>
  | Static<typeof MembershipInferenceEvidenceSchema>
  | Static<typeof PiiScanEvidenceSchema>
  | Static<typeof PiiAnonymizationEvidenceSchema>
  | Static<typeof KAnonymityEvidenceSchema>;

/**
 * Kind `privacy`: one schema per assessment, told apart by `assessment` (an
 * OpenAPI-style discriminator, which validators use to report only the errors of
 * the assessment named).
 */
export const PrivacyEvidenceSchema = Type.Unsafe<PrivacyEvidence>({
  title: "Privacy evidence",
  description: "a privacy guarantee, audit or check; `assessment` says which",
  type: "object",
  discriminator: { propertyName: "assessment" },
  oneOf: [...VARIANTS],
});
