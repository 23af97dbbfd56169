import { Type, type Static } from "typebox";
import { dateTimeSchema, envelopeProperties, severitySchema } from "./evidence-envelope.js";

/** Kind `red-team`: an adversarial-testing exercise and what it found. */
export const RedTeamEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("red-team"),
    team: Type.String({
      minLength: 1,
      description: "who tested: a team or organisation name (not a person's name)",
    }),
    scope: Type.String({
      minLength: 1,
      description: "what was tested and how, e.g. `jailbreaks of the chat API, CBRN uplift`",
    }),
    period: Type.Object(
      {
        start: dateTimeSchema("when testing began"),
        end: dateTimeSchema("when testing ended"),
      },
      { description: "when the exercise ran" },
    ),
    findings: Type.Array(
      Type.Object({
        severity: severitySchema(),
        title: Type.String({ minLength: 1, description: "the finding in a few words" }),
        mitigated: Type.Optional(
          Type.Boolean({ description: "whether it was fixed before the report" }),
        ),
      }),
      { description: "every finding; empty when none" },
    ),
  },
  {
    title: "Red-team evidence",
    description: "an adversarial-testing exercise and what it found",
  },
);

/** A report of kind `red-team`. */
export type RedTeamEvidence = Static<typeof RedTeamEvidenceSchema>;
