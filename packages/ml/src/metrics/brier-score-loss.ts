import { MetricInputError } from "./errors.js";
import {
  checkProbabilities,
  checkSameLength,
  defaultPosLabel,
  isMatrix,
  readLabels,
  readNumbers,
  readWeights,
  uniqueLabels,
  weightedMean,
  type Label,
  type LabelVector,
  type ScoreMatrix,
} from "./inputs.js";
import { checkProbabilisticTarget } from "./probabilistic-target.js";

/** Options of {@link brierScoreLoss}. */
export interface BrierOptions {
  readonly sampleWeight?: ArrayLike<number>;
  /** Binary form: the class `yProba` is the probability of. Default as scikit-learn, below. */
  readonly posLabel?: Label;
  /** Multiclass form: all classes, when yTrue does not show them all. */
  readonly labels?: readonly Label[];
  /**
   * Halve the sum over classes. "auto" (default) halves with one or two columns, which keeps
   * the binary score in its usual [0, 1] range; the multiclass score lies in [0, 2].
   */
  readonly scaleByHalf?: "auto" | boolean;
}

/**
 * Brier score as scikit-learn's `brier_score_loss`: the mean over samples of Σₖ (yₖ − pₖ)²,
 * halved when there are at most two columns.
 *
 * Binary form: `yProba` is one probability per sample of the positive class, which is
 * `posLabel`, else 1 for {0,1} or {-1,1} labels, else the greater numeric label (string labels
 * need `posLabel`). Multiclass form: a probability row per sample, columns in sorted class order.
 *
 * @example
 * brierScoreLoss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]); // 0.0375
 */
export function brierScoreLoss(
  yTrueIn: LabelVector,
  yProba: ArrayLike<number> | ScoreMatrix,
  options: BrierOptions = {},
): number {
  let onehot: number[][];
  let proba: number[][];
  let weights: number[] | undefined;
  if (!isMatrix(yProba) || yProba[0]?.length === 1) {
    const p = isMatrix(yProba)
      ? yProba.map((row, i) => readNumbers(row, `yProba[${i}]`)[0] ?? 0)
      : readNumbers(yProba, "yProba");
    checkSameLength("yTrue", yTrueIn.length, "yProba", p.length);
    const yTrue = readLabels(yTrueIn, "yTrue");
    weights = readWeights(options.sampleWeight, yTrue.length);
    const classes = uniqueLabels(yTrue);
    if (classes.length > 2) {
      throw new MetricInputError(
        `yTrue has ${classes.length} classes but yProba has one value per sample: pass a probability row per sample`,
      );
    }
    checkProbabilities(p, "yProba");
    let pos = options.posLabel;
    if (pos === undefined) {
      try {
        pos = defaultPosLabel(classes, "yTrue");
      } catch (err) {
        // scikit-learn keeps an older rule for numeric labels: the greater one is positive.
        const greatest = classes[classes.length - 1];
        if (typeof greatest !== "number") {
          throw err;
        }
        pos = greatest;
      }
    }
    const positive = pos;
    onehot = yTrue.map((y) => (y === positive ? [0, 1] : [1, 0]));
    proba = p.map((v) => [1 - v, v]);
  } else {
    ({ onehot, proba, weights } = checkProbabilisticTarget(
      yTrueIn,
      yProba,
      options.labels,
      options.sampleWeight,
    ));
  }
  const perSample = onehot.map((row, i) =>
    row.reduce((a, y, k) => a + (y - (proba[i]?.[k] ?? 0)) ** 2, 0),
  );
  const score = weightedMean(perSample, weights);
  const scale = options.scaleByHalf ?? "auto";
  const half = scale === "auto" ? (proba[0]?.length ?? 0) < 3 : scale;
  return half ? score * 0.5 : score;
}
