import { checkSameLength, readNumbers, readWeights } from "./inputs.js";

/** Checked regression targets: equal lengths, finite, non-empty. */
export interface RegressionTarget {
  readonly yTrue: number[];
  readonly yPred: number[];
  readonly weights: number[] | undefined;
}

/** Validates true and predicted values (and weights) for a regression metric. */
export function checkRegressionTarget(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sampleWeight?: ArrayLike<number>,
): RegressionTarget {
  checkSameLength("yTrue", yTrue.length, "yPred", yPred.length);
  const t = readNumbers(yTrue, "yTrue");
  const p = readNumbers(yPred, "yPred");
  return { yTrue: t, yPred: p, weights: readWeights(sampleWeight, t.length) };
}
