import type { Label, LabelVector, ScoreMatrix } from "./inputs.js";
import { weightedMean } from "./inputs.js";
import { checkProbabilisticTarget } from "./probabilistic-target.js";

/** Options of {@link logLoss}. */
export interface LogLossOptions {
  /** When false, return the (weighted) sum of per-sample losses instead of their mean. */
  readonly normalize?: boolean;
  readonly sampleWeight?: ArrayLike<number>;
  /** All classes, when yTrue does not show them all. Columns follow their sorted order. */
  readonly labels?: readonly Label[];
}

/** float64 machine epsilon, the clipping margin scikit-learn takes from the input's dtype. */
const EPS = 2 ** -52;

/**
 * Cross-entropy loss as scikit-learn's `log_loss`: −Σ yₖ·log(pₖ) per sample, with
 * probabilities clipped to [ε, 1−ε] (ε = 2⁻⁵² for float64) and not renormalised.
 * A 1-D `yProba` is the probability of the greater class.
 *
 * @example
 * logLoss(["spam", "ham", "ham", "spam"], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]); // 0.2161…
 */
export function logLoss(
  yTrue: LabelVector,
  yProba: ArrayLike<number> | ScoreMatrix,
  options: LogLossOptions = {},
): number {
  const t = checkProbabilisticTarget(yTrue, yProba, options.labels, options.sampleWeight);
  const losses = t.onehot.map((row, i) =>
    row.reduce((a, y, k) => {
      const p = Math.min(Math.max(t.proba[i]?.[k] ?? 0, EPS), 1 - EPS);
      return y === 0 ? a : a - y * Math.log(p);
    }, 0),
  );
  if (options.normalize === false) {
    return losses.reduce((a, l, i) => a + l * (t.weights?.[i] ?? 1), 0);
  }
  return weightedMean(losses, t.weights);
}
