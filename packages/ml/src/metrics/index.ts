export { MetricInputError } from "./errors.js";
export type { Label, LabelVector, ScoreMatrix } from "./inputs.js";
export { accuracyScore, type AccuracyOptions } from "./accuracy-score.js";
export {
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  f1Score,
  fbetaScore,
  type Average,
  type PrfAveraged,
  type PrfOptions,
  type PrfPerClass,
  type ZeroDivision,
} from "./precision-recall-fscore.js";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion-matrix.js";
export type { ClassAverage } from "./average-binary-score.js";
export type { CurveOptions } from "./binary-clf-curve.js";
export { rocCurve, type RocCurve, type RocCurveOptions } from "./roc-curve.js";
export { rocAucScore, type RocAucOptions } from "./roc-auc-score.js";
export {
  precisionRecallCurve,
  type PrecisionRecallCurve,
  type PrecisionRecallCurveOptions,
} from "./precision-recall-curve.js";
export { averagePrecisionScore, type AveragePrecisionOptions } from "./average-precision-score.js";
export { logLoss, type LogLossOptions } from "./log-loss.js";
export { brierScoreLoss, type BrierOptions } from "./brier-score-loss.js";
export {
  meanSquaredError,
  rootMeanSquaredError,
  type RegressionOptions,
} from "./mean-squared-error.js";
export { meanAbsoluteError } from "./mean-absolute-error.js";
export { r2Score, type R2Options } from "./r2-score.js";
export {
  calibrationCurve,
  type CalibrationCurve,
  type CalibrationOptions,
} from "./calibration-curve.js";
