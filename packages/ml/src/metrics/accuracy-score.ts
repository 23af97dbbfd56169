import { checkClassificationTarget } from "./classification-target.js";
import type { LabelVector } from "./inputs.js";

/** Options of {@link accuracyScore}. */
export interface AccuracyOptions {
  /** When false, return the (weighted) number of correct predictions instead of the fraction. */
  readonly normalize?: boolean;
  readonly sampleWeight?: ArrayLike<number>;
}

/**
 * Fraction of samples whose predicted label equals the true label, as scikit-learn's
 * `accuracy_score`.
 *
 * @example
 * accuracyScore([0, 1, 2, 2], [0, 2, 2, 2]); // 0.75
 */
export function accuracyScore(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: AccuracyOptions = {},
): number {
  const t = checkClassificationTarget(yTrue, yPred, options.sampleWeight);
  let correct = 0;
  let total = 0;
  t.yTrue.forEach((label, i) => {
    const w = t.weights === undefined ? 1 : (t.weights[i] ?? 0);
    if (label === t.yPred[i]) {
      correct += w;
    }
    total += w;
  });
  return options.normalize === false ? correct : correct / total;
}
