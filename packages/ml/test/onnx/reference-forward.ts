// A plain float64 forward pass over the export description, written independently of the
// exporter so that the ONNX graph can be checked against it.
import type { OnnxExportSpec } from "../../src/onnx/index.js";
import { createRng } from "../../src/random/seeded.js";

/** Raw row -> preprocessed row: scaled numeric columns in raw order, then one-hot blocks. */
function preprocess(spec: OnnxExportSpec, row: readonly number[]): number[] {
  const names = spec.preprocessing.featureNames;
  const oneHot = (spec.preprocessing.oneHot ?? []).map((o) => ({
    column: typeof o.column === "string" ? names.indexOf(o.column) : o.column,
    categories: o.categories,
  }));
  const categorical = new Set(oneHot.map((o) => o.column));
  const out: number[] = [];
  let k = 0;
  for (let j = 0; j < row.length; j++) {
    if (categorical.has(j)) {
      continue;
    }
    let v = row[j] ?? NaN;
    const s = spec.preprocessing.scaler;
    if (s?.kind === "standard") {
      v = (v - (s.mean[k] ?? NaN)) / (s.scale[k] ?? NaN);
    } else if (s?.kind === "minmax") {
      v = v * (s.scale[k] ?? NaN) + (s.min[k] ?? NaN);
    }
    out.push(v);
    k++;
  }
  for (const o of oneHot) {
    for (const c of o.categories) {
      out.push(row[o.column] === c ? 1 : 0);
    }
  }
  return out;
}

/** Returns the last layer's activations for one raw row. */
export function forward(spec: OnnxExportSpec, row: readonly number[]): number[] {
  let h = preprocess(spec, row);
  for (const layer of spec.layers) {
    const z: number[] = [];
    for (let j = 0; j < layer.outputSize; j++) {
      let sum = layer.bias[j] ?? NaN;
      for (let i = 0; i < layer.inputSize; i++) {
        sum += (h[i] ?? NaN) * (layer.weights[i * layer.outputSize + j] ?? NaN);
      }
      z.push(sum);
    }
    switch (layer.activation) {
      case "linear":
        h = z;
        break;
      case "relu":
        h = z.map((v) => Math.max(0, v));
        break;
      case "sigmoid":
        h = z.map((v) => 1 / (1 + Math.exp(-v)));
        break;
      case "softmax": {
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const total = e.reduce((a, b) => a + b, 0);
        h = e.map((v) => v / total);
        break;
      }
    }
  }
  return h;
}

/** Class probabilities for one raw row, both columns for a single sigmoid unit. */
export function probabilities(spec: OnnxExportSpec, row: readonly number[]): number[] {
  const out = forward(spec, row);
  const p = out[0] ?? NaN;
  return out.length === 1 ? [1 - p, p] : out;
}

/** Index of the largest value, the first one on ties. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) {
      best = i;
    }
  });
  return best;
}

/** Seeded uniform values in [-scale, scale). */
export function randomValues(seed: number, n: number, scale: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** A dense layer with seeded weights. */
export function randomLayer(
  seed: number,
  inputSize: number,
  outputSize: number,
  activation: "linear" | "relu" | "sigmoid" | "softmax",
) {
  return {
    inputSize,
    outputSize,
    weights: randomValues(seed, inputSize * outputSize, 1),
    bias: randomValues(seed + 1, outputSize, 0.5),
    activation,
  };
}

/** Splits a flat row-major matrix into rows. */
export function rowsOf(x: ArrayLike<number>, columns: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r * columns < x.length; r++) {
    rows.push(Array.from({ length: columns }, (_, j) => x[r * columns + j] ?? NaN));
  }
  return rows;
}
