/** What a model learns: a class index out of `classes`, or a real value. */
export type Task = "classification" | "regression";

/**
 * A numeric table, row-major: feature j of row i is `x[i * featureNames.length + j]`.
 * For classification `y` holds class indexes into `classes`; for regression, values.
 */
export interface TabularDataset {
  readonly name: string;
  readonly task: Task;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Class labels in index order; empty for regression. */
  readonly classes: readonly string[];
}

/** Labelled documents: `labels[i]` is the class index of `texts[i]`. */
export interface TextDataset {
  readonly name: string;
  readonly texts: readonly string[];
  readonly labels: Int32Array;
  readonly classes: readonly string[];
}

export function rowCount(data: TabularDataset): number {
  return data.y.length;
}

/** True for a {@link TextDataset}, false for a {@link TabularDataset}. */
export function isTextDataset(data: TabularDataset | TextDataset): data is TextDataset {
  return "texts" in data;
}
