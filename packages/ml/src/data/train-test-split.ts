import { createRng } from "../random/seeded.js";
import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";
import { checkFraction, labelsOf, partitionRows, rowsOf } from "./partition-rows.js";
import { subset } from "./subset.js";

export interface TrainTestSplitOptions {
  /** Share of rows in the test set, in (0, 1); the test set gets ceil(testFraction * n) rows. */
  testFraction: number;
  /** Seed of the shuffle: the same seed on the same data gives the same split. */
  seed: number;
  /**
   * Keep class proportions in each part, as scikit-learn's StratifiedShuffleSplit.
   * Default: true for classification (and text) data, false for regression.
   */
  stratify?: boolean;
}

/** A train/test split with the row indexes (into the original data) of each part. */
export interface TrainTestSplit<D> {
  readonly train: D;
  readonly test: D;
  readonly trainIndices: readonly number[];
  readonly testIndices: readonly number[];
}

/**
 * Splits a dataset into shuffled train and test subsets. The test set has
 * ceil(testFraction * n) rows as in scikit-learn; classification data is stratified
 * by default, so each class keeps its share within one row.
 * @example
 * const { train, test, testIndices } = trainTestSplit(loadIris(), { testFraction: 0.2, seed: 42 });
 */
export function trainTestSplit<D extends TabularDataset | TextDataset>(
  data: D,
  options: TrainTestSplitOptions,
): TrainTestSplit<D> {
  checkFraction("testFraction", options.testFraction);
  const n = rowsOf(data);
  const nTest = Math.ceil(options.testFraction * n);
  const nTrain = n - nTest;
  if (nTrain < 1) {
    throw new DataError(
      `testFraction ${options.testFraction} leaves no training rows out of ${n} in dataset "${data.name}"`,
    );
  }
  const rng = createRng(options.seed);
  const [trainIndices = [], testIndices = []] = partitionRows(
    n,
    [nTrain, nTest],
    labelsOf(data, options.stratify),
    rng,
    data.name,
  );
  return {
    train: subset(data, trainIndices),
    test: subset(data, testIndices),
    trainIndices,
    testIndices,
  };
}
