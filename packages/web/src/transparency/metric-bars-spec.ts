import type { TopLevelSpec } from "vega-lite";

/** The words a plot shows, in the UI's language (its title is the heading above it). */
export interface MetricBarsLabels {
  readonly description: string;
  readonly metric: string;
  readonly value: string;
}

/**
 * A Vega-Lite bar chart of one evaluation report's metrics: one bar per
 * metric with a value (metrics undefined for the data are left out), styled
 * like the toolkit's plots (`@gatehouse/ml` plots: one font, white ground).
 */
export function metricBarsSpec(
  metrics: Readonly<Record<string, number | null>>,
  labels: MetricBarsLabels,
): TopLevelSpec {
  const values = Object.entries(metrics)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .map(([metric, value]) => ({ metric, value }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: labels.description,
    width: { step: 56 },
    height: 240,
    background: "white",
    config: {
      font: "Helvetica, Arial, sans-serif",
      axis: { labelLimit: 0, labelFontSize: 12, titleFontSize: 12 },
    },
    data: { values },
    mark: { type: "bar", color: "#0b5cad", tooltip: true },
    encoding: {
      x: { field: "metric", type: "nominal", title: labels.metric, axis: { labelAngle: -30 } },
      y: { field: "value", type: "quantitative", title: labels.value },
    },
  };
}

/** Whether a report has any metric with a value to draw. */
export const hasPlottable = (metrics: Readonly<Record<string, number | null>>): boolean =>
  Object.values(metrics).some((v) => typeof v === "number");
