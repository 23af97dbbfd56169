import { accuracyScore, r2Score } from "../metrics/index.js";

/** What the network's last layer produces, which decides the loss. */
export type OutputKind = "regression" | "sigmoid" | "softmax";

/** Keras's clipping of probabilities inside cross-entropy. */
const EPSILON = 1e-7;

/**
 * The loss the model trains on (mean squared error or cross-entropy) and the metric
 * a progress report shows (R² or accuracy), for predictions `pred` (row-major, one
 * value per row, or one probability per class) against targets `y` (values, or
 * class indexes).
 */
export function scorePredictions(
  kind: OutputKind,
  pred: Float32Array,
  y: ArrayLike<number>,
): { loss: number; metric: number } {
  const rows = y.length;
  if (kind === "regression") {
    let sse = 0;
    for (let i = 0; i < rows; i++) {
      sse += ((y[i] ?? 0) - (pred[i] ?? 0)) ** 2;
    }
    return { loss: sse / rows, metric: r2Score(y, pred) };
  }
  const width = pred.length / rows;
  const predicted = new Int32Array(rows);
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const label = y[i] ?? 0;
    if (kind === "sigmoid") {
      const p = clip(pred[i] ?? 0);
      loss -= label === 1 ? Math.log(p) : Math.log(1 - p);
      predicted[i] = p >= 0.5 ? 1 : 0;
    } else {
      loss -= Math.log(clip(pred[i * width + label] ?? 0));
      predicted[i] = argmax(pred, i * width, width);
    }
  }
  return { loss: loss / rows, metric: accuracyScore(y, predicted) };
}

function clip(p: number): number {
  return Math.min(1 - EPSILON, Math.max(EPSILON, p));
}

function argmax(values: Float32Array, start: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) {
    if ((values[start + j] ?? 0) > (values[start + best] ?? 0)) {
      best = j;
    }
  }
  return best;
}
