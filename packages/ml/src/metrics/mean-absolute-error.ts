import { weightedMean } from "./inputs.js";
import type { RegressionOptions } from "./mean-squared-error.js";
import { checkRegressionTarget } from "./regression-target.js";

/**
 * Mean of absolute errors, as scikit-learn's `mean_absolute_error`.
 *
 * @example
 * meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.5
 */
export function meanAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions = {},
): number {
  const t = checkRegressionTarget(yTrue, yPred, options.sampleWeight);
  return weightedMean(
    t.yTrue.map((y, i) => Math.abs((t.yPred[i] ?? 0) - y)),
    t.weights,
  );
}
