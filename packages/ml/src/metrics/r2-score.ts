import { weightedMean } from "./inputs.js";
import { checkRegressionTarget } from "./regression-target.js";

/** Options of {@link r2Score}. */
export interface R2Options {
  readonly sampleWeight?: ArrayLike<number>;
  /**
   * When yTrue is constant, R² is 0/0 or x/0. true (default) returns 1 for a perfect
   * prediction and 0 otherwise, as scikit-learn; false returns NaN or −Infinity.
   */
  readonly forceFinite?: boolean;
}

/**
 * Coefficient of determination 1 − SSres/SStot, as scikit-learn's `r2_score`. Fewer than two
 * samples give NaN (scikit-learn warns and returns NaN).
 *
 * @example
 * r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.9486…
 */
export function r2Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: R2Options = {},
): number {
  const t = checkRegressionTarget(yTrue, yPred, options.sampleWeight);
  if (t.yTrue.length < 2) {
    return Number.NaN;
  }
  const w = (i: number): number => (t.weights === undefined ? 1 : (t.weights[i] ?? 0));
  const first = t.yTrue[0] ?? 0;
  // A constant yTrue has SStot exactly 0; summing the mean in floating point could miss that.
  const constant = t.yTrue.every((y) => y === first);
  const mean = constant ? first : weightedMean(t.yTrue, t.weights);
  let num = 0;
  let den = 0;
  t.yTrue.forEach((y, i) => {
    num += w(i) * (y - (t.yPred[i] ?? 0)) ** 2;
    den += w(i) * (y - mean) ** 2;
  });
  if (options.forceFinite === false) {
    return 1 - num / den;
  }
  if (num === 0) {
    return 1;
  }
  return den === 0 ? 0 : 1 - num / den;
}
