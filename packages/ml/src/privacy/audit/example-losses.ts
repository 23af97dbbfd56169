import type { TabularDataset } from "../../data/index.js";
import { MembershipAuditError } from "./membership-audit-error.js";
import type { MembershipPredictor } from "./membership-predictor.js";

/**
 * Probabilities are clipped to [ε, 1 − ε] with ε the float64 machine epsilon, as
 * scikit-learn's `log_loss` does for float64 input, so a confident wrong answer costs
 * about 36 nats rather than infinity.
 */
export const LOSS_PROBABILITY_CLIP = Number.EPSILON;

/** Which loss {@link exampleLosses} computes for a model. */
export type ExampleLoss = "cross-entropy" | "squared-error";

/** The loss the audit uses for a task. */
export function lossFor(task: TabularDataset["task"]): ExampleLoss {
  return task === "classification" ? "cross-entropy" : "squared-error";
}

function columnOf(
  label: string,
  predictor: MembershipPredictor,
  width: number,
  data: TabularDataset,
): number {
  const name = predictor.name ?? "model";
  if (predictor.classes.length > 0) {
    const at = predictor.classes.indexOf(label);
    if (at < 0) {
      throw new MembershipAuditError(
        `${data.name}: label "${label}" in column "${data.targetName}" is not a class of ${name} (its classes are ${predictor.classes.map((c) => `"${c}"`).join(", ")})`,
      );
    }
    return at;
  }
  const index = Number(label);
  if (!/^\d+$/.test(label) || index >= width) {
    throw new MembershipAuditError(
      `${data.name}: label "${label}" in column "${data.targetName}" is not a class index of ${name}, which names no classes and outputs ${width} probabilities; labels must be 0 to ${width - 1}`,
    );
  }
  return index;
}

/**
 * The loss of each row of `data` under `predictor`: cross-entropy
 * `−log(clip(p_true))` for classifiers, squared error `(y − ŷ)²` for regressors.
 * Labels are matched to the model's output columns by class name.
 */
export async function exampleLosses(
  predictor: MembershipPredictor,
  data: TabularDataset,
): Promise<Float64Array> {
  const rows = data.y.length;
  const name = predictor.name ?? "model";
  if (predictor.task !== data.task) {
    throw new MembershipAuditError(
      `${name} is a ${predictor.task} model but ${data.name} has a ${data.task} target "${data.targetName}"`,
    );
  }
  const out = await predictor.predict(data.x, rows);
  const losses = new Float64Array(rows);
  if (data.task === "regression") {
    if (out.length !== rows) {
      throw new MembershipAuditError(
        `${name} returned ${out.length} predictions for ${rows} rows of ${data.name}`,
      );
    }
    for (let i = 0; i < rows; i++) {
      const error = (data.y[i] ?? 0) - (out[i] ?? 0);
      losses[i] = error * error;
    }
    return losses;
  }
  const width = out.length / rows;
  if (!Number.isInteger(width) || width < 2) {
    throw new MembershipAuditError(
      `${name} returned ${out.length} probabilities for ${rows} rows of ${data.name}; expected one per class per row`,
    );
  }
  const columns = data.classes.map((label) => columnOf(label, predictor, width, data));
  for (let i = 0; i < rows; i++) {
    const column = columns[data.y[i] ?? 0] ?? 0;
    const p = out[i * width + column] ?? 0;
    const clipped = Math.min(Math.max(p, LOSS_PROBABILITY_CLIP), 1 - LOSS_PROBABILITY_CLIP);
    losses[i] = -Math.log(clipped);
  }
  return losses;
}
