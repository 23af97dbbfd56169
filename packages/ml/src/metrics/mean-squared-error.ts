import { weightedMean } from "./inputs.js";
import { checkRegressionTarget } from "./regression-target.js";

/** Options of the regression errors. */
export interface RegressionOptions {
  readonly sampleWeight?: ArrayLike<number>;
}

/**
 * Mean of squared errors, as scikit-learn's `mean_squared_error`.
 *
 * @example
 * meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.375
 */
export function meanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions = {},
): number {
  const t = checkRegressionTarget(yTrue, yPred, options.sampleWeight);
  return weightedMean(
    t.yTrue.map((y, i) => (y - (t.yPred[i] ?? 0)) ** 2),
    t.weights,
  );
}

/**
 * Square root of the mean squared error, as scikit-learn's `root_mean_squared_error`.
 *
 * @example
 * rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]); // 0.6123…
 */
export function rootMeanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions = {},
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, options));
}
