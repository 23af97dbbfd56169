import { thresholdCounts, type CurveOptions } from "./binary-clf-curve.js";
import type { LabelVector } from "./inputs.js";

/** Options of {@link rocCurve}. */
export interface RocCurveOptions extends CurveOptions {
  /** Drop thresholds whose point lies on a straight segment of the curve. Default true. */
  readonly dropIntermediate?: boolean;
}

/** Points of a ROC curve; thresholds decrease and the first is +Infinity. */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  readonly thresholds: number[];
}

/**
 * Receiver operating characteristic, as scikit-learn's `roc_curve`. The curve starts at (0, 0)
 * with threshold +Infinity. Without negatives fpr is all NaN; without positives tpr is.
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [Infinity, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(
  yTrue: LabelVector,
  yScore: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve {
  let { fps, tps, thresholds } = thresholdCounts(yTrue, yScore, options);
  if (options.dropIntermediate !== false && fps.length > 2) {
    // Keep a point when the second difference of fps or tps is non-zero (a corner).
    const keep = fps.map((_, i) => {
      if (i === 0 || i === fps.length - 1) {
        return true;
      }
      const d2 = (a: number[]): number =>
        (a[i + 1] ?? 0) - (a[i] ?? 0) - ((a[i] ?? 0) - (a[i - 1] ?? 0));
      return d2(fps) !== 0 || d2(tps) !== 0;
    });
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
    thresholds = thresholds.filter((_, i) => keep[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  const lastFp = fps[fps.length - 1] ?? 0;
  const lastTp = tps[tps.length - 1] ?? 0;
  return {
    fpr: fps.map((v) => (lastFp <= 0 ? Number.NaN : v / lastFp)),
    tpr: tps.map((v) => (lastTp <= 0 ? Number.NaN : v / lastTp)),
    thresholds: [Number.POSITIVE_INFINITY, ...thresholds],
  };
}
