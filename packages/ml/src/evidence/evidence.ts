import { readFileSync } from "node:fs";
import type { Evidence, EvidenceKind } from "./evidence-kinds.js";
import { validateEvidence, type EvidenceError } from "./validate-evidence.js";
import { writeJsonAtomically } from "./write-json-atomically.js";

/** The envelope every evidence report carries, whatever its kind (docs/evidence.md). */
export interface EvidenceEnvelope<K extends EvidenceKind = EvidenceKind> {
  readonly kind: K;
  readonly schemaVersion: 2;
  /** ISO 8601 time the report was made. */
  readonly createdAt: string;
  readonly producer: { readonly name: string; readonly version: string };
  /** The artifact the report is about: the SHA-256 of its bytes, and its path where known. */
  readonly subject: EvidenceSubject;
  /** One or two sentences a reviewer reads first. */
  readonly summary: string;
  /** The report's own verdict; null when it only measures. */
  readonly passed: boolean | null;
  /** ISO 8601 time after which the report is stale. */
  readonly validUntil?: string;
  /** Training compute (FLOPs) of the model when the report was made. */
  readonly trainingComputeFlops?: number;
}

/** The artifact a report is about. */
export interface EvidenceSubject {
  /** SHA-256 of the artifact's bytes, 64 lowercase hex digits. */
  readonly sha256: string;
  /** Its path in the model version or on disk, e.g. `model.onnx`. */
  readonly path?: string;
}

/** What a new report's envelope says besides its kind. */
export interface EnvelopeFields {
  readonly subject: EvidenceSubject;
  readonly summary: string;
  readonly passed: boolean | null;
  readonly validUntil?: string;
  readonly trainingComputeFlops?: number;
  /** When the report is made; now by default. */
  readonly now?: Date;
}

/** The version of @gatehouse/ml, written into every report and exported model. */
export const TOOLKIT_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

/**
 * The envelope of a new report of `kind` made by this toolkit.
 *
 * @example
 * const report = {
 *   ...evidenceEnvelope("privacy", { subject: { sha256, path: "model.onnx" }, summary, passed: null }),
 *   assessment: "differential-privacy",
 *   epsilon: 2.9,
 *   delta: 1e-5,
 * };
 */
export function evidenceEnvelope<K extends EvidenceKind>(
  kind: K,
  fields: EnvelopeFields,
): EvidenceEnvelope<K> {
  const { now = new Date(), ...rest } = fields;
  return {
    kind,
    schemaVersion: 2,
    createdAt: now.toISOString(),
    producer: { name: "gatehouse", version: TOOLKIT_VERSION },
    ...rest,
  };
}

/** A report that does not match its kind's schema; `errors` lists every problem. */
export class InvalidEvidenceError extends Error {
  constructor(readonly errors: readonly EvidenceError[]) {
    super(
      `invalid evidence report: ${errors.map((e) => `${e.path === "" ? "/" : e.path}: ${e.message}`).join("; ")}`,
    );
    this.name = "InvalidEvidenceError";
  }
}

/**
 * Checks a report against its kind's schema and writes it as pretty JSON,
 * atomically, so a crash never leaves half a report where a policy would read it.
 * Throws {@link InvalidEvidenceError}, writing nothing, when the report is invalid.
 */
export async function writeEvidenceFile(file: string, report: EvidenceEnvelope): Promise<Evidence> {
  const verdict = validateEvidence(report);
  if (!verdict.ok) {
    throw new InvalidEvidenceError(verdict.errors);
  }
  await writeJsonAtomically(file, verdict.evidence);
  return verdict.evidence;
}
