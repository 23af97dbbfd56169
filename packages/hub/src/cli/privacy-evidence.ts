import { evidenceHeader, writeEvidenceFile } from "@gatehouse/ml";

/** Writes a privacy evidence report of `fields` to `file` when one was asked for (`--evidence`). */
export async function writePrivacyEvidence(
  file: string | undefined,
  fields: Record<string, unknown>,
): Promise<void> {
  if (file !== undefined) {
    await writeEvidenceFile(file, { ...evidenceHeader("privacy"), ...fields });
  }
}
