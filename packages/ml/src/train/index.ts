export { TrainInputError } from "./train-input-error.js";
export { useWasmBackend } from "./use-wasm-backend.js";
export { leastSquares } from "./least-squares.js";
export type {
  Activation,
  DenseLayer,
  EarlyStopping,
  EpochReport,
  TabularExamples,
  TabularModel,
  TrainingSummary,
  TrainOptions,
} from "./model-types.js";
export { trainLinearRegression } from "./train-linear-regression.js";
export { trainLogisticRegression } from "./train-logistic-regression.js";
export { trainMlp, type MlpOptions } from "./train-mlp.js";
export type { EmbeddingWeights, LstmWeights, SequenceExamples, TextModel } from "./model-types.js";
export { trainTextClassifier, type TextClassifierOptions } from "./train-text-classifier.js";
