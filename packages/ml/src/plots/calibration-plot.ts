import type { TopLevelSpec } from "vega-lite";
import { nonEmpty, sameLength, uniqueLabels, unitNumbers } from "./checks.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, REFERENCE_COLOR, SCHEMA } from "./theme.js";

/** One reliability curve, as returned by `calibrationCurve` (`probPred`, `probTrue`). */
export interface CalibrationSeries {
  readonly label: string;
  /** Mean predicted probability of each bin (`probPred`). */
  readonly meanPredicted: ArrayLike<number>;
  /** Fraction of positives in each bin (`probTrue`). */
  readonly fractionPositive: ArrayLike<number>;
}

/** Input of {@link calibrationPlot}. */
export interface CalibrationPlotInput {
  readonly curves: readonly CalibrationSeries[];
  readonly title?: string;
}

/** The Vega-Lite spec of a reliability diagram with the perfectly calibrated diagonal. */
export function calibrationSpec(input: CalibrationPlotInput): TopLevelSpec {
  nonEmpty("curves", input.curves.length);
  uniqueLabels(
    "curves[].label",
    input.curves.map((c) => c.label),
  );
  const points = input.curves.flatMap((curve, c) => {
    const predicted = unitNumbers(`curves[${c}].meanPredicted`, curve.meanPredicted);
    const positive = unitNumbers(`curves[${c}].fractionPositive`, curve.fractionPositive);
    sameLength(
      `curves[${c}].meanPredicted`,
      predicted.length,
      `curves[${c}].fractionPositive`,
      positive.length,
    );
    return predicted.map((p, i) => ({
      series: curve.label,
      order: i,
      meanPredicted: p,
      fractionPositive: positive[i] ?? 0,
    }));
  });
  const x = {
    field: "meanPredicted",
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    title: "Mean predicted probability",
  };
  const y = {
    field: "fractionPositive",
    type: "quantitative" as const,
    scale: { domain: [0, 1] },
    title: "Fraction of positives",
  };
  const color = { field: "series", type: "nominal", title: "Class" } as const;
  const order = { field: "order", type: "quantitative" } as const;
  return {
    $schema: SCHEMA,
    title: input.title ?? "Calibration (reliability diagram)",
    config: PLOT_CONFIG,
    layer: [
      {
        name: "perfect",
        data: {
          values: [
            { meanPredicted: 0, fractionPositive: 0 },
            { meanPredicted: 1, fractionPositive: 1 },
          ],
        },
        mark: { type: "line", strokeDash: [4, 4], color: REFERENCE_COLOR },
        encoding: { x, y },
      },
      {
        name: "curves",
        data: { values: points },
        mark: { type: "line", point: true },
        encoding: { x, y, color, order },
      },
    ],
  };
}

/**
 * Renders reliability curves as SVG: per bin, the fraction of positives against the mean
 * predicted probability, with the diagonal a perfectly calibrated model would follow.
 *
 * @example
 * const { probPred, probTrue } = calibrationCurve(yTrue, yProb, { nBins: 10 });
 * const svg = await calibrationPlot({
 *   curves: [{ label: "spam", meanPredicted: probPred, fractionPositive: probTrue }],
 * });
 */
export async function calibrationPlot(input: CalibrationPlotInput): Promise<string> {
  return renderVegaLiteSvg(calibrationSpec(input));
}
