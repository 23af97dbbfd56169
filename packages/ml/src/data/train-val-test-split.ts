import { createRng } from "../random/seeded.js";
import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";
import { checkFraction, labelsOf, partitionRows, rowsOf } from "./partition-rows.js";
import { subset } from "./subset.js";

export interface TrainValTestSplitOptions {
  /** Share of rows in the validation set; it gets ceil(valFraction * n) rows. */
  valFraction: number;
  /** Share of rows in the test set; it gets ceil(testFraction * n) rows. */
  testFraction: number;
  /** Seed of the shuffle: the same seed on the same data gives the same split. */
  seed: number;
  /** Keep class proportions in each part; default true for classification and text data. */
  stratify?: boolean;
}

/** A train/validation/test split with the row indexes (into the original data) of each part. */
export interface TrainValTestSplit<D> {
  readonly train: D;
  readonly val: D;
  readonly test: D;
  readonly trainIndices: readonly number[];
  readonly valIndices: readonly number[];
  readonly testIndices: readonly number[];
}

/**
 * Splits a dataset into shuffled train, validation and test subsets in one draw (not
 * two nested splits), so the validation and test sizes are exactly
 * ceil(fraction * n) and the training set gets the rest. Stratified per class as
 * {@link trainTestSplit}.
 */
export function trainValTestSplit<D extends TabularDataset | TextDataset>(
  data: D,
  options: TrainValTestSplitOptions,
): TrainValTestSplit<D> {
  checkFraction("valFraction", options.valFraction);
  checkFraction("testFraction", options.testFraction);
  const n = rowsOf(data);
  const nVal = Math.ceil(options.valFraction * n);
  const nTest = Math.ceil(options.testFraction * n);
  const nTrain = n - nVal - nTest;
  if (nTrain < 1) {
    throw new DataError(
      `valFraction ${options.valFraction} and testFraction ${options.testFraction} leave no training rows out of ${n} in dataset "${data.name}"`,
    );
  }
  const rng = createRng(options.seed);
  const [trainIndices = [], valIndices = [], testIndices = []] = partitionRows(
    n,
    [nTrain, nVal, nTest],
    labelsOf(data, options.stratify),
    rng,
    data.name,
  );
  return {
    train: subset(data, trainIndices),
    val: subset(data, valIndices),
    test: subset(data, testIndices),
    trainIndices,
    valIndices,
    testIndices,
  };
}
