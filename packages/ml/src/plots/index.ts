export { PlotInputError } from "./plot-input-error.js";
export { renderVegaLiteSvg } from "./render-svg.js";
export {
  confusionMatrixPlot,
  confusionMatrixSpec,
  type ConfusionMatrixPlotInput,
} from "./confusion-matrix-plot.js";
export {
  rocCurvePlot,
  rocCurveSpec,
  type RocCurvePlotInput,
  type RocCurveSeries,
} from "./roc-curve-plot.js";
export {
  precisionRecallPlot,
  precisionRecallSpec,
  type PrecisionRecallPlotInput,
  type PrecisionRecallSeries,
} from "./precision-recall-plot.js";
export {
  predictedVsActualPlot,
  predictedVsActualSpec,
  type PredictedVsActualPlotInput,
} from "./predicted-vs-actual-plot.js";
export {
  calibrationPlot,
  calibrationSpec,
  type CalibrationPlotInput,
  type CalibrationSeries,
} from "./calibration-plot.js";
export {
  trainingHistoryPlot,
  trainingHistorySpec,
  type TrainingEpoch,
  type TrainingHistoryPlotInput,
} from "./training-history-plot.js";
