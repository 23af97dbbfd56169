import {
  calibrationPlot,
  confusionMatrixPlot,
  precisionRecallPlot,
  predictedVsActualPlot,
  rocCurvePlot,
} from "../plots/index.js";
import type { Evaluation } from "./evaluate-onnx.js";

/**
 * The plots of an evaluation as SVG, by file name: confusion matrix, ROC and
 * precision-recall curves (and calibration for a binary classifier), or
 * predicted against actual values for a regressor.
 */
export async function evaluationPlots(evaluation: Evaluation): Promise<Record<string, string>> {
  const { report } = evaluation;
  const splitName = report.split.name === "test" ? "test split" : "all rows";
  if (report.task === "regression") {
    return {
      "predicted-vs-actual.svg": await predictedVsActualPlot({
        actual: evaluation.actual,
        predicted: evaluation.predicted,
        title: `${report.artifact.name} on ${report.dataset.name} (${splitName})`,
      }),
    };
  }
  const plots: Record<string, string> = {};
  if (report.confusionMatrix !== undefined) {
    plots["confusion-matrix.svg"] = await confusionMatrixPlot({
      matrix: report.confusionMatrix.matrix,
      labels: [...report.confusionMatrix.labels],
      title: `Confusion matrix, ${report.dataset.name} (${splitName})`,
    });
  }
  const curves = report.curves ?? [];
  if (curves.length > 0) {
    plots["roc.svg"] = await rocCurvePlot({
      curves: curves.map((c) => ({ label: c.label, ...c.roc })),
      title: `ROC, ${report.dataset.name} (${splitName})`,
    });
    plots["precision-recall.svg"] = await precisionRecallPlot({
      curves: curves.map((c) => ({ label: c.label, ...c.precisionRecall })),
      title: `Precision-recall, ${report.dataset.name} (${splitName})`,
    });
  }
  if (report.calibration !== undefined && report.calibration !== null) {
    plots["calibration.svg"] = await calibrationPlot({
      curves: [{ label: report.dataset.classes[1] ?? "positive", ...report.calibration }],
      title: `Calibration, ${report.dataset.name} (${splitName})`,
    });
  }
  return plots;
}
