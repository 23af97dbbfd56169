import { TrainInputError } from "./train-input-error.js";
import type { TabularExamples, TrainOptions } from "./model-types.js";

/** Checks a numeric table and returns its row count. */
export function checkTabular(
  data: TabularExamples,
  task: "classification" | "regression",
  role: string,
): number {
  const cols = data.featureNames.length;
  if (cols < 1) {
    throw new TrainInputError(`${role} data has no features (featureNames is empty)`);
  }
  if (data.x.length % cols !== 0) {
    throw new TrainInputError(
      `${role} x has ${data.x.length} values, which is not a whole number of rows of ${cols} features`,
    );
  }
  const rows = data.x.length / cols;
  if (rows < 1) {
    throw new TrainInputError(`${role} data has no rows`);
  }
  if (data.y.length !== rows) {
    throw new TrainInputError(
      `${role} data has ${rows} rows of x but ${data.y.length} values in y`,
    );
  }
  checkFiniteRows(data.x, cols, data.featureNames, role);
  if (task === "classification") {
    checkLabels(data.y, data.classes.length, role);
  } else {
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(data.y[i])) {
        throw new TrainInputError(`${role} row ${i}: target ${data.y[i]} is not a finite number`);
      }
    }
  }
  return rows;
}

/** Checks that every row of a row-major matrix holds finite numbers. */
export function checkFiniteRows(
  x: Float64Array,
  cols: number,
  featureNames: readonly string[],
  role: string,
): void {
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k])) {
      const name = featureNames[k % cols] ?? String(k % cols);
      throw new TrainInputError(
        `${role} row ${Math.floor(k / cols)}, feature "${name}": ${x[k]} is not a finite number; impute or drop it`,
      );
    }
  }
}

/** Checks class indexes: integers in [0, classCount). */
export function checkLabels(y: ArrayLike<number>, classCount: number, role: string): void {
  if (classCount < 2) {
    throw new TrainInputError(
      `a classifier needs at least two classes, got ${classCount} in ${role} data's classes`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const label = y[i] ?? Number.NaN;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new TrainInputError(
        `${role} row ${i}: label ${label} is not a class index in 0..${classCount - 1}`,
      );
    }
  }
}

/** Rejects training labels that are all one class: nothing separates them. */
export function checkSeveralClassesPresent(y: ArrayLike<number>, classes: readonly string[]): void {
  const first = y[0];
  for (let i = 1; i < y.length; i++) {
    if (y[i] !== first) {
      return;
    }
  }
  const name = first === undefined ? "?" : (classes[first] ?? String(first));
  throw new TrainInputError(
    `all ${y.length} training rows are class "${name}"; a classifier needs examples of at least two classes`,
  );
}

/** Checks that validation data matches training data's features and classes. */
export function checkSameSchema(train: TabularExamples, validation: TabularExamples): void {
  if (validation.featureNames.length !== train.featureNames.length) {
    throw new TrainInputError(
      `validation data has ${validation.featureNames.length} features but the model is trained on ${train.featureNames.length}`,
    );
  }
  if (validation.classes.length !== train.classes.length) {
    throw new TrainInputError(
      `validation data has ${validation.classes.length} classes but training data has ${train.classes.length}`,
    );
  }
}

/** Resolved loop settings, after defaults. */
export interface LoopSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
}

/** Applies defaults to the shared options and checks them. */
export function checkOptions(
  options: Omit<TrainOptions, "validation"> & { readonly validation?: unknown },
  defaults: LoopSettings,
): LoopSettings {
  const epochs = options.epochs ?? defaults.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new TrainInputError(`epochs must be an integer >= 1, got ${epochs}`);
  }
  const batchSize = options.batchSize ?? defaults.batchSize;
  if (!(batchSize === Infinity || (Number.isInteger(batchSize) && batchSize >= 1))) {
    throw new TrainInputError(`batchSize must be an integer >= 1 or Infinity, got ${batchSize}`);
  }
  const learningRate = options.learningRate ?? defaults.learningRate;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) {
    throw new TrainInputError(`learningRate must be a positive number, got ${learningRate}`);
  }
  const stop = options.earlyStopping;
  if (stop !== undefined) {
    if (options.validation === undefined) {
      throw new TrainInputError("earlyStopping needs validation data: pass options.validation");
    }
    if (!Number.isInteger(stop.patience) || stop.patience < 1) {
      throw new TrainInputError(
        `earlyStopping.patience must be an integer >= 1, got ${stop.patience}`,
      );
    }
    const minDelta = stop.minDelta ?? 0;
    if (!(Number.isFinite(minDelta) && minDelta >= 0)) {
      throw new TrainInputError(`earlyStopping.minDelta must be >= 0, got ${minDelta}`);
    }
  }
  return { epochs, batchSize, learningRate };
}

/** Checks prediction input against the model's feature count; returns it as float32. */
export function checkPredictInput(
  x: Float64Array,
  rows: number,
  featureNames: readonly string[],
): Float32Array {
  const cols = featureNames.length;
  if (!Number.isInteger(rows) || rows < 0) {
    throw new TrainInputError(`rows must be a non-negative integer, got ${rows}`);
  }
  if (x.length !== rows * cols) {
    throw new TrainInputError(
      `the model takes ${cols} features per row, but x has ${x.length} values for ${rows} rows (expected ${rows * cols})`,
    );
  }
  checkFiniteRows(x, cols, featureNames, "input");
  return Float32Array.from(x);
}
