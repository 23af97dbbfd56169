import path from "node:path";
import {
  evidenceEnvelope,
  fileSha256,
  writeEvidenceFile,
  type PrivacyAssessment,
} from "@gatehouse/ml";

/** What a privacy report says besides its body: the file it is about and its verdict. */
export interface PrivacyReportHead {
  readonly assessment: PrivacyAssessment;
  /** The file the report is about; its sha256 becomes the report's subject. */
  readonly subjectFile: string;
  readonly summary: string;
  readonly passed: boolean | null;
}

/**
 * Writes a privacy evidence report of `fields` to `file` when one was asked for
 * (`--evidence`); the report is checked against its schema before it is written.
 */
export async function writePrivacyEvidence(
  file: string | undefined,
  head: PrivacyReportHead,
  fields: Record<string, unknown>,
): Promise<void> {
  if (file !== undefined) {
    const report = {
      ...evidenceEnvelope("privacy", {
        subject: {
          sha256: await fileSha256(head.subjectFile),
          path: path.basename(head.subjectFile),
        },
        summary: head.summary,
        passed: head.passed,
      }),
      assessment: head.assessment,
      ...fields,
    };
    await writeEvidenceFile(file, report);
  }
}
