import { MetricInputError } from "./errors.js";
import type { Label } from "./inputs.js";

/** How one-vs-rest scores are combined; `null` returns one score per class. */
export type ClassAverage = "micro" | "macro" | "weighted" | null;

type BinaryMetric = (yTrue: number[], yScore: number[], sampleWeight?: number[]) => number;

/**
 * scikit-learn's `_average_binary_score` for one-vs-rest targets: `metric` scores each class
 * column (or all columns flattened for "micro"); "weighted" weighs classes by their (weighted)
 * count of true samples, returns 0 when no class has any, and zeroes classes with no samples.
 */
export function averageBinaryScore(
  metric: BinaryMetric,
  yTrue: readonly Label[],
  classes: readonly Label[],
  scores: readonly number[][],
  average: ClassAverage,
  sampleWeight?: readonly number[],
): number | number[] {
  const k = classes.length;
  const columns: number[][] = classes.map((c) => yTrue.map((y) => (y === c ? 1 : 0)));
  const scoreColumns = classes.map((_, j) => scores.map((row) => row[j] ?? 0));
  if (average === "micro") {
    return metric(
      scores.flatMap((_, i) => columns.map((col) => col[i] ?? 0)),
      scores.flatMap((row) => [...row]),
      sampleWeight?.flatMap((w) => new Array<number>(k).fill(w)),
    );
  }
  const per = columns.map((col, j) =>
    metric(col, scoreColumns[j] ?? [], sampleWeight === undefined ? undefined : [...sampleWeight]),
  );
  if (average === null) {
    return per;
  }
  if (average === "macro") {
    return per.reduce((a, b) => a + b, 0) / k;
  }
  // Typed as string so an untyped caller's bad value still gets a clear error.
  const mode: string = average;
  if (mode !== "weighted") {
    throw new MetricInputError(
      `average is ${JSON.stringify(average)}: use "micro", "macro", "weighted" or null`,
    );
  }
  const weights = columns.map((col) =>
    col.reduce((a, y, i) => a + y * (sampleWeight === undefined ? 1 : (sampleWeight[i] ?? 0)), 0),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total) <= 1e-8) {
    return 0;
  }
  // A class with zero weight counts as 0, so its NaN score cannot spoil the average.
  return (
    per.reduce((a, s, j) => a + ((weights[j] ?? 0) === 0 ? 0 : s * (weights[j] ?? 0)), 0) / total
  );
}
