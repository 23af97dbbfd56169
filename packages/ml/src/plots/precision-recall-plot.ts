import type { TopLevelSpec } from "vega-lite";
import { finiteValue, nonEmpty, sameLength, uniqueLabels, unitNumbers } from "./checks.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, SCHEMA } from "./theme.js";

/** One precision-recall curve, as returned by `precisionRecallCurve` for one class. */
export interface PrecisionRecallSeries {
  readonly label: string;
  readonly precision: ArrayLike<number>;
  readonly recall: ArrayLike<number>;
  /** Average precision of this curve, shown in the legend. */
  readonly averagePrecision: number;
}

/** Input of {@link precisionRecallPlot}. */
export interface PrecisionRecallPlotInput {
  readonly curves: readonly PrecisionRecallSeries[];
  readonly title?: string;
}

/** The Vega-Lite spec of precision-recall curves drawn as steps, one per class. */
export function precisionRecallSpec(input: PrecisionRecallPlotInput): TopLevelSpec {
  nonEmpty("curves", input.curves.length);
  uniqueLabels(
    "curves[].label",
    input.curves.map((c) => c.label),
  );
  const points = input.curves.flatMap((curve, c) => {
    const precision = unitNumbers(`curves[${c}].precision`, curve.precision);
    const recall = unitNumbers(`curves[${c}].recall`, curve.recall);
    sameLength(`curves[${c}].precision`, precision.length, `curves[${c}].recall`, recall.length);
    const ap = finiteValue(`curves[${c}].averagePrecision`, curve.averagePrecision);
    const series = `${curve.label} (AP = ${ap.toFixed(4)})`;
    return recall.map((r, i) => ({ series, order: i, recall: r, precision: precision[i] ?? 0 }));
  });
  return {
    $schema: SCHEMA,
    title: input.title ?? "Precision-recall curve",
    config: PLOT_CONFIG,
    data: { values: points },
    name: "curves",
    // Average precision is the area under this step function (scikit-learn draws "steps-post").
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "recall", type: "quantitative", scale: { domain: [0, 1] }, title: "Recall" },
      y: {
        field: "precision",
        type: "quantitative",
        scale: { domain: [0, 1] },
        title: "Precision",
      },
      color: { field: "series", type: "nominal", title: "Class" },
      order: { field: "order", type: "quantitative" },
    },
  };
}

/**
 * Renders precision-recall curves as SVG step lines, with each class's average precision in
 * the legend.
 *
 * @example
 * const pr = precisionRecallCurve(yTrue, scores);
 * const svg = await precisionRecallPlot({
 *   curves: [{ label: "spam", ...pr, averagePrecision: averagePrecisionScore(yTrue, scores) }],
 * });
 */
export async function precisionRecallPlot(input: PrecisionRecallPlotInput): Promise<string> {
  return renderVegaLiteSvg(precisionRecallSpec(input));
}
