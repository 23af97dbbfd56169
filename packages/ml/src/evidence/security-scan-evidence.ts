import { Type, type Static } from "typebox";
import { envelopeProperties, severitySchema } from "./evidence-envelope.js";

/** Kind `security-scan`: an artifact scanner's findings (unsafe pickles, embedded code, secrets). */
export const SecurityScanEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("security-scan"),
    scanner: Type.Object(
      {
        name: Type.String({ minLength: 1, description: "the scanner, e.g. `modelscan`" }),
        version: Type.String({ minLength: 1, description: "the scanner's version" }),
      },
      { description: "the scanner that ran" },
    ),
    filesScanned: Type.Integer({ minimum: 0, description: "how many files were scanned" }),
    findings: Type.Array(
      Type.Object({
        severity: severitySchema(),
        rule: Type.String({ minLength: 1, description: "the scanner's rule or check id" }),
        message: Type.String({ minLength: 1, description: "what was found" }),
        file: Type.Optional(Type.String({ description: "the file it was found in" })),
      }),
      { description: "every finding; empty when the scan found nothing" },
    ),
  },
  {
    title: "Security-scan evidence",
    description: "an artifact scanner's findings",
  },
);

/** A report of kind `security-scan`. */
export type SecurityScanEvidence = Static<typeof SecurityScanEvidenceSchema>;
