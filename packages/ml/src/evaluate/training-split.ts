import {
  datasetFingerprint,
  trainValTestSplit,
  type TabularDataset,
  type TextDataset,
} from "../data/index.js";

/** Metadata key under which a trained model records the split it was trained and tested on. */
export const TRAINING_SPLIT_KEY = "gatehouse_training_split";

/** How a model's training data was split, recorded in its file so an evaluation can redo it. */
export interface TrainingSplit {
  readonly dataset: string;
  readonly datasetFingerprint: string;
  readonly seed: number;
  readonly valFraction: number;
  readonly testFraction: number;
  readonly stratified: boolean;
}

/** The seeded train / validation / test split of `data` that `split` describes. */
export function applyTrainingSplit<D extends TabularDataset | TextDataset>(
  data: D,
  split: Omit<TrainingSplit, "dataset" | "datasetFingerprint">,
) {
  return trainValTestSplit(data, {
    seed: split.seed,
    valFraction: split.valFraction,
    testFraction: split.testFraction,
    stratify: split.stratified,
  });
}

/** Reads the split a model file records; undefined when it records none or a malformed one. */
export function parseTrainingSplit(value: string | undefined): TrainingSplit | undefined {
  if (value === undefined) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value) as Partial<TrainingSplit>;
    if (
      typeof parsed.dataset === "string" &&
      typeof parsed.datasetFingerprint === "string" &&
      typeof parsed.seed === "number" &&
      typeof parsed.valFraction === "number" &&
      typeof parsed.testFraction === "number" &&
      typeof parsed.stratified === "boolean"
    ) {
      return parsed as TrainingSplit;
    }
  } catch {
    // Another producer's value under the same key: treat it as absent.
  }
  return undefined;
}

/**
 * Whether `data` is the very dataset a recorded split was made from. Pass `fingerprint`
 * when it is already known: computing it hashes every row.
 */
export function isSplitOf(
  split: TrainingSplit,
  data: TabularDataset | TextDataset,
  fingerprint: string = datasetFingerprint(data),
): boolean {
  return split.datasetFingerprint === fingerprint;
}
