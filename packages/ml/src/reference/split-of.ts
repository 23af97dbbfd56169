import {
  datasetFingerprint,
  isTextDataset,
  type TabularDataset,
  type TextDataset,
} from "../data/index.js";
import type { TrainingSplit } from "../evaluate/index.js";

/**
 * The reference models' seeded split: a tenth for validation, a fifth for
 * test, stratified for classes. Every model trained on a dataset with one
 * seed is tested on the same rows.
 */
export function splitOf(data: TabularDataset | TextDataset, seed: number): TrainingSplit {
  return {
    dataset: data.name,
    datasetFingerprint: datasetFingerprint(data),
    seed,
    valFraction: 0.1,
    testFraction: 0.2,
    stratified: isTextDataset(data) || data.task === "classification",
  };
}
