import assert from "node:assert/strict";
import type { TabularDataset } from "../../src/data/index.js";
import type { DenseLayer } from "../../src/train/index.js";
import { StandardScaler, trainTestSplit } from "../../src/data/index.js";

/** The class with the highest probability in each row of a row-major matrix. */
export function argmaxRows(probabilities: Float64Array, classes: number): Int32Array {
  const rows = probabilities.length / classes;
  return Int32Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < classes; j++) {
      if ((probabilities[i * classes + j] ?? 0) > (probabilities[i * classes + best] ?? 0)) {
        best = j;
      }
    }
    return best;
  });
}

/** A seeded split with features standard-scaled on the training part. */
export function scaledSplit(
  data: TabularDataset,
  testFraction: number,
  seed: number,
): { train: TabularDataset; test: TabularDataset } {
  const { train, test } = trainTestSplit(data, { testFraction, seed });
  const scaler = new StandardScaler().fit(train);
  return { train: scaler.transformDataset(train), test: scaler.transformDataset(test) };
}

/** `x` with a leading column of ones, for fitting an intercept by least squares. */
export function withIntercept(x: Float64Array, cols: number): Float64Array {
  const rows = x.length / cols;
  const out = new Float64Array(rows * (cols + 1));
  for (let i = 0; i < rows; i++) {
    out[i * (cols + 1)] = 1;
    out.set(x.subarray(i * cols, (i + 1) * cols), i * (cols + 1) + 1);
  }
  return out;
}

/** A small synthetic table: features drawn by `value(row, col)`, labels by `label(row)`. */
export function table(
  rows: number,
  featureCount: number,
  value: (row: number, col: number) => number,
  label: (row: number) => number,
  classes: readonly string[],
): TabularDataset {
  const x = Float64Array.from({ length: rows * featureCount }, (_, k) =>
    value(Math.floor(k / featureCount), k % featureCount),
  );
  return {
    name: "synthetic",
    task: classes.length === 0 ? "regression" : "classification",
    featureNames: Array.from({ length: featureCount }, (_, j) => `f${j}`),
    targetName: "target",
    x,
    y: Float64Array.from({ length: rows }, (_, i) => label(i)),
    classes,
  };
}

/** Runs exported dense layers in float64, by the textbook formulas, as an ONNX runtime would. */
export function denseForward(
  layers: readonly DenseLayer[],
  x: Float64Array,
  rows: number,
): Float64Array {
  let input = x;
  for (const layer of layers) {
    const out = new Float64Array(rows * layer.outputSize);
    for (let i = 0; i < rows; i++) {
      for (let o = 0; o < layer.outputSize; o++) {
        let s = layer.bias[o] ?? 0;
        for (let k = 0; k < layer.inputSize; k++) {
          s +=
            (input[i * layer.inputSize + k] ?? 0) * (layer.weights[k * layer.outputSize + o] ?? 0);
        }
        out[i * layer.outputSize + o] = s;
      }
      const row = out.subarray(i * layer.outputSize, (i + 1) * layer.outputSize);
      if (layer.activation === "relu") {
        row.forEach((v, o) => (row[o] = Math.max(0, v)));
      } else if (layer.activation === "sigmoid") {
        row.forEach((v, o) => (row[o] = 1 / (1 + Math.exp(-v))));
      } else if (layer.activation === "softmax") {
        const max = Math.max(...row);
        const e = row.map((v) => Math.exp(v - max));
        const total = e.reduce((a, b) => a + b, 0);
        row.set(e.map((v) => v / total));
      }
    }
    input = out;
  }
  return input;
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  }
  return worst;
}
