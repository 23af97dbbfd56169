import type { TopLevelSpec } from "vega-lite";
import { finiteNumbers, nonEmpty, uniqueLabels } from "./checks.js";
import { PlotInputError } from "./plot-input-error.js";
import { renderVegaLiteSvg } from "./render-svg.js";
import { PLOT_CONFIG, SCHEMA } from "./theme.js";

/** Input of {@link confusionMatrixPlot}. */
export interface ConfusionMatrixPlotInput {
  /** `matrix[i][j]`: samples of true class `labels[i]` predicted as `labels[j]` (scikit-learn's layout). */
  readonly matrix: readonly ArrayLike<number>[];
  /** Class names, in the order of the matrix's rows and columns; unique. */
  readonly labels: readonly string[];
  /** True when the cells are fractions (shown with 2 decimals); false (default): integer counts. */
  readonly normalized?: boolean;
  readonly title?: string;
}

/**
 * The Vega-Lite spec of a confusion-matrix heatmap: true class down, predicted class across,
 * each cell coloured by and labelled with its value.
 */
export function confusionMatrixSpec(input: ConfusionMatrixPlotInput): TopLevelSpec {
  const { matrix, labels } = input;
  const normalized = input.normalized ?? false;
  nonEmpty("labels", labels.length);
  uniqueLabels("labels", labels);
  if (matrix.length !== labels.length) {
    throw new PlotInputError(
      `matrix has ${matrix.length} rows but there are ${labels.length} labels: give one row per label`,
    );
  }
  const cells: { actual: string; predicted: string; value: number }[] = [];
  matrix.forEach((row, i) => {
    if (row.length !== matrix.length) {
      throw new PlotInputError(
        `matrix is not square: row ${i} has ${row.length} values, expected ${matrix.length}`,
      );
    }
    finiteNumbers(`matrix[${i}]`, row).forEach((value, j) => {
      if (value < 0 || (!normalized && !Number.isInteger(value))) {
        throw new PlotInputError(
          `matrix[${i}][${j}] is ${value}: cells must be ${normalized ? "non-negative fractions" : "non-negative integer counts (set normalized for fractions)"}`,
        );
      }
      cells.push({ actual: labels[i] ?? "", predicted: labels[j] ?? "", value });
    });
  });
  const max = Math.max(...cells.map((c) => c.value));
  const size = Math.max(200, Math.min(600, 60 * labels.length));
  return {
    $schema: SCHEMA,
    ...(input.title === undefined ? {} : { title: input.title }),
    config: PLOT_CONFIG,
    width: size,
    height: size,
    data: { values: cells },
    encoding: {
      x: { field: "predicted", type: "nominal", sort: [...labels], title: "Predicted label" },
      y: { field: "actual", type: "nominal", sort: [...labels], title: "True label" },
    },
    layer: [
      {
        name: "cells",
        mark: { type: "rect" },
        encoding: {
          color: {
            field: "value",
            type: "quantitative",
            scale: { scheme: "blues", domainMin: 0 },
            title: normalized ? "Fraction" : "Count",
          },
        },
      },
      {
        name: "counts",
        mark: { type: "text", fontSize: 13 },
        encoding: {
          text: { field: "value", type: "quantitative", format: normalized ? ".2f" : "d" },
          // Dark cells get white text so the count stays readable.
          color: {
            condition: { test: `datum.value > ${max / 2}`, value: "white" },
            value: "black",
          },
        },
      },
    ],
  };
}

/**
 * Renders a confusion matrix as an SVG heatmap with each cell's value written in it.
 *
 * @example
 * const svg = await confusionMatrixPlot({ matrix: [[5, 1], [0, 4]], labels: ["cat", "dog"] });
 */
export async function confusionMatrixPlot(input: ConfusionMatrixPlotInput): Promise<string> {
  return renderVegaLiteSvg(confusionMatrixSpec(input));
}
