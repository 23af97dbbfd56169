import type { CardResult } from "../card/index.js";
import type { Evaluation } from "../evaluate/index.js";

/** The card's results: the evaluation's metrics named by `keys`, those it has a finite value for. */
export function cardResults(evaluation: Evaluation, keys: readonly string[]): CardResult[] {
  return keys.flatMap((type) => {
    const value = evaluation.report.metrics[type];
    return value === undefined || !Number.isFinite(value)
      ? []
      : [{ type, value, split: evaluation.report.split.name }];
  });
}
