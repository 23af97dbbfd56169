import { MetricInputError } from "./errors.js";
import {
  checkSameLength,
  defaultPosLabel,
  readLabels,
  readNumbers,
  readWeights,
  uniqueLabels,
  type Label,
  type LabelVector,
} from "./inputs.js";

/** Cumulative false and true positives at each distinct score, highest score first. */
export interface ThresholdCounts {
  readonly fps: number[];
  readonly tps: number[];
  readonly thresholds: number[];
}

/** Options of the threshold curves. */
export interface CurveOptions {
  /** Positive class. Default: 1, allowed only when labels are {0, 1} or {-1, 1}. */
  readonly posLabel?: Label;
  readonly sampleWeight?: ArrayLike<number>;
}

/**
 * scikit-learn's `confusion_matrix_at_thresholds`: samples with zero weight are dropped,
 * scores are sorted descending, and each run of tied scores becomes one threshold.
 */
export function thresholdCounts(
  yTrueIn: LabelVector,
  yScoreIn: ArrayLike<number>,
  options: CurveOptions,
): ThresholdCounts {
  checkSameLength("yTrue", yTrueIn.length, "yScore", yScoreIn.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const yScore = readNumbers(yScoreIn, "yScore");
  const weights = readWeights(options.sampleWeight, yTrue.length);
  const classes = uniqueLabels(yTrue);
  if (classes.length > 2 && options.posLabel === undefined) {
    throw new MetricInputError(
      `yTrue has ${classes.length} classes: a threshold curve needs a binary target or a posLabel`,
    );
  }
  const pos = options.posLabel ?? defaultPosLabel(classes, "yTrue");
  let idx = yTrue.map((_, i) => i);
  if (weights !== undefined) {
    idx = idx.filter((i) => weights[i] !== 0);
  }
  // Array.prototype.sort is stable, so tied scores keep input order, as numpy's stable sort.
  idx.sort((a, b) => (yScore[b] ?? 0) - (yScore[a] ?? 0));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  idx.forEach((s, k) => {
    const w = weights === undefined ? 1 : (weights[s] ?? 0);
    if (yTrue[s] === pos) {
      tp += w;
    } else {
      fp += w;
    }
    const next = idx[k + 1];
    const score = yScore[s] ?? 0;
    if (next === undefined || (yScore[next] ?? 0) !== score) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(score);
    }
  });
  return { fps, tps, thresholds };
}
