import { Type, type Static } from "typebox";
import { envelopeProperties } from "./evidence-envelope.js";

/** The conclusions a review may reach. */
export const REVIEW_CONCLUSIONS = ["approved", "approved-with-conditions", "rejected"] as const;

function reviewProperties() {
  return {
    reviewer: Type.String({
      minLength: 1,
      description: "who reviewed: a user id, role or body (e.g. `legal`, `ethics-board`)",
    }),
    conclusion: Type.Enum([...REVIEW_CONCLUSIONS], {
      description: `the review's outcome: ${REVIEW_CONCLUSIONS.join(", ")}`,
    }),
    notes: Type.String({ description: "the reasons and any conditions, as text" }),
  };
}

/** Kind `licence-review`: a person's or team's review of the model's licence and its sources. */
export const LicenceReviewEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("licence-review"),
    ...reviewProperties(),
    licence: Type.Optional(
      Type.String({ description: "the licence reviewed: an SPDX expression or a catalogue id" }),
    ),
  },
  {
    title: "Licence-review evidence",
    description: "a review of the model's licence and the licences it inherits",
  },
);

/** Kind `ethics-review`: a review of intended uses, risks and mitigations. */
export const EthicsReviewEvidenceSchema = Type.Object(
  { ...envelopeProperties("ethics-review"), ...reviewProperties() },
  {
    title: "Ethics-review evidence",
    description: "a review of the model's intended uses, risks and mitigations",
  },
);

/** A report of kind `licence-review`. */
export type LicenceReviewEvidence = Static<typeof LicenceReviewEvidenceSchema>;
/** A report of kind `ethics-review`. */
export type EthicsReviewEvidence = Static<typeof EthicsReviewEvidenceSchema>;
