import { averageBinaryScore, type ClassAverage } from "./average-binary-score.js";
import { MetricInputError } from "./errors.js";
import {
  checkLabelsListed,
  checkSameLength,
  compareLabels,
  isMatrix,
  readLabels,
  readMatrix,
  readNumbers,
  readWeights,
  uniqueLabels,
  type Label,
  type LabelVector,
  type ScoreMatrix,
} from "./inputs.js";
import { rocCurve } from "./roc-curve.js";

/** Options of {@link rocAucScore}. */
export interface RocAucOptions {
  /** Combination of the one-vs-rest AUCs of a multiclass target. Default "macro". */
  readonly average?: ClassAverage;
  readonly sampleWeight?: ArrayLike<number>;
  /** Multiclass only: all classes, sorted, one per score column (needed when one is absent). */
  readonly labels?: readonly Label[];
}

/** Trapezoid area under a curve whose x never decreases (numpy.trapezoid). */
function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    area += (((x[i + 1] ?? 0) - (x[i] ?? 0)) * ((y[i + 1] ?? 0) + (y[i] ?? 0))) / 2;
  }
  return area;
}

/** AUC of one class against the rest; NaN when yTrue holds a single class, as scikit-learn. */
function binaryAuc(yTrue: readonly number[], yScore: number[], w?: number[]): number {
  if (new Set(yTrue).size !== 2) {
    return Number.NaN;
  }
  const { fpr, tpr } = rocCurve(yTrue, yScore, w === undefined ? {} : { sampleWeight: w });
  return trapezoid(fpr, tpr);
}

/**
 * Area under the ROC curve as scikit-learn's `roc_auc_score`.
 *
 * Binary target: one score per sample for the greater label. A target with only one class
 * has no ROC AUC: scikit-learn 1.9 returns NaN with a warning, and so does this.
 *
 * Multiclass target: a probability row per sample (rows must sum to 1), columns in sorted
 * class order, scored one-vs-rest (scikit-learn's `multi_class="ovr"`).
 *
 * @example
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAucScore(
  yTrueIn: LabelVector,
  yScoreIn: ArrayLike<number> | ScoreMatrix,
  options: RocAucOptions = {},
): number | number[] {
  checkSameLength("yTrue", yTrueIn.length, "yScore", yScoreIn.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const weights = readWeights(options.sampleWeight, yTrue.length);
  const present = uniqueLabels(yTrue);
  if (!isMatrix(yScoreIn)) {
    if (present.length > 2) {
      throw new MetricInputError(
        `yTrue has ${present.length} classes: yScore needs a row of class probabilities per sample`,
      );
    }
    const yScore = readNumbers(yScoreIn, "yScore");
    const positive = present[present.length - 1];
    return binaryAuc(
      yTrue.map((y) => (present.length === 2 && y === positive ? 1 : 0)),
      yScore,
      weights,
    );
  }
  const scores = readMatrix(yScoreIn, "yScore");
  const width = scores[0]?.length ?? 0;
  if (present.length <= 2 && width <= 2) {
    throw new MetricInputError(
      "yScore has a row per sample but yTrue is binary: pass the greater label's scores as one number per sample",
    );
  }
  scores.forEach((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    // numpy.allclose(1, sum): |1 - sum| <= atol + rtol * |sum|
    if (!(Math.abs(1 - sum) <= 1e-8 + 1e-5 * Math.abs(sum))) {
      throw new MetricInputError(
        `yScore[${i}] sums to ${sum}: multiclass ROC AUC needs probabilities that sum to 1 over classes`,
      );
    }
  });
  let classes = present;
  if (options.labels !== undefined) {
    classes = [...options.labels];
    if (new Set(classes).size !== classes.length) {
      throw new MetricInputError("labels must be unique");
    }
    if (classes.some((c, i) => i > 0 && compareLabels(classes[i - 1] ?? c, c) > 0)) {
      throw new MetricInputError("labels must be sorted");
    }
    if (classes.length !== width) {
      throw new MetricInputError(
        `labels has ${classes.length} entries but yScore has ${width} columns: give one label per column`,
      );
    }
    checkLabelsListed(present, classes);
  } else if (present.length !== width) {
    throw new MetricInputError(
      `yTrue has ${present.length} classes but yScore has ${width} columns: pass labels listing every class`,
    );
  }
  return averageBinaryScore(
    binaryAuc,
    yTrue,
    classes,
    scores,
    options.average === undefined ? "macro" : options.average,
    weights,
  );
}
