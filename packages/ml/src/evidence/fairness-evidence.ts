import { Type, type Static } from "typebox";
import { envelopeProperties } from "./evidence-envelope.js";

/** Kind `fairness`: one metric compared across the groups of a sensitive attribute. */
export const FairnessEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("fairness"),
    attribute: Type.String({
      minLength: 1,
      description: "the sensitive attribute the groups come from, e.g. `sex`",
    }),
    metric: Type.String({
      minLength: 1,
      description: "the metric compared across groups, e.g. `selection_rate` or `recall`",
    }),
    groups: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1, description: "the group, e.g. `female`" }),
        value: Type.Number({ description: "the metric's value in this group" }),
        rows: Type.Optional(Type.Integer({ minimum: 0, description: "rows of this group" })),
      }),
      { minItems: 2, description: "the metric per group; at least two groups" },
    ),
    disparity: Type.Number({
      description: "the largest gap between groups, measured as `disparityMeasure` says",
    }),
    disparityMeasure: Type.Enum(["difference", "ratio"], {
      description:
        "`difference`: largest minus smallest group value (passes when ≤ threshold); `ratio`: smallest over largest (passes when ≥ threshold)",
    }),
    threshold: Type.Number({ description: "the bound `disparity` is checked against" }),
  },
  {
    title: "Fairness evidence",
    description: "one metric compared across the groups of a sensitive attribute",
  },
);

/** A report of kind `fairness`. */
export type FairnessEvidence = Static<typeof FairnessEvidenceSchema>;
