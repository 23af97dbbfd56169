import { checkClassificationTarget, checkLabelsOption } from "./classification-target.js";
import { MetricInputError } from "./errors.js";
import type { Label, LabelVector } from "./inputs.js";

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Row and column order; labels outside it are left out. Default: sorted labels of both vectors. */
  readonly labels?: readonly Label[];
  readonly sampleWeight?: ArrayLike<number>;
  /** Divide by each row's total ("true"), each column's ("pred") or the grand total ("all"). */
  readonly normalize?: "true" | "pred" | "all";
}

/**
 * Confusion matrix as scikit-learn's `confusion_matrix`: entry [i][j] counts samples of true
 * label i predicted as label j. A row or column whose total is zero normalises to zeros.
 *
 * @example
 * confusionMatrix(["cat", "dog", "dog"], ["cat", "cat", "dog"]); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  yTrue: LabelVector,
  yPred: LabelVector,
  options: ConfusionMatrixOptions = {},
): number[][] {
  const t = checkClassificationTarget(yTrue, yPred, options.sampleWeight);
  let labels = t.present;
  if (options.labels !== undefined) {
    if (options.labels.length === 0) {
      throw new MetricInputError("labels is empty: pass at least one label");
    }
    checkLabelsOption(options.labels, t.yTrue);
    if (!options.labels.some((l) => t.yTrue.includes(l))) {
      throw new MetricInputError("labels: at least one of the given labels must occur in yTrue");
    }
    labels = [...options.labels];
  }
  const index = new Map<Label, number>();
  labels.forEach((l, i) => {
    if (!index.has(l)) {
      index.set(l, i);
    }
  });
  const k = labels.length;
  const cm = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  t.yTrue.forEach((label, s) => {
    const i = index.get(label);
    const p = t.yPred[s];
    const j = p === undefined ? undefined : index.get(p);
    const row = i === undefined ? undefined : cm[i];
    if (row !== undefined && j !== undefined) {
      row[j] = (row[j] ?? 0) + (t.weights === undefined ? 1 : (t.weights[s] ?? 0));
    }
  });
  if (options.normalize === undefined) {
    return cm;
  }
  const rowSums = cm.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = labels.map((_, j) => cm.reduce((a, row) => a + (row[j] ?? 0), 0));
  const all = rowSums.reduce((a, b) => a + b, 0);
  const mode = options.normalize;
  return cm.map((row, i) =>
    row.map((v, j) => {
      const den = mode === "true" ? rowSums[i] : mode === "pred" ? colSums[j] : all;
      // scikit-learn divides then maps the NaN of 0/0 to 0.
      return den === undefined || den === 0 ? 0 : v / den;
    }),
  );
}
