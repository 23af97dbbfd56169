import { MetricInputError } from "./errors.js";
import {
  checkLabelsListed,
  checkProbabilities,
  checkSameLength,
  isMatrix,
  readLabels,
  readMatrix,
  readNumbers,
  readWeights,
  uniqueLabels,
  type Label,
  type LabelVector,
  type ScoreMatrix,
} from "./inputs.js";

/** One-hot truth and probability rows of equal shape, as scikit-learn's multiclass validation. */
export interface ProbabilisticTarget {
  readonly onehot: number[][];
  readonly proba: number[][];
  readonly weights: number[] | undefined;
}

/**
 * scikit-learn's `_validate_multiclass_probabilistic_prediction`: classes come from `labels`
 * (sorted) or from yTrue; a 1-D yProba is the probability of the greater class. Rows that do
 * not sum to 1 are scored as given (scikit-learn only warns).
 */
export function checkProbabilisticTarget(
  yTrueIn: LabelVector,
  yProbaIn: ArrayLike<number> | ScoreMatrix,
  labels: readonly Label[] | undefined,
  sampleWeight: ArrayLike<number> | undefined,
): ProbabilisticTarget {
  let proba = isMatrix(yProbaIn)
    ? readMatrix(yProbaIn, "yProba")
    : readNumbers(yProbaIn, "yProba").map((p) => [p]);
  checkProbabilities(proba.flat(), "yProba");
  checkSameLength("yTrue", yTrueIn.length, "yProba", proba.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const weights = readWeights(sampleWeight, yTrue.length);
  let classes: Label[];
  if (labels !== undefined) {
    classes = uniqueLabels(labels);
    checkLabelsListed(yTrue, classes);
    if (classes.length < 2) {
      throw new MetricInputError(`labels needs at least two classes, got ${classes.length}`);
    }
  } else {
    classes = uniqueLabels(yTrue);
    if (classes.length < 2) {
      throw new MetricInputError(
        `yTrue contains only one label (${JSON.stringify(classes[0])}): pass every expected class in labels`,
      );
    }
  }
  if (proba[0]?.length === 1) {
    proba = proba.map(([p = 0]) => [1 - p, p]);
  }
  const width = proba[0]?.length ?? 0;
  if (classes.length !== width) {
    throw new MetricInputError(
      `there are ${classes.length} classes (${classes.map((c) => JSON.stringify(c)).join(", ")}) ` +
        `but yProba has ${width} columns: give one column per class, in sorted class order`,
    );
  }
  const onehot = yTrue.map((y) => classes.map((c) => (c === y ? 1 : 0)));
  return { onehot, proba, weights };
}
