export type { Task, TabularDataset, TextDataset } from "./dataset.js";
export { isTextDataset, rowCount } from "./dataset.js";
export { DataError } from "./data-error.js";
export { IRIS_CLASSES, loadIris } from "./load-iris.js";
export { loadBoston } from "./load-boston.js";
export { SPAM_CLASSES, loadSpamAssassin } from "./load-spam-assassin.js";
export { loadCpsWages } from "./load-cps-wages.js";
export { BUILTIN_DATASETS, loadBuiltin, type BuiltinDatasetName } from "./load-builtin.js";
export { subset } from "./subset.js";
export {
  trainTestSplit,
  type TrainTestSplit,
  type TrainTestSplitOptions,
} from "./train-test-split.js";
export {
  trainValTestSplit,
  type TrainValTestSplit,
  type TrainValTestSplitOptions,
} from "./train-val-test-split.js";
export { StandardScaler } from "./standard-scaler.js";
export { MinMaxScaler } from "./min-max-scaler.js";
export { MAX_GUESSED_CLASSES, type FileDataset, type ReadTableOptions } from "./table-builder.js";
export { readCsv, type ReadCsvOptions } from "./read-csv.js";
export { readJsonl } from "./read-jsonl.js";
export { OneHotEncoder, type OneHotEncoderOptions } from "./one-hot-encoder.js";
export { tokenize } from "./tokenize.js";
export { OOV_INDEX, PAD_INDEX, Vocabulary, type VocabularyOptions } from "./vocabulary.js";
export { TfidfVectorizer, type SparseMatrix, type TfidfOptions } from "./tfidf-vectorizer.js";
export { padSequences, type PadSequencesOptions, type PaddedSequences } from "./pad-sequences.js";
export { datasetFingerprint } from "./dataset-fingerprint.js";
