import type { TopLevelSpec } from "vega-lite";
import { finiteValue, nonEmpty, sameLength, uniqueLabels, unitNumbers } from "./checks.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, REFERENCE_COLOR, SCHEMA } from "./theme.js";

/** One ROC curve, as returned by `rocCurve` for one class against the rest. */
export interface RocCurveSeries {
  readonly label: string;
  readonly fpr: ArrayLike<number>;
  readonly tpr: ArrayLike<number>;
  /** Area under this curve, shown in the legend. */
  readonly auc: number;
}

/** Input of {@link rocCurvePlot}. */
export interface RocCurvePlotInput {
  readonly curves: readonly RocCurveSeries[];
  readonly title?: string;
}

/** The Vega-Lite spec of ROC curves, one line per class, with the chance diagonal. */
export function rocCurveSpec(input: RocCurvePlotInput): TopLevelSpec {
  nonEmpty("curves", input.curves.length);
  uniqueLabels(
    "curves[].label",
    input.curves.map((c) => c.label),
  );
  const points = input.curves.flatMap((curve, c) => {
    const fpr = unitNumbers(`curves[${c}].fpr`, curve.fpr);
    const tpr = unitNumbers(`curves[${c}].tpr`, curve.tpr);
    sameLength(`curves[${c}].fpr`, fpr.length, `curves[${c}].tpr`, tpr.length);
    const auc = finiteValue(`curves[${c}].auc`, curve.auc);
    const series = `${curve.label} (AUC = ${auc.toFixed(4)})`;
    return fpr.map((x, i) => ({ series, order: i, fpr: x, tpr: tpr[i] ?? 0 }));
  });
  const x = {
    field: "fpr",
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    title: "False positive rate",
  };
  const y = {
    field: "tpr",
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    title: "True positive rate",
  };
  return {
    $schema: SCHEMA,
    title: input.title ?? "ROC curve",
    config: PLOT_CONFIG,
    layer: [
      {
        name: "chance",
        data: {
          values: [
            { fpr: 0, tpr: 0 },
            { fpr: 1, tpr: 1 },
          ],
        },
        mark: { type: "line", strokeDash: [4, 4], color: REFERENCE_COLOR },
        encoding: { x, y },
      },
      {
        name: "curves",
        data: { values: points },
        mark: { type: "line" },
        encoding: {
          x,
          y,
          color: { field: "series", type: "nominal", title: "Class (one vs rest)" },
          // Keep the curve's own point order: two points can share one false positive rate.
          order: { field: "order", type: "quantitative" },
        },
      },
    ],
  };
}

/**
 * Renders ROC curves (one per class, one-vs-rest) as SVG, with the chance diagonal and each
 * class's AUC in the legend.
 *
 * @example
 * const roc = rocCurve(yTrue, scores);
 * const svg = await rocCurvePlot({ curves: [{ label: "spam", ...roc, auc: rocAucScore(yTrue, scores) }] });
 */
export async function rocCurvePlot(input: RocCurvePlotInput): Promise<string> {
  return renderVegaLiteSvg(rocCurveSpec(input));
}
