import { MetricInputError } from "./errors.js";
import {
  checkSameLabelKind,
  checkSameLength,
  readLabels,
  readWeights,
  uniqueLabels,
  type Label,
  type LabelVector,
} from "./inputs.js";

/** A checked pair of label vectors, as scikit-learn's `_check_targets` returns it. */
export interface ClassificationTarget {
  readonly yTrue: Label[];
  readonly yPred: Label[];
  /** Distinct labels of yTrue and yPred together, sorted. */
  readonly present: Label[];
  /** "binary" when at most two labels occur, else "multiclass". */
  readonly type: "binary" | "multiclass";
  readonly weights: number[] | undefined;
}

/** Validates true and predicted labels (and weights) for a classification metric. */
export function checkClassificationTarget(
  yTrueIn: LabelVector,
  yPredIn: LabelVector,
  sampleWeight?: ArrayLike<number>,
): ClassificationTarget {
  checkSameLength("yTrue", yTrueIn.length, "yPred", yPredIn.length);
  const yTrue = readLabels(yTrueIn, "yTrue");
  const yPred = readLabels(yPredIn, "yPred");
  checkSameLabelKind(yTrue, yPred);
  const weights = readWeights(sampleWeight, yTrue.length);
  const present = uniqueLabels(yTrue, yPred);
  return { yTrue, yPred, present, type: present.length > 2 ? "multiclass" : "binary", weights };
}

/** Throws unless every given label has the type of the data's labels. */
export function checkLabelsOption(labels: readonly Label[], data: readonly Label[]): void {
  const kind = typeof data[0];
  for (const l of labels) {
    if (typeof l !== kind) {
      throw new MetricInputError(
        `labels holds ${typeof l} ${JSON.stringify(l)} but the targets hold ${kind}s: use one label type`,
      );
    }
  }
}
