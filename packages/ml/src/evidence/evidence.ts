import { readFileSync } from "node:fs";
import { writeJsonAtomically } from "./write-json-atomically.js";

/** The kinds of evidence report the toolkit writes; docs/evidence.md documents each. */
export type EvidenceKind = "evaluation" | "privacy";

/** Fields every evidence report carries, whatever its kind. */
export interface EvidenceHeader<K extends EvidenceKind = EvidenceKind> {
  readonly kind: K;
  readonly schemaVersion: 1;
  /** ISO 8601 time the report was made. */
  readonly createdAt: string;
  readonly producer: { readonly name: "gatehouse"; readonly version: string };
}

/** The version of @gatehouse/ml, written into every report and exported model. */
export const TOOLKIT_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/**
 * The header for a new report of `kind`, dated now.
 *
 * @example
 * const report = { ...evidenceHeader("privacy"), epsilon: 2.9, delta: 1e-5 };
 */
export function evidenceHeader<K extends EvidenceKind>(
  kind: K,
  now = new Date(),
): EvidenceHeader<K> {
  return {
    kind,
    schemaVersion: 1,
    createdAt: now.toISOString(),
    producer: { name: "gatehouse", version: TOOLKIT_VERSION },
  };
}

/**
 * Writes a report as pretty JSON, atomically, so a crash never leaves half a
 * report where a policy would read it.
 */
export async function writeEvidenceFile(file: string, report: EvidenceHeader): Promise<void> {
  await writeJsonAtomically(file, report);
}
