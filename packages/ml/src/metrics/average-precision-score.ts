import { averageBinaryScore, type ClassAverage } from "./average-binary-score.js";
import { MetricInputError } from "./errors.js";
import {
  checkSameLength,
  isMatrix,
  readLabels,
  readMatrix,
  readWeights,
  uniqueLabels,
  type Label,
  type LabelVector,
  type ScoreMatrix,
} from "./inputs.js";
import { precisionRecallCurve } from "./precision-recall-curve.js";

/** Options of {@link averagePrecisionScore}. */
export interface AveragePrecisionOptions {
  /** Positive class of a binary target. Default 1. */
  readonly posLabel?: Label;
  /** Combination of the one-vs-rest scores of a multiclass target. Default "macro". */
  readonly average?: ClassAverage;
  readonly sampleWeight?: ArrayLike<number>;
}

function binaryAp(yTrue: LabelVector, yScore: number[], posLabel: Label, w?: number[]): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, {
    posLabel,
    ...(w === undefined ? {} : { sampleWeight: w }),
  });
  let sum = 0;
  for (let i = 0; i + 1 < recall.length; i++) {
    sum += ((recall[i + 1] ?? 0) - (recall[i] ?? 0)) * (precision[i] ?? 0);
  }
  return Math.max(0, -sum);
}

/**
 * Average precision as scikit-learn's `average_precision_score`: the step-wise sum
 * Σ (Rₙ − Rₙ₋₁)·Pₙ over thresholds, with no interpolation. A binary target takes one score
 * per sample; a multiclass target (three or more classes) takes a score row per sample with
 * columns in sorted class order, scored one-vs-rest.
 *
 * @example
 * averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 */
export function averagePrecisionScore(
  yTrueIn: LabelVector,
  yScoreIn: ArrayLike<number> | ScoreMatrix,
  options: AveragePrecisionOptions = {},
): number | number[] {
  checkSameLength("yTrue", yTrueIn.length, "yScore", yScoreIn.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const weights = readWeights(options.sampleWeight, yTrue.length);
  const classes = uniqueLabels(yTrue);
  const posLabel = options.posLabel ?? 1;
  if (classes.length <= 2) {
    if (classes.length === 2 && !classes.includes(posLabel)) {
      throw new MetricInputError(
        `posLabel ${JSON.stringify(posLabel)} is not a valid label: it should be one of ${classes.map((c) => JSON.stringify(c)).join(", ")}`,
      );
    }
    if (isMatrix(yScoreIn)) {
      throw new MetricInputError(
        "yScore has a row per sample but yTrue is binary: pass the positive class's scores as one number per sample",
      );
    }
    return binaryAp(yTrue as LabelVector, Array.from(yScoreIn), posLabel, weights);
  }
  if (options.posLabel !== undefined && options.posLabel !== 1) {
    throw new MetricInputError("posLabel is fixed to 1 for a multiclass yTrue: do not set it");
  }
  if (!isMatrix(yScoreIn)) {
    throw new MetricInputError(
      `yTrue has ${classes.length} classes: yScore needs a row of ${classes.length} scores per sample`,
    );
  }
  const scores = readMatrix(yScoreIn, "yScore");
  if ((scores[0]?.length ?? 0) !== classes.length) {
    throw new MetricInputError(
      `yScore has ${scores[0]?.length ?? 0} columns but yTrue has ${classes.length} classes: give one column per class`,
    );
  }
  return averageBinaryScore(
    (t, s, w) => binaryAp(t, s, 1, w),
    yTrue,
    classes,
    scores,
    options.average === undefined ? "macro" : options.average,
    weights,
  );
}
