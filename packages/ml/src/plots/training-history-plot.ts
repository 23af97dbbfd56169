import type { TopLevelSpec } from "vega-lite";
import { finiteValue, nonEmpty } from "./checks.js";
import { PlotInputError } from "./plot-input-error.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, SCHEMA } from "./theme.js";

/** One epoch of a training run. */
export interface TrainingEpoch {
  /** Epoch number; epochs must be given in increasing order. */
  readonly epoch: number;
  /** Training loss at the end of the epoch. */
  readonly loss: number;
  /** Validation loss, when a validation split was used. */
  readonly valLoss?: number;
  /** Validation value of the metric named by `metricName`. */
  readonly valMetric?: number;
}

/** Input of {@link trainingHistoryPlot}. */
export interface TrainingHistoryPlotInput {
  readonly epochs: readonly TrainingEpoch[];
  /** Name of the validation metric (for example "accuracy"), used as its panel's title. */
  readonly metricName: string;
  readonly title?: string;
}

/**
 * The Vega-Lite spec of a training history: training and validation loss per epoch, and,
 * when any epoch has one, the validation metric in a second panel below.
 */
export function trainingHistorySpec(input: TrainingHistoryPlotInput): TopLevelSpec {
  nonEmpty("epochs", input.epochs.length);
  const losses: { epoch: number; series: string; value: number }[] = [];
  const metric: { epoch: number; value: number }[] = [];
  let previous = -Infinity;
  input.epochs.forEach((e, i) => {
    const epoch = finiteValue(`epochs[${i}].epoch`, e.epoch);
    if (epoch <= previous) {
      throw new PlotInputError(
        `epochs[${i}].epoch is ${epoch}, not after the previous ${previous}: give epochs in increasing order`,
      );
    }
    previous = epoch;
    losses.push({
      epoch,
      series: "training loss",
      value: finiteValue(`epochs[${i}].loss`, e.loss),
    });
    if (e.valLoss !== undefined) {
      const value = finiteValue(`epochs[${i}].valLoss`, e.valLoss);
      losses.push({ epoch, series: "validation loss", value });
    }
    if (e.valMetric !== undefined) {
      metric.push({ epoch, value: finiteValue(`epochs[${i}].valMetric`, e.valMetric) });
    }
  });
  const x = {
    field: "epoch",
    type: "quantitative",
    title: "Epoch",
    axis: { tickMinStep: 1 },
  } as const;
  const lossPanel = {
    name: "loss",
    title: "Loss",
    width: 420,
    height: 220,
    data: { values: losses },
    mark: { type: "line", point: true },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: "Loss", scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null },
    },
  } as const;
  const metricPanel = {
    name: "metric",
    title: `Validation ${input.metricName}`,
    width: 420,
    height: 220,
    data: { values: metric },
    mark: { type: "line", point: true },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: input.metricName, scale: { zero: false } },
    },
  } as const;
  return {
    $schema: SCHEMA,
    title: input.title ?? "Training history",
    config: PLOT_CONFIG,
    // Loss and the metric have unrelated scales, so each gets its own y axis.
    vconcat: metric.length > 0 ? [lossPanel, metricPanel] : [lossPanel],
    resolve: { scale: { color: "independent" } },
  };
}

/**
 * Renders a training history as SVG: loss (training and validation) per epoch, and the
 * validation metric per epoch when there is one.
 *
 * @example
 * const svg = await trainingHistoryPlot({
 *   epochs: [{ epoch: 1, loss: 0.9, valLoss: 1.0, valMetric: 0.6 }, { epoch: 2, loss: 0.5, valLoss: 0.7, valMetric: 0.8 }],
 *   metricName: "accuracy",
 * });
 */
export async function trainingHistoryPlot(input: TrainingHistoryPlotInput): Promise<string> {
  return renderVegaLiteSvg(trainingHistorySpec(input));
}
