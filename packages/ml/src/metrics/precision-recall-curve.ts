import { thresholdCounts, type CurveOptions } from "./binary-clf-curve.js";
import type { LabelVector } from "./inputs.js";

/** Options of {@link precisionRecallCurve}. */
export interface PrecisionRecallCurveOptions extends CurveOptions {
  /** Drop thresholds where true positives do not change (vertical runs). Default false. */
  readonly dropIntermediate?: boolean;
}

/**
 * Precision and recall at each threshold, recall decreasing, ending at (recall 0, precision 1)
 * which has no threshold, so `thresholds` is one shorter.
 */
export interface PrecisionRecallCurve {
  readonly precision: number[];
  readonly recall: number[];
  readonly thresholds: number[];
}

/**
 * Precision-recall pairs for each distinct score, as scikit-learn's `precision_recall_curve`.
 * Precision with no predicted positives is 0; with no positive sample, recall is 1 throughout.
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(
  yTrue: LabelVector,
  yScore: ArrayLike<number>,
  options: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve {
  let { fps, tps, thresholds } = thresholdCounts(yTrue, yScore, options);
  if (options.dropIntermediate === true && fps.length > 2) {
    const keep = tps.map(
      (v, i) =>
        i === 0 || i === tps.length - 1 || v !== (tps[i - 1] ?? 0) || (tps[i + 1] ?? 0) !== v,
    );
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
    thresholds = thresholds.filter((_, i) => keep[i]);
  }
  const lastTp = tps[tps.length - 1] ?? 0;
  const precision = tps.map((tp, i) => {
    const ps = tp + (fps[i] ?? 0);
    return ps !== 0 ? tp / ps : 0;
  });
  const recall = tps.map((tp) => (lastTp === 0 ? 1 : tp / lastTp));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}
