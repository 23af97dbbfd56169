import {
  meanAbsoluteError,
  meanSquaredError,
  r2Score,
  rootMeanSquaredError,
} from "../metrics/index.js";

/** What an evaluation reports for a regressor. Values follow scikit-learn's definitions. */
export interface RegressionResult {
  readonly metrics: Readonly<Record<string, number>>;
}

export function regressionMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): RegressionResult {
  return {
    metrics: {
      mse: meanSquaredError(actual, predicted),
      rmse: rootMeanSquaredError(actual, predicted),
      mae: meanAbsoluteError(actual, predicted),
      r2: r2Score(actual, predicted),
    },
  };
}
