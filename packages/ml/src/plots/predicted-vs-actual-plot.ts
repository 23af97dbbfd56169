import type { TopLevelSpec } from "vega-lite";
import { finiteNumbers, sameLength } from "./checks.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, REFERENCE_COLOR, SCHEMA } from "./theme.js";

/** Input of {@link predictedVsActualPlot}: one prediction per actual target value. */
export interface PredictedVsActualPlotInput {
  readonly actual: ArrayLike<number>;
  readonly predicted: ArrayLike<number>;
  readonly title?: string;
}

/** The Vega-Lite spec of a regression's predictions against the targets, with the y = x line. */
export function predictedVsActualSpec(input: PredictedVsActualPlotInput): TopLevelSpec {
  const actual = finiteNumbers("actual", input.actual);
  const predicted = finiteNumbers("predicted", input.predicted);
  sameLength("actual", actual.length, "predicted", predicted.length);
  const all = [...actual, ...predicted];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  // Both axes share one domain so the y = x line is the diagonal of a square plot.
  const scale = { domain: [lo, hi], zero: false, nice: false };
  const x = { field: "actual", type: "quantitative", scale, title: "Actual" } as const;
  const y = { field: "predicted", type: "quantitative", scale, title: "Predicted" } as const;
  return {
    $schema: SCHEMA,
    title: input.title ?? "Predicted vs actual",
    config: PLOT_CONFIG,
    layer: [
      {
        name: "identity",
        data: {
          values: [
            { actual: lo, predicted: lo },
            { actual: hi, predicted: hi },
          ],
        },
        mark: { type: "line", strokeDash: [4, 4], color: REFERENCE_COLOR },
        encoding: { x, y },
      },
      {
        name: "points",
        data: { values: actual.map((a, i) => ({ actual: a, predicted: predicted[i] ?? 0 })) },
        mark: { type: "point", filled: true, opacity: 0.6, size: 30 },
        encoding: { x, y },
      },
    ],
  };
}

/**
 * Renders a regression's predicted values against the actual ones as an SVG scatter plot,
 * with the y = x line a perfect model would lie on.
 *
 * @example const svg = await predictedVsActualPlot({ actual: yTest, predicted: yPred });
 */
export async function predictedVsActualPlot(input: PredictedVsActualPlotInput): Promise<string> {
  return renderVegaLiteSvg(predictedVsActualSpec(input));
}
