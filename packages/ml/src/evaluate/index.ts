export {
  classificationMetrics,
  type ClassCurves,
  type ClassificationResult,
} from "./classification-metrics.js";
export { regressionMetrics, type RegressionResult } from "./regression-metrics.js";
export type { EvaluationReport, EvaluationSplit } from "./evaluation-report.js";
export {
  evaluateOnnxModel,
  evaluateTextClassifier,
  type EvaluateOptions,
  type Evaluation,
  type EvaluationRows,
} from "./evaluate-onnx.js";
export {
  TRAINING_SPLIT_KEY,
  applyTrainingSplit,
  isSplitOf,
  parseTrainingSplit,
  type TrainingSplit,
} from "./training-split.js";
export { evaluationPlots } from "./evaluation-plots.js";
