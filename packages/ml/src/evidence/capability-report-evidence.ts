import { Type, type Static } from "typebox";
import { envelopeProperties } from "./evidence-envelope.js";

/**
 * Kind `capability-report`: whether a model crosses capability thresholds, as in
 * a Responsible Scaling Policy's Capability Report (Anthropic RSP §3.3), and the
 * AI Safety Level its deployment therefore needs.
 */
export const CapabilityReportEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("capability-report"),
    thresholds: Type.Array(
      Type.Object({
        id: Type.String({
          pattern: "^[a-z0-9]+(-[a-z0-9]+)*$",
          description: "the threshold, lowercase with hyphens, e.g. `cbrn-3`, `ai-rnd-4`, `cyber`",
        }),
        crossed: Type.Boolean({ description: "whether the model crosses it" }),
        notes: Type.Optional(Type.String({ description: "the evidence for the verdict" })),
      }),
      { minItems: 1, description: "every threshold assessed, with its verdict" },
    ),
    requiredAsl: Type.Integer({
      minimum: 1,
      description: "the AI Safety Level whose safeguards deployment needs, e.g. 3 for ASL-3",
    }),
    effectiveCompute: Type.Number({
      exclusiveMinimum: 0,
      description: "the effective compute (FLOPs) of the model assessed",
    }),
    elicitation: Type.String({
      description: "how capabilities were elicited: scaffolds, fine-tuning, best-of-n, time spent",
    }),
  },
  {
    title: "Capability-report evidence",
    description: "which capability thresholds a model crosses and the safety level it needs",
  },
);

/** A report of kind `capability-report`. */
export type CapabilityReportEvidence = Static<typeof CapabilityReportEvidenceSchema>;
