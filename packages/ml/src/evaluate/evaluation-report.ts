import type { Task } from "../data/index.js";
import type { EvidenceEnvelope } from "../evidence/index.js";
import type { ClassificationResult } from "./classification-metrics.js";

/** Which rows of a dataset an evaluation scored. */
export interface EvaluationSplit {
  /** `test`: the test part of the seeded split the model was trained with; `all`: every row. */
  readonly name: "test" | "all";
  readonly seed: number | null;
  readonly testFraction: number | null;
  readonly valFraction: number | null;
  readonly stratified: boolean;
  readonly rows: number;
  /** Fingerprint of exactly the rows scored. */
  readonly fingerprint: string;
}

/**
 * Evidence of kind `evaluation`: a model file's metrics on a dataset, documented in
 * docs/evidence.md. Non-finite metric values (a metric undefined for this data) are
 * written as null.
 */
export interface EvaluationReport extends EvidenceEnvelope<"evaluation"> {
  readonly task: Task;
  readonly artifact: { readonly name: string; readonly sha256: string; readonly bytes: number };
  readonly dataset: {
    readonly name: string;
    readonly fingerprint: string;
    readonly rows: number;
    readonly features: readonly string[];
    readonly target: string;
    readonly classes: readonly string[];
  };
  readonly split: EvaluationSplit;
  readonly metrics: Readonly<Record<string, number>>;
  readonly perClass?: ClassificationResult["perClass"];
  readonly confusionMatrix?: ClassificationResult["confusionMatrix"];
  readonly curves?: ClassificationResult["curves"];
  readonly calibration?: ClassificationResult["calibration"];
}
